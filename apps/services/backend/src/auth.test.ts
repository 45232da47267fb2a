import { API_ROUTES } from '@tradai/contracts';
import { createTokenVerifier, requireAccess, startLocalIdp, type LocalIdp } from '@tradai/service-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startHarness, type Harness } from './test-support.js';

/*
 * Every authenticated backend-api route checks the token itself (defence in depth behind API
 * Gateway) against the API_ROUTES access matrix, before it validates or touches anything.
 */

let idp: LocalIdp;
let h: Harness;

beforeAll(async () => {
  idp = await startLocalIdp();
  const verify = createTokenVerifier(idp.config);
  h = await startHarness({ authorize: (route) => requireAccess(verify, route.access!) });
});
afterAll(async () => {
  await h.stop();
  await idp.stop();
});

const routes = API_ROUTES.filter((r) => r.target === 'backend-api' && r.auth);
const url = (path: string) => path.replace('{id}', 'bt-x').replace('{name}', 'trend').replace('{strategy}', 'trend');

describe('backend-api authorization', () => {
  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: 401 without a token or with a foreign one, before anything else', async (_, r) => {
    const anonymous = await h.app.inject({ method: r.method as 'GET', url: url(r.path) });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    const forged = await h.app.inject({ method: r.method as 'GET', url: url(r.path), headers: { authorization: `Bearer ${idp.userToken(['admin'])}x` } });
    expect(forged.statusCode).toBe(401);
    expect(problemOf(forged).status).toBe(401);
  });

  it('403 for a user outside the route groups and for an M2M token without its scope', async () => {
    const viewer = idp.userToken(['viewer']);
    const promote = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/promote', headers: { authorization: `Bearer ${viewer}` }, payload: { strategy: 'trend', startedAt: '2026-05-01T00:00:00Z', version: '1' } });
    expect(promote.statusCode).toBe(403);
    expect(problemOf(promote).detail).toContain('admin');
    const cancel = await h.app.inject({ method: 'DELETE', url: '/api/v1/backtests/bt-x', headers: { authorization: `Bearer ${viewer}` } });
    expect(cancel.statusCode).toBe(403);
    const m2m = await h.app.inject({ method: 'GET', url: '/api/v1/models', headers: { authorization: `Bearer ${idp.m2mToken(['backtests.read'])}` } });
    expect(m2m.statusCode).toBe(403);
  });

  it('admits the groups and scopes the matrix lists, and leaves /health open', async () => {
    const reader = await h.app.inject({ method: 'GET', url: '/api/v1/backtests/bt-x', headers: { authorization: `Bearer ${idp.userToken(['viewer'])}` } });
    expect(reader.statusCode).toBe(404);
    const ci = await h.app.inject({ method: 'GET', url: '/api/v1/backtests', headers: { authorization: `Bearer ${idp.m2mToken(['backtests.read'])}` } });
    expect(ci.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
