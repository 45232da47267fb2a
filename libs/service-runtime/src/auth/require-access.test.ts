import { describe, expect, it } from 'vitest';
import { createServiceApp } from '../app.js';
import { HttpError } from '../problem.js';
import { principalOf } from './access.js';
import { accessFor, bearerToken, requireAccess } from './require-access.js';
import type { TokenVerifier } from './verifier.js';

/** An app with one route guarded by `verify` (trader group or strategies.write scope). */
async function guarded(verify: TokenVerifier) {
  const app = await createServiceApp({ name: 'strategy-service', version: 'test', logLevel: 'silent' });
  app.get('/x', { onRequest: requireAccess(verify, { groups: ['trader'], scopes: ['strategies.write'] }) }, async (req) => ({ sub: req.principal?.sub }));
  return app;
}

describe('requireAccess with a stub verifier', () => {
  it('marks a token the verifier rejects with 401 as invalid_token', async () => {
    const app = await guarded(async () => {
      throw new HttpError(401, 'invalid token: expired');
    });
    const res = await app.inject({ url: '/x', headers: { authorization: 'Bearer abc' } });
    await app.close();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.json().detail).toBe('invalid token: expired');
  });

  it.each([
    ['an unavailable key set (503)', new HttpError(503, 'token signing keys unavailable: x'), 503],
    ['a plain error', new Error('bug'), 500],
  ])('sends no WWW-Authenticate for %s', async (_, err, status) => {
    const app = await guarded(async () => {
      throw err;
    });
    const res = await app.inject({ url: '/x', headers: { authorization: 'Bearer abc' } });
    await app.close();
    expect(res.statusCode).toBe(status);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('passes the bare token to the verifier and the principal to the handler', async () => {
    const seen: string[] = [];
    const app = await guarded(async (token) => {
      seen.push(token);
      return principalOf({ sub: 'u1', username: 'u1', client_id: 'web', 'cognito:groups': ['trader'] });
    });
    const res = await app.inject({ url: '/x', headers: { authorization: 'Bearer abc.def ' } });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sub: 'u1' });
    expect(seen).toEqual(['abc.def']);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def-_=', 'abc.def-_='],
    ['BEARER abc', 'abc'],
    ['Bearer abc  ', 'abc'],
    ['Bearer abc\t', 'abc'],
  ])('reads %j as %j', (header, token) => expect(bearerToken(header)).toBe(token));

  it.each([undefined, '', 'Bearer', 'Bearer ', 'xBearer abc', 'Token Bearer abc', 'Bearer abc def', 'Bearer abc;x', 'Bearer abc/def'])('refuses %j', (header) =>
    expect(bearerToken(header)).toBeUndefined(),
  );
});

describe('accessFor', () => {
  it('matches the method as well as the path', () => {
    expect(accessFor('POST', '/api/v1/strategies')).toEqual({ groups: ['trader', 'admin'], scopes: ['strategies.write'] });
    expect(accessFor('GET', '/api/v1/strategies')).toEqual({ groups: ['viewer', 'trader', 'admin'], scopes: ['strategies.read'] });
    expect(() => accessFor('DELETE', '/api/v1/strategies')).toThrow('API_ROUTES has no route DELETE /api/v1/strategies');
  });

  it('names a public route by its route key', () => {
    expect(() => accessFor('GET', '/health')).toThrow('API_ROUTES GET /health is public: it needs no requireAccess');
  });
});
