import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';

/*
 * Cognito M2M access tokens (OAuth client credentials) for calls to the services. The client's
 * id, secret, token URL and allowed scopes live in one Secrets Manager secret (persistent
 * `cognito_m2m_secret_arn`); only its ARN is in the environment.
 */

const nonEmpty = () => z.string().check(z.minLength(1));

/** The secret's JSON document, as persistent writes it. */
export const M2mCredentials = z.object({
  client_id: nonEmpty(),
  client_secret: nonEmpty(),
  token_url: z.url({ protocol: /^https?$/ }),
  /** Space-separated scopes the client may request. */
  scope: z.string(),
});
export type M2mCredentials = z.infer<typeof M2mCredentials>;

const TokenResponse = z.object({
  access_token: nonEmpty(),
  expires_in: z.number().check(z.positive()),
  token_type: z.optional(z.string()),
});

/**
 * Getting a token failed. `retryable` is false when trying again cannot help (a bad secret, a
 * client or scope Cognito refuses), so the sync's retry loop gives up at once.
 */
export class M2mAuthError extends Error {
  override readonly name = 'M2mAuthError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const issues = (e: z.core.$ZodError) => e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** Reads and checks the credentials secret. Errors name the secret and the field, never a value. */
export async function loadM2mCredentials(sm: SecretsManagerClient, secretArn: string): Promise<M2mCredentials> {
  let text: string | undefined;
  try {
    text = (await sm.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (err) {
    // The SDK has already retried what was transient (throttling, 5xx).
    throw new M2mAuthError(`cannot read M2M secret ${secretArn}: ${(err as Error).name}: ${(err as Error).message}`, false);
  }
  if (!text) throw new M2mAuthError(`M2M secret ${secretArn} has no SecretString`, false);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new M2mAuthError(`M2M secret ${secretArn} is not JSON`, false);
  }
  const parsed = z.safeParse(M2mCredentials, json);
  if (!parsed.success) throw new M2mAuthError(`M2M secret ${secretArn} is invalid: ${issues(parsed.error)}`, false);
  return parsed.data;
}

export interface TokenSource {
  /** A valid access token (cached until shortly before it expires). */
  token(): Promise<string>;
  /**
   * A call with `rejected` got a 401: forget it, so the next token() asks Cognito again. Only if it
   * is still the cached token: a caller whose 401 arrives after another caller already replaced the
   * token must not drop the new one (Cognito bills every M2M token request).
   */
  invalidate(rejected: string): void;
}

export interface TokenSourceOptions {
  /** Loaded once, then cached for the container's life; a failed load is retried on the next call. */
  readonly credentials: () => Promise<M2mCredentials>;
  /** Full scope claims to request (`tradai-api/data.write`): only what this caller needs. */
  readonly scopes: readonly string[];
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

/** A token is renewed this long before Cognito's `expires_in`, so it never expires in flight. */
export const EXPIRY_MARGIN_MS = 60_000;

/** RFC 6749 2.3.1: id and secret are form-urlencoded, then joined and base64'd. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

/**
 * Client-credentials tokens from the credentials' token URL: POST
 * `grant_type=client_credentials&scope=...` with HTTP Basic client_id:client_secret. Concurrent
 * callers share one request. Refuses at once a scope the client may not request.
 */
export function m2mTokenSource(opts: TokenSourceOptions): TokenSource {
  const fetchImpl = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let credentials: Promise<M2mCredentials> | undefined;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const loadCredentials = () => {
    credentials ??= opts.credentials().catch((err: unknown) => {
      credentials = undefined;
      throw err;
    });
    return credentials;
  };

  async function request(): Promise<string> {
    const c = await loadCredentials();
    const allowed = c.scope.split(' ').filter(Boolean);
    const missing = opts.scopes.filter((s) => !allowed.includes(s));
    if (missing.length) throw new M2mAuthError(`the M2M client may not request ${missing.join(', ')} (its secret allows: ${allowed.join(', ') || 'none'})`, false);
    const started = now();
    let res: Response;
    try {
      res = await fetchImpl(c.token_url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(c.client_id, c.client_secret) },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: opts.scopes.join(' ') }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
      throw new M2mAuthError(`token endpoint ${c.token_url}: ${why}`, true);
    }
    const text = await res.text();
    // Cognito's error bodies are `{"error":"invalid_client"}`-style: safe to quote, and they say why.
    if (!res.ok) throw new M2mAuthError(`token endpoint ${c.token_url} answered HTTP ${res.status}: ${text.slice(0, 200)}`, res.status >= 500 || res.status === 429);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new M2mAuthError(`token endpoint ${c.token_url} answered HTTP ${res.status} with a body that is not JSON`, true);
    }
    const parsed = z.safeParse(TokenResponse, json);
    if (!parsed.success) throw new M2mAuthError(`token endpoint ${c.token_url} answered an invalid token response: ${issues(parsed.error)}`, true);
    // Counted from when the request was sent: the token's lifetime started no earlier.
    cached = { token: parsed.data.access_token, renewAt: started + parsed.data.expires_in * 1000 - EXPIRY_MARGIN_MS };
    return cached.token;
  }

  return {
    token() {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      pending ??= request().finally(() => (pending = undefined));
      return pending;
    },
    invalidate(rejected) {
      if (cached?.token === rejected) cached = undefined;
    },
  };
}

/**
 * `fetch` that sends `Authorization: Bearer <token>`; on a 401 it drops the token, gets a new one
 * and sends the request once more (the token may have been revoked or the cache be stale). A
 * second 401 is returned as is: the caller reports it.
 */
export function authorizedFetch(fetchImpl: typeof fetch, tokens: TokenSource): typeof fetch {
  const send = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined) => {
    const token = await tokens.token();
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return { token, res: await fetchImpl(input, { ...init, headers }) };
  };
  return async (input, init) => {
    const first = await send(input, init);
    if (first.res.status !== 401) return first.res;
    await first.res.body?.cancel();
    tokens.invalidate(first.token);
    return (await send(input, init)).res;
  };
}
