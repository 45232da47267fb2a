import { ENV } from '@tradai/contracts';
import { EnvError, listSetting } from '@tradai/domain';

type Source = Readonly<Record<string, string | undefined>>;

/**
 * Variables a service that checks tokens reads. Compute sets COGNITO_USER_POOL_ID and
 * COGNITO_CLIENT_IDS from the persistent stack's `cognito_user_pool_id`,
 * `cognito_user_pool_client_id` and `cognito_m2m_client_id`, so those two names live in the
 * contracts' ENV (compute may not import this lib); AUTH_ISSUER / AUTH_JWKS_URI replace the pool
 * for a local identity provider (tests, `platform:serve`).
 */
export const AUTH_ENV = {
  userPoolId: ENV.cognitoUserPoolId,
  /** Comma-separated app client ids whose access tokens are accepted (web, M2M). */
  clientIds: ENV.cognitoClientIds,
  issuer: 'AUTH_ISSUER',
  jwksUri: 'AUTH_JWKS_URI',
} as const;

/** Where tokens come from and who they may be issued to. */
export interface AuthConfig {
  /** Expected `iss` claim. */
  readonly issuer: string;
  /** Where the issuer publishes its signing keys. */
  readonly jwksUri: string;
  /** Accepted `client_id` claims of access tokens. */
  readonly clientIds: readonly string[];
}

/** `eu-central-1_AbC123`: the region, an underscore, the pool's own id. */
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/;

/** The issuer and JWKS of a Cognito user pool (what its tokens carry in `iss`). */
export function cognitoIssuer(userPoolId: string): { issuer: string; jwksUri: string } {
  const m = USER_POOL_ID.exec(userPoolId);
  if (!m) throw new EnvError(`${AUTH_ENV.userPoolId} must look like <region>_<id> (eu-central-1_AbC123), got "${userPoolId}"`, [AUTH_ENV.userPoolId]);
  const issuer = `https://cognito-idp.${m[1]}.amazonaws.com/${userPoolId}`;
  return { issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
}

/**
 * The token settings from the environment: the user pool (or a local issuer) and the client ids.
 * A missing or malformed variable is an EnvError naming it, so the service stops at start.
 */
export function authConfig(source: Source = process.env): AuthConfig {
  const clientIds = listSetting(source, AUTH_ENV.clientIds);
  const issuer = source[AUTH_ENV.issuer]?.trim();
  if (issuer) {
    if (!/^https?:\/\/\S+$/.test(issuer)) throw new EnvError(`${AUTH_ENV.issuer} must be an http(s) URL, got "${issuer}"`, [AUTH_ENV.issuer]);
    const jwksUri = source[AUTH_ENV.jwksUri]?.trim() || `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
    return { issuer, jwksUri, clientIds };
  }
  const pool = source[AUTH_ENV.userPoolId]?.trim();
  if (!pool) throw new EnvError(`missing or empty environment variable: ${AUTH_ENV.userPoolId} (or ${AUTH_ENV.issuer} for a local issuer)`, [AUTH_ENV.userPoolId]);
  return { ...cognitoIssuer(pool), clientIds };
}
