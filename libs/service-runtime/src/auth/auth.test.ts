import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceApp } from '../app.js';
import { accessDenial, principalOf } from './access.js';
import { authConfig, cognitoIssuer } from './config.js';
import { accessFor, bearerToken, requireAccess } from './require-access.js';
import { startLocalIdp, type LocalIdp } from './testing.js';
import { createTokenVerifier } from './verifier.js';

let idp: LocalIdp;
let other: LocalIdp;
let app: ServiceApp;

beforeAll(async () => {
  [idp, other] = await Promise.all([startLocalIdp(), startLocalIdp()]);
  app = await createServiceApp({ name: 'strategy-service', version: 'test', logLevel: 'silent' });
  const verify = createTokenVerifier(idp.config);
  app.put('/api/v1/strategies/:name/config', { onRequest: requireAccess(verify, accessFor('PUT', '/api/v1/strategies/{name}/config')) }, async (req) => ({
    groups: req.principal?.groups,
  }));
  app.post('/api/v1/models/:name/promote', { onRequest: requireAccess(verify, accessFor('POST', '/api/v1/models/{name}/promote')) }, async () => ({ ok: true }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await Promise.all([idp?.stop(), other?.stop()]);
});

const put = (authorization?: string) =>
  app.inject({ method: 'PUT', url: '/api/v1/strategies/x/config', headers: authorization === undefined ? {} : { authorization } });

describe('requireAccess', () => {
  it('answers 401 with a problem document and WWW-Authenticate when the token is missing', async () => {
    const res = await put();
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized', detail: expect.stringContaining('missing bearer token') });
  });

  it('answers 401 for malformed, expired, foreign, wrong-client and ID tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, RegExp][] = [
      ['garbage', 'Bearer not-a-jwt', /invalid token/],
      ['expired', `Bearer ${idp.userToken(['trader'], { exp: now - 60 })}`, /expired/i],
      ['other issuer key', `Bearer ${other.userToken(['trader'])}`, /invalid token/],
      ['foreign client', `Bearer ${idp.userToken(['trader'], { client_id: 'someone-else' })}`, /client/i],
      ['id token', `Bearer ${idp.userToken(['trader'], { token_use: 'id' })}`, /token use/i],
      ['basic auth', 'Basic dXNlcjpwYXNz', /missing bearer token/],
    ];
    for (const [what, header, detail] of cases) {
      const res = await put(header);
      expect(res.statusCode, what).toBe(401);
      expect(res.json().detail, what).toMatch(detail);
    }
  });

  it('answers 403 for a valid user outside the route groups and lets a trader through', async () => {
    const viewer = await put(`Bearer ${idp.userToken(['viewer'])}`);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().detail).toBe('forbidden: the user must be in one of the groups trader, admin');
    const trader = await put(`Bearer ${idp.userToken(['viewer', 'trader'])}`);
    expect(trader.statusCode).toBe(200);
    expect(trader.json()).toEqual({ groups: ['viewer', 'trader'] });
  });

  it('checks M2M scopes: read scope is not enough to write; user-only routes refuse M2M tokens', async () => {
    expect((await put(`Bearer ${idp.m2mToken(['strategies.read'])}`)).statusCode).toBe(403);
    expect((await put(`Bearer ${idp.m2mToken(['strategies.write'])}`)).statusCode).toBe(200);
    const promote = await app.inject({ method: 'POST', url: '/api/v1/models/m/promote', headers: { authorization: `Bearer ${idp.m2mToken(['strategies.write', 'backtests.write'])}` } });
    expect(promote.statusCode).toBe(403);
    expect(promote.json().detail).toBe('forbidden: this route is for users, not client-credentials tokens');
    const admin = await app.inject({ method: 'POST', url: '/api/v1/models/m/promote', headers: { authorization: `Bearer ${idp.userToken(['admin'])}` } });
    expect(admin.statusCode).toBe(200);
  });

  it('fetches the JWKS once and reuses it', async () => {
    // Its own issuer and verifier: the shared ones may or may not have fetched already, depending
    // on which tests ran before (the count then proves nothing, or fails when run alone).
    const own = await startLocalIdp();
    const local = await createServiceApp({ name: 'strategy-service', version: 'test', logLevel: 'silent' });
    local.get('/x', { onRequest: requireAccess(createTokenVerifier(own.config), { groups: ['trader'], scopes: [] }) }, async () => 'ok');
    try {
      expect(own.jwksFetches()).toBe(0);
      for (let i = 0; i < 3; i++) {
        const res = await local.inject({ method: 'GET', url: '/x', headers: { authorization: `Bearer ${own.userToken(['trader'])}` } });
        expect(res.statusCode).toBe(200);
      }
      expect(own.jwksFetches()).toBe(1);
    } finally {
      await local.close();
      await own.stop();
    }
  });

  it('answers 503 (not 401) when the signing keys cannot be fetched', async () => {
    const gone = await startLocalIdp();
    const token = gone.userToken(['trader']);
    await gone.stop();
    const down = await createServiceApp({ name: 'strategy-service', version: 'test', logLevel: 'silent' });
    down.get('/x', { onRequest: requireAccess(createTokenVerifier(gone.config), { groups: ['trader'], scopes: [] }) }, async () => 'ok');
    const res = await down.inject({ method: 'GET', url: '/x', headers: { authorization: `Bearer ${token}` } });
    await down.close();
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toMatch(/token signing keys unavailable/);
  });
});

describe('access rules (pure)', () => {
  const user = principalOf({ sub: 'u1', username: 'u1', client_id: 'web', 'cognito:groups': ['trader'], scope: 'openid email' });
  const m2m = principalOf({ sub: 'm2m', client_id: 'm2m', scope: 'tradai-api/backtests.read tradai-api/strategies.read' });

  it('reads groups and scopes from the claims and tells users from clients', () => {
    expect(user).toEqual({ sub: 'u1', clientId: 'web', groups: ['trader'], scopes: ['openid', 'email'], machine: false });
    expect(m2m).toMatchObject({ groups: [], scopes: ['tradai-api/backtests.read', 'tradai-api/strategies.read'], machine: true });
  });

  it('admits a matching group or scope and names what is missing otherwise', () => {
    expect(accessDenial(user, { groups: ['trader', 'admin'], scopes: [] })).toBeUndefined();
    expect(accessDenial(m2m, { groups: [], scopes: ['strategies.read'] })).toBeUndefined();
    expect(accessDenial(m2m, { groups: ['viewer'], scopes: ['strategies.write'] })).toBe('the token needs one of the scopes tradai-api/strategies.write');
    expect(accessDenial(user, { groups: [], scopes: ['strategies.read'] })).toBe('this route is for client-credentials tokens, not users');
  });

  it('looks routes up in API_ROUTES and refuses unknown or public ones', () => {
    expect(accessFor('GET', '/api/v1/strategies')).toEqual({ groups: ['viewer', 'trader', 'admin'], scopes: ['strategies.read'] });
    expect(() => accessFor('GET', '/api/v1/nope')).toThrow('API_ROUTES has no route GET /api/v1/nope');
    expect(() => accessFor('GET', '/health')).toThrow(/is public/);
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer  abc')).toBe('abc');
    expect(bearerToken('Bearer')).toBeUndefined();
  });
});

describe('authConfig', () => {
  it('derives issuer and JWKS from the user pool id', () => {
    expect(authConfig({ COGNITO_USER_POOL_ID: 'eu-central-1_AbC123', COGNITO_CLIENT_IDS: 'web, m2m' })).toEqual({
      issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123',
      jwksUri: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123/.well-known/jwks.json',
      clientIds: ['web', 'm2m'],
    });
    expect(cognitoIssuer('us-gov-west-1_X1').issuer).toBe('https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_X1');
  });

  it('takes a local issuer instead of a pool', () => {
    expect(authConfig({ AUTH_ISSUER: 'http://127.0.0.1:9/', COGNITO_CLIENT_IDS: 'a' })).toEqual({ issuer: 'http://127.0.0.1:9/', jwksUri: 'http://127.0.0.1:9/.well-known/jwks.json', clientIds: ['a'] });
    expect(authConfig(idp.env)).toEqual(idp.config);
  });

  it('names the missing or malformed variable', () => {
    expect(() => authConfig({ COGNITO_USER_POOL_ID: 'eu-central-1_A' })).toThrow('missing or empty environment variable: COGNITO_CLIENT_IDS');
    expect(() => authConfig({ COGNITO_CLIENT_IDS: 'a' })).toThrow(/COGNITO_USER_POOL_ID \(or AUTH_ISSUER/);
    expect(() => authConfig({ COGNITO_CLIENT_IDS: 'a', COGNITO_USER_POOL_ID: 'pool' })).toThrow(/COGNITO_USER_POOL_ID must look like/);
    expect(() => authConfig({ COGNITO_CLIENT_IDS: 'a', AUTH_ISSUER: 'ftp://x' })).toThrow(/AUTH_ISSUER must be an http\(s\) URL/);
  });
});
