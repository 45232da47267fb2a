import { ConflictError, NotFoundError, ValidationError } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';

/** Socket-level failures: the dependency is not answering at all. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** AWS answers that mean "not now" rather than "you asked wrongly". */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'AbortError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'SlowDown',
  'InternalError',
  'InternalServerError',
]);

interface AwsLike {
  name?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  errors?: unknown[];
}

/** Whether `err` says the dependency is down or overloaded (pure). */
export function isOutage(err: unknown): boolean {
  const e = (err ?? {}) as AwsLike;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  // Node's happy-eyeballs connect reports every failed address in an AggregateError.
  if (Array.isArray(e.errors) && e.errors.some(isOutage)) return true;
  if (e.name && UNAVAILABLE_NAMES.has(e.name)) return true;
  return e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Runs one call to `what` (DynamoDB, S3): an outage becomes a 503 problem naming the dependency;
 * domain errors and anything else (a bug, a missing permission: 500) pass through unchanged.
 */
export async function downstream<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ConflictError || err instanceof ValidationError) throw err;
    if (isOutage(err)) throw new HttpError(503, `${what} is unavailable; nothing was changed by this request, retry later`);
    throw err;
  }
}
