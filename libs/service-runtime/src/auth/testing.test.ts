import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../problem.js';
import { startLocalIdp, type LocalIdp } from './testing.js';
import { createTokenVerifier } from './verifier.js';

let idp: LocalIdp;
beforeEach(async () => {
  idp = await startLocalIdp({ webClientId: 'web-1', m2mClientId: 'm2m-1' });
});
afterEach(async () => {
  await idp.stop();
});

const part = (token: string, i: 0 | 1) => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString()) as Record<string, unknown>;

describe('startLocalIdp', () => {
  it('serves its JWKS as JSON at the well-known path and 404 elsewhere', async () => {
    const res = await fetch(idp.jwksUri);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: part(idp.userToken([]), 0).kid });
    expect(idp.jwksFetches()).toBe(1);
    expect((await fetch(`${idp.issuer}/other`)).status).toBe(404);
    expect(idp.jwksFetches()).toBe(1);
  });

  it('describes itself for a service: issuer on 127.0.0.1, config and env', () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.jwksUri).toBe(`${idp.issuer}/.well-known/jwks.json`);
    expect(idp.config).toEqual({ issuer: idp.issuer, jwksUri: idp.jwksUri, clientIds: ['web-1', 'm2m-1'] });
    expect(idp.env).toEqual({ AUTH_ISSUER: idp.issuer, AUTH_JWKS_URI: idp.jwksUri, COGNITO_CLIENT_IDS: 'web-1,m2m-1' });
  });

  it('mints user tokens in Cognito access-token shape, valid for an hour from now', () => {
    const token = idp.userToken(['trader', 'viewer'], { extra: 1 });
    expect(part(token, 0)).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    const p = part(token, 1);
    const now = Math.floor(Date.now() / 1000);
    expect(p).toMatchObject({ iss: idp.issuer, token_use: 'access', client_id: 'web-1', 'cognito:groups': ['trader', 'viewer'], scope: 'openid email profile', extra: 1 });
    expect(p.username).toBe(p.sub);
    expect(Math.abs((p.iat as number) - now)).toBeLessThanOrEqual(5);
    expect(p.auth_time).toBe(p.iat);
    expect(p.exp).toBe((p.iat as number) + 3600);
  });

  it('mints M2M tokens whose scopes are space-separated claims', () => {
    const p = part(idp.m2mToken(['strategies.read', 'backtests.write']), 1);
    expect(p).toMatchObject({ sub: 'm2m-1', client_id: 'm2m-1', scope: 'tradai-api/strategies.read tradai-api/backtests.write', token_use: 'access' });
    expect(p.username).toBeUndefined();
  });

  it('signs tokens the verifier accepts', async () => {
    const verify = createTokenVerifier(idp.config);
    expect(await verify(idp.userToken(['trader']))).toMatchObject({ clientId: 'web-1', groups: ['trader'], scopes: ['openid', 'email', 'profile'], machine: false });
    expect(await verify(idp.m2mToken(['data.write']))).toMatchObject({ clientId: 'm2m-1', scopes: ['tradai-api/data.write'], machine: true });
  });
});

describe('createTokenVerifier: the key set is unreachable', () => {
  it('answers 503 naming the status when the JWKS URL is not found', async () => {
    const verify = createTokenVerifier({ ...idp.config, jwksUri: `${idp.issuer}/nope` });
    const err = await verify(idp.userToken(['trader'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).statusCode).toBe(503);
    expect((err as HttpError).message).toMatch(/^token signing keys unavailable: .*status 404, expected 200/);
  });

  it('gives up on a JWKS endpoint that never answers', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const hung: Server = createServer(() => undefined);
    hung.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
    try {
      const uri = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/.well-known/jwks.json`;
      const verify = createTokenVerifier({ ...idp.config, jwksUri: uri });
      const err = await verify(idp.userToken(['trader'])).catch((e: unknown) => e);
      expect((err as HttpError).statusCode).toBe(503);
      expect((err as HttpError).message).toMatch(/^token signing keys unavailable/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => hung.close(() => r()));
    }
  }, 15_000);
});
