import { ConflictError, NotFoundError, ValidationError } from '@tradai/domain';
import * as z from 'zod/mini';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp, OPENAPI_PATH, type ServiceApp } from './app.js';
import { HttpError, problemResponses, ProblemDetails } from './problem.js';
import { logCapture } from './testing.js';

let app: ServiceApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const Order = z.object({ symbol: z.string().check(z.minLength(3)), quantity: z.number().check(z.positive()) });

/** A service with one route per error kind, and one validated route. */
async function testApp(checks?: Parameters<typeof createServiceApp>[0]['checks']) {
  const logs = logCapture();
  const a = await createServiceApp({ name: 'test-service', version: '1.2.3', logStream: logs.stream, ...(checks ? { checks } : {}) });
  a.post(
    '/orders',
    { schema: { summary: 'Place an order', body: Order, response: { 201: z.object({ id: z.string() }), ...problemResponses(400) } } },
    async (req, reply) => reply.status(201).send({ id: `${req.body.symbol}-${req.body.quantity}` }),
  );
  a.get('/missing', async () => {
    throw new NotFoundError('workflow wf-1 not found');
  });
  a.get('/conflict', async () => {
    throw new ConflictError('workflow wf-1 already exists');
  });
  a.get('/invalid', async () => {
    throw new ValidationError('bad config', 'parameters.fast', [{ path: 'parameters.fast', message: 'must be < slow' }]);
  });
  a.get('/boom', async () => {
    throw new Error('connection string postgres://admin:secret@db leaked?');
  });
  a.get('/busy', async () => {
    throw new HttpError(503, 'exchange unreachable');
  });
  a.get('/wrong-shape', { schema: { response: { 200: z.object({ n: z.number() }) } } }, async () => ({ n: 'not a number' }) as unknown as { n: number });
  app = a;
  return { app: a, logs };
}

describe('createServiceApp: problem details', () => {
  it('answers a request that fails its schema with 400 naming each field', async () => {
    const { app } = await testApp();
    const res = await app.inject({ method: 'POST', url: '/orders', payload: { symbol: 'BT', quantity: -1 } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = ProblemDetails.parse(res.json());
    expect(body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400, instance: '/orders' });
    expect(body.errors?.map((e) => e.path)).toEqual(['body.symbol', 'body.quantity']);
    expect(body.detail).toContain('body.quantity');
  });

  it('passes a valid request through to the handler', async () => {
    const { app } = await testApp();
    const res = await app.inject({ method: 'POST', url: '/orders', payload: { symbol: 'BTC', quantity: 2 } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: 'BTC-2' });
  });

  it('maps domain errors: ValidationError 400 with its issues, NotFoundError 404, ConflictError 409', async () => {
    const { app } = await testApp();
    const invalid = await app.inject('/invalid');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ status: 400, detail: 'bad config', errors: [{ path: 'parameters.fast', message: 'must be < slow' }] });
    const missing = await app.inject('/missing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'workflow wf-1 not found', instance: '/missing' });
    const conflict = await app.inject('/conflict');
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ title: 'Conflict', detail: 'workflow wf-1 already exists' });
    const busy = await app.inject('/busy');
    expect(busy.statusCode).toBe(503);
    expect(busy.json()).toMatchObject({ title: 'Service Unavailable', detail: 'exchange unreachable' });
  });

  it('answers an unexpected error with 500 that leaks nothing, and logs the error under the request id', async () => {
    const { app, logs } = await testApp();
    const res = await app.inject({ url: '/boom', headers: { 'x-request-id': 'req-boom-1' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json()).toMatchObject({ status: 500, title: 'Internal Server Error' });
    const failed = logs.lines().find((l) => l.msg === 'request failed');
    expect(failed).toMatchObject({ reqId: 'req-boom-1', service: 'test-service', level: 50 });
    expect(JSON.stringify(failed)).toContain('secret');
  });

  it('answers a response that breaks its own schema with 500, not with the bad body', async () => {
    const { app } = await testApp();
    const res = await app.inject('/wrong-shape');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('not a number');
  });

  it('answers an unknown route and malformed JSON as problems', async () => {
    const { app } = await testApp();
    const unknown = await app.inject('/nope?x=1');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ status: 404, detail: 'no route GET /nope' });
    const bad = await app.inject({ method: 'POST', url: '/orders', headers: { 'content-type': 'application/json' }, payload: '{"symbol":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('createServiceApp: request ids in logs', () => {
  it.each([
    ['x-amzn-requestid', 'apigw-rest-1'],
    ['apigw-requestid', 'apigw-http-1'],
    ['x-request-id', 'local-1'],
  ])('logs %s as reqId and echoes it', async (header, id) => {
    const { app, logs } = await testApp();
    const res = await app.inject({ url: '/missing', headers: { [header]: id } });
    expect(res.headers['x-request-id']).toBe(id);
    const mine = logs.lines().filter((l) => l.reqId === id);
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request rejected', 'request completed']));
  });

  it('prefers the gateway id over x-request-id, and generates one when none is sent', async () => {
    const { app, logs } = await testApp();
    const both = await app.inject({ url: '/missing', headers: { 'x-request-id': 'client', 'x-amzn-requestid': 'gateway' } });
    expect(both.headers['x-request-id']).toBe('gateway');
    const none = await app.inject('/missing');
    const generated = none.headers['x-request-id'] as string;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.lines().some((l) => l.reqId === generated && l.msg === 'request completed')).toBe(true);
  });
});

describe('createServiceApp: health and OpenAPI', () => {
  it('answers /health with service, status and version', async () => {
    const { app } = await testApp();
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ service: 'test-service', status: 'ok', version: '1.2.3' });
  });

  it('answers 503 naming the failed readiness check', async () => {
    const { app } = await testApp({
      store: async () => undefined,
      exchange: async () => {
        throw new Error('ECONNREFUSED 127.0.0.1:9');
      },
    });
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      service: 'test-service',
      status: 'degraded',
      version: '1.2.3',
      checks: { store: { status: 'ok' }, exchange: { status: 'fail', detail: 'ECONNREFUSED 127.0.0.1:9' } },
    });
  });

  it('serves an OpenAPI 3.1 document with each route and its schemas', async () => {
    const { app } = await testApp();
    const res = await app.inject(OPENAPI_PATH);
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'test-service', version: '1.2.3' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/orders', '/health', '/missing']));
    expect(doc.paths[OPENAPI_PATH]).toBeUndefined();
    const post = doc.paths['/orders'].post;
    expect(post.summary).toBe('Place an order');
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['symbol', 'quantity']);
    expect(body.properties.symbol).toMatchObject({ type: 'string', minLength: 3 });
    expect(post.responses['201'].content['application/json'].schema.properties.id.type).toBe('string');
    expect(post.responses['400'].content['application/problem+json'].schema.required).toEqual(expect.arrayContaining(['type', 'title', 'status']));
  });
});

describe('createServiceApp: logging and connections', () => {
  it('logs the status and detail of a rejected request at info', async () => {
    const { app, logs } = await testApp();
    await app.inject({ url: '/conflict', headers: { 'x-request-id': 'req-409' } });
    const rejected = logs.lines().find((l) => l.msg === 'request rejected');
    expect(rejected).toMatchObject({ reqId: 'req-409', level: 30, problem: { status: 409, detail: 'workflow wf-1 already exists' } });
  });

  it('writes nothing at logLevel silent', async () => {
    const logs = logCapture();
    app = await createServiceApp({ name: 'quiet', version: '1', logLevel: 'silent', logStream: logs.stream });
    expect((await app.inject('/nope')).statusCode).toBe(404);
    expect(logs.lines()).toEqual([]);
  });

  it('keeps health probes out of the info log', async () => {
    const { app, logs } = await testApp();
    expect((await app.inject({ url: '/health', headers: { 'x-request-id': 'probe-1' } })).statusCode).toBe(200);
    await app.inject({ url: '/missing', headers: { 'x-request-id': 'other-1' } });
    expect(logs.lines().some((l) => l.reqId === 'other-1')).toBe(true);
    expect(logs.lines().filter((l) => l.reqId === 'probe-1')).toEqual([]);
  });

  it('documents the health route and the service description in OpenAPI', async () => {
    app = await createServiceApp({ name: 'doc-service', version: '2.0.0', description: 'Serves docs', logLevel: 'silent', healthPath: '/healthz' });
    const doc = (await app.inject(OPENAPI_PATH)).json();
    expect(doc.info).toEqual({ title: 'doc-service', version: '2.0.0', description: 'Serves docs' });
    const get = doc.paths['/healthz'].get;
    expect(get.summary).toBe('Liveness and readiness');
    expect(get.tags).toEqual(['health']);
    expect(Object.keys(get.responses).sort()).toEqual(['200', '503']);
    expect(get.responses['503'].content['application/json'].schema.properties.status.enum).toEqual(['ok', 'degraded']);
    expect(doc.paths['/health']).toBeUndefined();
  });

  it('keeps connections open normally, and answers Connection: close once closing', async () => {
    const a = await createServiceApp({ name: 'closing', version: '1', logLevel: 'silent' });
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inside = new Promise<void>((r) => (entered = r));
    a.get('/slow', async () => {
      entered();
      await gate;
      return 'done';
    });
    app = a;
    const before = await a.inject('/health');
    expect(before.headers.connection).not.toBe('close');
    const inflight = a.inject('/slow');
    await inside;
    const closed = a.close();
    // preClose has run once close() is under way; let the request finish after it.
    await new Promise((r) => setImmediate(r));
    release();
    const res = await inflight;
    await closed;
    app = undefined;
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('close');
  });
});

