import { findRoute, type ApiRoute } from '@tradai/contracts';
import type { RouteOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { guardApiRoutes, type Authorize } from './guard.js';

/** An authorize that records the rows it was asked for and returns a named hook per row. */
function recorder() {
  const rows: ApiRoute[] = [];
  const authorize: Authorize = (route) => {
    rows.push(route);
    const hook = async () => undefined;
    Object.defineProperty(hook, 'name', { value: `auth ${route.method} ${route.path}` });
    return hook;
  };
  return { rows, authorize };
}

const route = (method: RouteOptions['method'], url: string, extra: Partial<RouteOptions> = {}) => ({ method, url, handler: async () => undefined, ...extra }) as RouteOptions;
const names = (opts: RouteOptions) => (opts.onRequest as { name: string }[]).map((h) => h.name);

describe('guardApiRoutes', () => {
  it('puts the check of the API_ROUTES row first among the onRequest hooks', () => {
    const { rows, authorize } = recorder();
    const opts = route('PUT', '/api/v1/strategies/:name/config');
    guardApiRoutes('strategy-service', authorize)(opts);
    expect(rows).toEqual([findRoute('PUT', '/api/v1/strategies/{name}/config')]);
    expect(names(opts)).toEqual(['auth PUT /api/v1/strategies/{name}/config']);
  });

  it('keeps the route’s own onRequest hooks after the check, single or listed', () => {
    const { authorize } = recorder();
    const own = async function ownHook() { return undefined; };
    const single = route('GET', '/api/v1/strategies', { onRequest: own });
    guardApiRoutes('strategy-service', authorize)(single);
    expect(names(single)).toEqual(['auth GET /api/v1/strategies', 'ownHook']);
    const other = async function otherHook() { return undefined; };
    const listed = route('GET', '/api/v1/strategies/:name', { onRequest: [own, other] });
    guardApiRoutes('strategy-service', authorize)(listed);
    expect(names(listed)).toEqual(['auth GET /api/v1/strategies/{name}', 'ownHook', 'otherHook']);
  });

  it('guards the HEAD route Fastify adds beside a GET with the GET row', () => {
    const { rows, authorize } = recorder();
    const head = route('HEAD', '/api/v1/strategies/:name/versions');
    guardApiRoutes('strategy-service', authorize)(head);
    expect(rows).toEqual([findRoute('GET', '/api/v1/strategies/{name}/versions')]);
    expect(names(head)).toEqual(['auth GET /api/v1/strategies/{name}/versions']);
  });

  it('checks every method of a multi-method route', () => {
    const { rows, authorize } = recorder();
    const both = route(['GET', 'POST'], '/api/v1/strategies');
    guardApiRoutes('strategy-service', authorize)(both);
    expect(rows.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/strategies', 'POST /api/v1/strategies']);
    expect(names(both)).toEqual(['auth POST /api/v1/strategies', 'auth GET /api/v1/strategies']);
  });

  it('stops the start for a route of another service, a public one or one the table lacks', () => {
    const { rows, authorize } = recorder();
    const guard = guardApiRoutes('strategy-service', authorize);
    expect(() => guard(route('GET', '/api/v1/backtests'))).toThrow('GET /api/v1/backtests is not an authenticated strategy-service route in API_ROUTES');
    expect(() => guardApiRoutes('backend-api', authorize)(route('GET', '/health'))).toThrow('GET /health is not an authenticated backend-api route in API_ROUTES');
    expect(() => guard(route('DELETE', '/api/v1/strategies/:name'))).toThrow('DELETE /api/v1/strategies/{name} is not an authenticated strategy-service route in API_ROUTES');
    expect(rows).toEqual([]);
  });
});
