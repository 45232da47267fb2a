import { ConflictError, NotFoundError, ValidationError } from '@tradai/domain';
import { STATUS_CODES } from 'node:http';
import * as z from 'zod/mini';

/** Media type of an RFC 9457 problem document. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const FieldError = z.object({
  /** Dotted path of the field at fault, prefixed by where it was (`body.symbols.0`, `querystring.limit`). */
  path: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

/**
 * RFC 9457 problem details. `type` is `about:blank` (the status says it all), so per the RFC the
 * `title` is the status phrase; `detail` says what went wrong for this request.
 */
export const ProblemDetails = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.optional(z.string()),
  instance: z.optional(z.string()),
  errors: z.optional(z.array(FieldError)),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

/** An error that carries its own HTTP status (e.g. 503 from a readiness check, 429 from a limiter). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Shape of Fastify's schema validation error (fastify-type-provider-zod fills `validation`). */
interface FastifyValidationLike {
  readonly validation: readonly { instancePath?: string; message?: string }[];
  readonly validationContext?: string;
}

function isValidationLike(err: unknown): err is FastifyValidationLike {
  return typeof err === 'object' && err !== null && Array.isArray((err as { validation?: unknown }).validation);
}

/** `/symbols/0` in `body` -> `body.symbols.0`; the root of the body is just `body`. */
function fieldPath(context: string | undefined, instancePath: string | undefined): string {
  const parts = (instancePath ?? '').split('/').filter((p) => p !== '');
  return [context, ...parts].filter((p) => p !== undefined && p !== '').join('.') || '(root)';
}

function problem(status: number, detail: string, instance: string | undefined, errors?: FieldError[]): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(instance !== undefined ? { instance } : {}),
    ...(errors ? { errors } : {}),
  };
}

/**
 * The problem document for an error thrown by a route (pure). Request validation and the domain's
 * ValidationError -> 400 naming the fields, NotFoundError -> 404, ConflictError -> 409, client
 * errors Fastify raises itself (bad JSON, wrong media type, body too large) keep their 4xx; anything
 * else is a 500 whose detail says nothing about the internals (the log has the error).
 */
export function toProblem(err: unknown, instance?: string): ProblemDetails {
  if (isValidationLike(err)) {
    const errors = err.validation.map((v) => ({ path: fieldPath(err.validationContext, v.instancePath), message: v.message ?? 'invalid' }));
    return problem(400, `invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, instance, errors);
  }
  if (err instanceof ValidationError) {
    const errors = err.issues.length > 0 ? [...err.issues] : [{ path: err.path, message: err.message }];
    return problem(400, err.message, instance, errors);
  }
  if (err instanceof NotFoundError) return problem(404, err.message, instance);
  if (err instanceof ConflictError) return problem(409, err.message, instance);
  if (err instanceof HttpError && err.statusCode >= 400 && err.statusCode <= 599) return problem(err.statusCode, err.message, instance);
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  // Fastify's own client errors (FST_ERR_CTP_*: malformed JSON, unsupported media type, ...) are safe to echo.
  if (typeof status === 'number' && status >= 400 && status < 500 && (err as { code?: unknown }).code?.toString().startsWith('FST_')) {
    return problem(status, (err as Error).message, instance);
  }
  return problem(500, 'internal error; the service log has the details under this request id', instance);
}

/**
 * OpenAPI response entries documenting problem answers, for a route's `schema.response`:
 * `response: { 200: Body, ...problemResponses(400, 404) }`.
 */
export function problemResponses<const S extends number>(...statuses: S[]): Record<S, { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemDetails } } }> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: STATUS_CODES[s] ?? 'Error', content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemDetails } } }]),
  ) as Record<S, { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemDetails } } }>;
}
