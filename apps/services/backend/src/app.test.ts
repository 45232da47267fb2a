import type { ApiRoute } from '@tradai/contracts';
import { guardApiRoutes, HttpError } from '@tradai/service-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import { buildBackendApp, SERVICE_NAME } from './app.js';
import { startHarness, type Harness } from './test-support.js';

/** The auth wiring, independent of how tokens are checked: each /api/v1 route gets its API_ROUTES row. */
let h: Harness;
const seen: string[] = [];

beforeAll(async () => {
  h = await startHarness({
    authorize: (route: ApiRoute) => async (req) => {
      seen.push(`${route.method} ${route.path}`);
      if (req.headers['x-test-allow'] !== route.path) throw new HttpError(401, `no access to ${route.path}`);
    },
  });
});
afterAll(() => h.stop());

describe('authorization wiring', () => {
  it('runs the check of the matching API_ROUTES entry before validation', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/backtests?limit=0' });
    expect(res.statusCode).toBe(401);
    expect(seen.at(-1)).toBe('GET /api/v1/backtests');
    const promote = await h.app.inject({ method: 'POST', url: '/api/v1/models/m/promote', payload: {} });
    expect(promote.statusCode).toBe(401);
    expect(seen.at(-1)).toBe('POST /api/v1/models/{name}/promote');
    const admitted = await h.app.inject({ method: 'GET', url: '/api/v1/backtests/bt-none', headers: { 'x-test-allow': '/api/v1/backtests/{id}' } });
    expect(admitted.statusCode).toBe(404);
  });

  it('leaves /health and the OpenAPI document open', async () => {
    const before = seen.length;
    expect((await h.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect(seen).toHaveLength(before);
  });

  it('refuses to start with an /api/v1 route API_ROUTES does not govern, and admits HEAD as its GET', () => {
    const hook = guardApiRoutes(SERVICE_NAME, () => async () => undefined);
    const handler = async () => ({});
    expect(() => hook({ method: 'GET', url: '/api/v1/secret/:id', handler } as RouteOptions)).toThrow('GET /api/v1/secret/{id} is not an authenticated backend-api route in API_ROUTES');
    expect(() => hook({ method: 'POST', url: '/api/v1/backtests', handler } as RouteOptions)).toThrow('POST /api/v1/backtests is not an authenticated backend-api route');
    const head = { method: 'HEAD', url: '/api/v1/trading/status', handler } as RouteOptions;
    hook(head);
    expect(head.onRequest).toHaveLength(1);
  });
});

describe('logging options', () => {
  // Fastify logs each request at info; the level and the stream passed in decide whether and where.
  const requestLogs = async (logLevel: string) => {
    const lines: string[] = [];
    const app = await buildBackendApp(h.deps, { logLevel, logStream: { write: (line) => void lines.push(line) } });
    try {
      await app.inject({ method: 'GET', url: '/openapi.json' });
    } finally {
      await app.close();
    }
    return lines.map((l) => JSON.parse(l) as { msg?: string; service?: string }).filter((l) => l.msg === 'incoming request');
  };

  it('writes request logs to the given stream at info, and none at warn', async () => {
    const info = await requestLogs('info');
    expect(info).toHaveLength(1);
    expect(info[0]!.service).toBe(SERVICE_NAME);
    expect(await requestLogs('warn')).toEqual([]);
  });
});
