import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { NotFoundError } from '@tradai/domain';
import { health, HealthResponse, type ReadinessCheck } from './health.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';
import { requestIdFrom } from './request-id.js';

/** A Fastify instance whose routes take zod schemas (request validation, response serialisation, OpenAPI). */
export type ServiceApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Where the generated OpenAPI 3.1 document is served. */
export const OPENAPI_PATH = '/openapi.json';

export interface ServiceAppOptions {
  /** Service name: in every log line, /health and the OpenAPI title. */
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Default `/health`. */
  readonly healthPath?: string;
  /** Readiness checks run by the health route; any failure answers 503. */
  readonly checks?: Readonly<Record<string, ReadinessCheck>>;
  /** pino level; `silent` turns logging off. Default `info`. */
  readonly logLevel?: string;
  /** Log destination (default stdout); tests pass a stream to read the JSON lines. */
  readonly logStream?: { write(line: string): void };
}

/**
 * The Fastify app every service starts from: zod schemas on routes, OpenAPI at {@link OPENAPI_PATH},
 * JSON logs whose reqId is the gateway's request id (echoed as `x-request-id`), errors as RFC 9457
 * problem documents, and the health route. Register feature routes on the returned app.
 */
export async function createServiceApp(opts: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    logger: {
      level: opts.logLevel ?? 'info',
      base: { service: opts.name, version: opts.version },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    // Always ask genReqId: it knows the several headers the gateways use (logged as `reqId`).
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Before any route: @fastify/swagger collects routes from its onRoute hook.
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: opts.name, version: opts.version, ...(opts.description ? { description: opts.description } : {}) } },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // On close Fastify drops idle keep-alive sockets once; a socket busy at that moment would stay open
  // after its response and hold close() until the timeout. `Connection: close` ends it with the response.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((err, req, reply) => {
    const problem = toProblem(err, req.url);
    if (problem.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ problem: { status: problem.status, detail: problem.detail } }, 'request rejected');
    // A string body skips the route's serializer: the problem is not the route's success shape.
    return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
  app.setNotFoundHandler((req, reply) => {
    const problem = toProblem(new NotFoundError(`no route ${req.method} ${req.url.split('?')[0]}`), req.url);
    return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });

  app.get(
    opts.healthPath ?? '/health',
    // Probed every few seconds by the ALB, Cloud Map and ECS: only problems are worth a log line.
    { logLevel: 'warn', schema: { summary: 'Liveness and readiness', tags: ['health'], response: { 200: HealthResponse, 503: HealthResponse } } },
    async (_req, reply) => {
      const h = await health(opts.name, opts.version, opts.checks);
      return reply.status(h.status === 'ok' ? 200 : 503).send(h);
    },
  );
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  return app;
}
