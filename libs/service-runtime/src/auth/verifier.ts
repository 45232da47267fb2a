import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { FetchError, JwksNotAvailableInCacheError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { HttpError } from '../problem.js';
import { principalOf, type Principal } from './access.js';
import type { AuthConfig } from './config.js';

/** Verifies a bearer token; rejects with HttpError 401 (bad token) or 503 (keys unreachable). */
export type TokenVerifier = (token: string) => Promise<Principal>;

/** JWKS fetch timeout: a hung identity provider must not hold a request for long. */
const JWKS_TIMEOUT_MS = 3_000;

/**
 * Fetches the JWKS with the runtime's fetch. aws-jwt-verify's default fetcher speaks https only;
 * this one also reaches a local issuer on http://127.0.0.1 (tests, platform:serve), so both take
 * the same verification path.
 */
const jwksFetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    let res: Response;
    try {
      res = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
    } catch (err) {
      throw new FetchError(uri, err instanceof Error ? err.message : String(err));
    }
    if (res.status !== 200) throw new FetchError(uri, `status ${res.status}, expected 200`);
    return res.arrayBuffer();
  },
};

/**
 * A verifier for Cognito access tokens of `cfg`: RS256 signature from the issuer's JWKS (cached,
 * re-fetched for an unknown kid), `iss`, `exp`/`nbf`, `token_use` access and a `client_id` of
 * `cfg.clientIds`. Access tokens because they carry both `cognito:groups` and `scope`, and API
 * Gateway's route scopes admit no ID token.
 */
export function createTokenVerifier(cfg: AuthConfig): TokenVerifier {
  const verifier = JwtVerifier.create(
    {
      issuer: cfg.issuer,
      jwksUri: cfg.jwksUri,
      // Cognito access tokens have no `aud`; client_id is checked below.
      audience: null,
      customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'access', clientId: [...cfg.clientIds] }),
    },
    { jwksCache: new SimpleJwksCache({ fetcher: jwksFetcher }) },
  );
  return async (token) => {
    try {
      return principalOf(await verifier.verify(token));
    } catch (err) {
      // The keys could not be fetched: our dependency is down, not the caller's token bad.
      if (err instanceof FetchError || err instanceof JwksNotAvailableInCacheError) throw new HttpError(503, `token signing keys unavailable: ${err.message}`);
      throw new HttpError(401, `invalid token: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}
