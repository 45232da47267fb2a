import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scopeClaim, type ApiScope, type UserGroup } from '@tradai/contracts';
import { AUTH_ENV, type AuthConfig } from './config.js';

/** A local stand-in for the Cognito user pool: signs access tokens and serves their JWKS on 127.0.0.1. */
export interface LocalIdp {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly webClientId: string;
  readonly m2mClientId: string;
  /** Settings for createTokenVerifier. */
  readonly config: AuthConfig;
  /** AUTH_ISSUER, AUTH_JWKS_URI, COGNITO_CLIENT_IDS: what a service started against this IdP reads. */
  readonly env: Record<string, string>;
  /** A user access token (hosted-UI shape) in `groups`; `claims` override or add any claim. */
  userToken(groups: readonly (UserGroup | string)[], claims?: Record<string, unknown>): string;
  /** A client-credentials access token with `scopes` (`tradai-api/<scope>`). */
  m2mToken(scopes: readonly ApiScope[], claims?: Record<string, unknown>): string;
  /** Signs any payload with this IdP's key (for malformed-claim tests). */
  sign(payload: Record<string, unknown>): string;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

const b64url = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');

function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/**
 * Starts a local identity provider: a fresh RSA key pair, its JWKS at
 * `http://127.0.0.1:<port>/.well-known/jwks.json`, and token minting in Cognito's access-token
 * shape (`token_use`, `client_id`, `cognito:groups`, `scope`). Tokens live an hour unless `exp`
 * is overridden. Call `stop()` when done.
 */
export async function startLocalIdp(opts: { webClientId?: string; m2mClientId?: string } = {}): Promise<LocalIdp> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwksUri = `${issuer}/.well-known/jwks.json`;
  const webClientId = opts.webClientId ?? 'local-web-client';
  const m2mClientId = opts.m2mClientId ?? 'local-m2m-client';
  const times = () => {
    const now = Math.floor(Date.now() / 1000);
    return { iat: now, auth_time: now, exp: now + 3600, jti: randomUUID(), iss: issuer, token_use: 'access' };
  };
  const signed = (payload: Record<string, unknown>) => signJwt(payload, privateKey, kid);
  return {
    issuer,
    jwksUri,
    webClientId,
    m2mClientId,
    config: { issuer, jwksUri, clientIds: [webClientId, m2mClientId] },
    env: { [AUTH_ENV.issuer]: issuer, [AUTH_ENV.jwksUri]: jwksUri, [AUTH_ENV.clientIds]: `${webClientId},${m2mClientId}` },
    userToken: (groups, claims = {}) => {
      const sub = randomUUID();
      return signed({ ...times(), sub, username: sub, client_id: webClientId, 'cognito:groups': [...groups], scope: 'openid email profile', ...claims });
    },
    m2mToken: (scopes, claims = {}) => signed({ ...times(), sub: m2mClientId, client_id: m2mClientId, scope: scopes.map(scopeClaim).join(' '), ...claims }),
    sign: signed,
    jwksFetches: () => fetches,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
