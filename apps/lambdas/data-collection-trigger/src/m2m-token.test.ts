import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizedFetch, basicAuth, EXPIRY_MARGIN_MS, loadM2mCredentials, M2mAuthError, m2mTokenSource, type M2mCredentials } from './m2m-token.js';
import { SyncFailedError, triggerSync, type SyncRequest } from './sync.js';

/*
 * One local server plays Cognito's token endpoint (/oauth2/token) and data-collection
 * (/api/v1/data/sync, which admits only the tokens in `valid`).
 */
interface TokenCall {
  readonly type: string | undefined;
  readonly authorization: string | undefined;
  readonly form: Record<string, string>;
}
let server: Server;
let base: string;
let tokenCalls: TokenCall[] = [];
let syncAuth: (string | undefined)[] = [];
/** Next answers of the token endpoint; when empty, a fresh token `tok-<n>` valid 3600 s. */
let tokenReplies: { status: number; body: string }[] = [];
let issued = 0;
let valid = new Set<string>();
/** false: data-collection refuses every token (e.g. a scope missing from the client). */
let acceptTokens = true;

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    void body(req).then((text) => {
      if (req.url === '/oauth2/token') {
        tokenCalls.push({ type: req.headers['content-type'], authorization: req.headers.authorization, form: Object.fromEntries(new URLSearchParams(text)) });
        const reply = tokenReplies.shift();
        if (reply) return res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
        const token = `tok-${++issued}`;
        valid.add(token);
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 3600, token_type: 'Bearer' }));
      }
      syncAuth.push(req.headers.authorization);
      const ok = acceptTokens && valid.has(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { queued: 1 } : { detail: 'invalid token' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  tokenCalls = [];
  syncAuth = [];
  tokenReplies = [];
  issued = 0;
  valid = new Set();
  acceptTokens = true;
});

const creds = (over: Partial<M2mCredentials> = {}): M2mCredentials => ({
  client_id: 'm2m-client',
  client_secret: 's3cr3t+/=',
  token_url: `${base}/oauth2/token`,
  scope: 'tradai-api/backtests.write tradai-api/data.write',
  ...over,
});

describe('loadM2mCredentials', () => {
  const sm = mockClient(SecretsManagerClient);
  const arn = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:tradai-cognito-m2m-dev-AbCdEf';
  beforeEach(() => sm.reset());
  afterAll(() => sm.restore());

  it('reads the secret by ARN and returns its fields', async () => {
    sm.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify(creds()) });
    expect(await loadM2mCredentials(new SecretsManagerClient({ region: 'eu-central-1' }), arn)).toEqual(creds());
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('refuses a bad secret naming the secret and the field, never the value, and marks it final', async () => {
    const client = new SecretsManagerClient({ region: 'eu-central-1' });
    const cases: [string | undefined, RegExp][] = [
      [JSON.stringify({ ...creds(), client_secret: '' }), /tradai-cognito-m2m-dev-AbCdEf is invalid: client_secret:/],
      [JSON.stringify({ ...creds(), token_url: 'not a url' }), /is invalid: token_url:/],
      ['{"client_id": "m2m-client", "client_secret": "s3cr3t+/="', /is not JSON/],
      [undefined, /has no SecretString/],
      ['"a string"', /is invalid: \(root\): /],
      [JSON.stringify({ ...creds(), client_id: '', token_url: 'ftp://auth.example.com/oauth2/token' }), /is invalid: client_id: [^;]+; token_url: /],
      // Only http and https, matched whole: not a scheme that merely contains or extends them.
      [JSON.stringify({ ...creds(), token_url: 'shttp://auth.example.com/oauth2/token' }), /is invalid: token_url:/],
      [JSON.stringify({ ...creds(), token_url: 'httpsx://auth.example.com/oauth2/token' }), /is invalid: token_url:/],
    ];
    for (const [secret, message] of cases) {
      sm.on(GetSecretValueCommand).resolves({ SecretString: secret });
      const err = (await loadM2mCredentials(client, arn).catch((e: unknown) => e)) as M2mAuthError;
      expect(err).toBeInstanceOf(M2mAuthError);
      expect(err.name).toBe('M2mAuthError'); // what the Lambda error report shows
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('s3cr3t');
      expect(err.retryable).toBe(false);
    }
  });

  it('accepts an http or https token URL', async () => {
    const client = new SecretsManagerClient({ region: 'eu-central-1' });
    for (const url of ['http://127.0.0.1:9/oauth2/token', 'https://tradai.auth.eu-central-1.amazoncognito.com/oauth2/token']) {
      sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(creds({ token_url: url })) });
      expect((await loadM2mCredentials(client, arn)).token_url).toBe(url);
    }
  });

  it('reports an SDK failure (after the SDK retried) as final', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('not authorized to perform secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' }));
    await expect(loadM2mCredentials(new SecretsManagerClient({ region: 'eu-central-1' }), arn)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/cannot read M2M secret .*tradai-cognito-m2m-dev-AbCdEf: AccessDeniedException/),
    });
  });
});

describe('m2mTokenSource', () => {
  let clock = 1_000_000;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  it('POSTs the client-credentials grant with HTTP Basic and only the scopes asked for', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now });
    expect(await tokens.token()).toBe('tok-1');
    expect(tokenCalls).toEqual([
      {
        type: 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('m2m-client:s3cr3t%2B%2F%3D').toString('base64')}`,
        form: { grant_type: 'client_credentials', scope: 'tradai-api/data.write' },
      },
    ]);
    expect(basicAuth('a b', 'c:d')).toBe(`Basic ${Buffer.from('a+b:c%3Ad').toString('base64')}`);
  });

  it('asks for several scopes space-separated', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write', 'tradai-api/backtests.write'], now });
    expect(await tokens.token()).toBe('tok-1');
    expect(tokenCalls.map((c) => c.form.scope)).toEqual(['tradai-api/data.write tradai-api/backtests.write']);
  });

  it('caches the token until exactly 60 s before expires_in, and reads the credentials once', async () => {
    let loads = 0;
    const tokens = m2mTokenSource({ credentials: async () => (loads++, creds()), scopes: ['tradai-api/data.write'], now });
    const issuedAt = clock;
    expect(await tokens.token()).toBe('tok-1');
    expect(EXPIRY_MARGIN_MS).toBe(60_000);
    clock = issuedAt + 3_540_000 - 1; // 1 ms before expires_in (3600 s) minus the margin
    expect(await tokens.token()).toBe('tok-1');
    clock = issuedAt + 3_540_000; // at it: renewed
    expect(await tokens.token()).toBe('tok-2');
    clock = issuedAt + 3_540_000 + 3_540_000 - 1; // tok-2 was asked for at issuedAt + 3540 s
    expect(await tokens.token()).toBe('tok-2');
    clock += 2; // one step past tok-2's renewal point
    expect(await tokens.token()).toBe('tok-3');
    expect(tokenCalls).toHaveLength(3);
    expect(loads).toBe(1);
  });

  it("counts a token's lifetime from when it was asked for, not from when the answer came", async () => {
    const slowFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      clock += 5_000; // the token endpoint took 5 s to answer
      return res;
    };
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now, fetch: slowFetch });
    const askedAt = clock;
    expect(await tokens.token()).toBe('tok-1');
    clock = askedAt + 3_540_000 - 1;
    expect(await tokens.token()).toBe('tok-1');
    clock = askedAt + 3_540_000;
    expect(await tokens.token()).toBe('tok-2');
  });

  it('a token that lives no longer than the margin is used once, never cached', async () => {
    tokenReplies = [
      { status: 200, body: '{"access_token":"short-1","expires_in":60}' },
      { status: 200, body: '{"access_token":"short-2","expires_in":61}' },
    ];
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now });
    expect(await tokens.token()).toBe('short-1');
    expect(await tokens.token()).toBe('short-2'); // 60 s - 60 s margin: stale at once
    clock += 999;
    expect(await tokens.token()).toBe('short-2'); // 61 s: cached for 1 s
    clock += 1;
    expect(await tokens.token()).toBe('tok-1');
  });

  it('shares one request between concurrent callers, also when renewing an expired token', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now });
    expect(await Promise.all([tokens.token(), tokens.token(), tokens.token()])).toEqual(['tok-1', 'tok-1', 'tok-1']);
    clock += 3_540_000;
    expect(await Promise.all([tokens.token(), tokens.token()])).toEqual(['tok-2', 'tok-2']);
    expect(tokenCalls).toHaveLength(2);
  });

  it('invalidate(token) forgets that token only while it is the cached one', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now });
    expect(await tokens.token()).toBe('tok-1');
    tokens.invalidate('some-older-token');
    expect(await tokens.token()).toBe('tok-1');
    tokens.invalidate('tok-1');
    expect(await tokens.token()).toBe('tok-2');
    expect(tokenCalls).toHaveLength(2);
  });

  it('refuses a scope the secret does not allow without asking Cognito', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds({ scope: 'tradai-api/backtests.write' }), scopes: ['tradai-api/data.write'], now });
    await expect(tokens.token()).rejects.toMatchObject({
      retryable: false,
      message: 'the M2M client may not request tradai-api/data.write (its secret allows: tradai-api/backtests.write)',
    });
    expect(tokenCalls).toEqual([]);
  });

  it('names every scope it may not request, and says when the secret allows none', async () => {
    const two = m2mTokenSource({ credentials: async () => creds({ scope: 'tradai-api/backtests.write  tradai-api/strategies.read' }), scopes: ['tradai-api/data.write', 'tradai-api/data.read', 'tradai-api/backtests.write'], now });
    await expect(two.token()).rejects.toThrow('the M2M client may not request tradai-api/data.write, tradai-api/data.read (its secret allows: tradai-api/backtests.write, tradai-api/strategies.read)');
    const none = m2mTokenSource({ credentials: async () => creds({ scope: '' }), scopes: ['tradai-api/data.write'], now });
    await expect(none.token()).rejects.toThrow('the M2M client may not request tradai-api/data.write (its secret allows: none)');
    expect(tokenCalls).toEqual([]);
  });

  it('reports a token endpoint that does not answer in time, or refuses the connection, as worth retrying', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/oauth2/token`;
    try {
      const slow = m2mTokenSource({ credentials: async () => creds({ token_url: silentUrl }), scopes: ['tradai-api/data.write'], now, timeoutMs: 100 });
      await expect(slow.token()).rejects.toMatchObject({ name: 'M2mAuthError', retryable: true, message: `token endpoint ${silentUrl}: no answer within 100 ms` });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
    // The same port, now closed: nothing listens there.
    const refused = m2mTokenSource({ credentials: async () => creds({ token_url: silentUrl }), scopes: ['tradai-api/data.write'], now });
    await expect(refused.token()).rejects.toMatchObject({ retryable: true, message: `token endpoint ${silentUrl}: ECONNREFUSED` });
  });

  it('says which token-endpoint failures are worth retrying', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now });
    tokenReplies = [
      { status: 400, body: '{"error":"invalid_client"}' },
      { status: 503, body: 'busy' },
      { status: 200, body: '{"access_token":"","expires_in":3600}' },
      { status: 200, body: '{"access_token":"t","expires_in":0}' },
      { status: 200, body: '<html>' },
    ];
    await expect(tokens.token()).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/\/oauth2\/token answered HTTP 400: \{"error":"invalid_client"\}$/) });
    await expect(tokens.token()).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/answered HTTP 503: busy/) });
    await expect(tokens.token()).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/invalid token response: access_token:/) });
    await expect(tokens.token()).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/invalid token response: expires_in:/) });
    await expect(tokens.token()).rejects.toMatchObject({ retryable: true, message: `token endpoint ${base}/oauth2/token answered HTTP 200 with a body that is not JSON` });
    expect(await tokens.token()).toBe('tok-1');
  });

  it('retries 429 and 5xx, not the 4xx below or between them (status boundaries)', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now });
    const cases: [number, boolean][] = [[428, false], [429, true], [430, false], [499, false], [500, true], [501, true]];
    tokenReplies = cases.map(([status]) => ({ status, body: `{"error":"e${status}"}` }));
    for (const [status, retryable] of cases) {
      await expect(tokens.token(), `HTTP ${status}`).rejects.toMatchObject({ retryable, message: expect.stringContaining(`answered HTTP ${status}: {"error":"e${status}"}`) });
    }
  });

  it('quotes at most the first 200 characters of an error body', async () => {
    const tokens = m2mTokenSource({ credentials: async () => creds(), scopes: ['tradai-api/data.write'], now });
    tokenReplies = [{ status: 400, body: 'x'.repeat(200) + 'TAIL' }];
    const err = (await tokens.token().catch((e: unknown) => e)) as M2mAuthError;
    expect(err.message).toBe(`token endpoint ${base}/oauth2/token answered HTTP 400: ${'x'.repeat(200)}`);
  });

  it('loads the credentials again on the next call when loading failed', async () => {
    let loads = 0;
    const tokens = m2mTokenSource({
      credentials: async () => {
        if (++loads === 1) throw new M2mAuthError('cannot read M2M secret x: ThrottlingException', false);
        return creds();
      },
      scopes: ['tradai-api/data.write'],
      now,
    });
    await expect(tokens.token()).rejects.toThrow(/ThrottlingException/);
    expect(await tokens.token()).toBe('tok-1');
    expect(loads).toBe(2);
  });
});

describe('authorizedFetch with triggerSync', () => {
  const policy = { attempts: 3, baseDelayMs: 1, timeoutMs: 2000 };
  const noWait = async () => undefined;
  const request: SyncRequest = { symbols: ['BTC/USDT'], timeframes: ['1h'] };
  const setup = (c: M2mCredentials = creds()) => {
    const tokens = m2mTokenSource({ credentials: async () => c, scopes: ['tradai-api/data.write'] });
    return { tokens, fetch: authorizedFetch(fetch, tokens), url: `${base}/api/v1/data/sync` };
  };

  it('sends Authorization: Bearer <token> and reuses the token across invocations', async () => {
    const { fetch: f, url } = setup();
    expect(await triggerSync(url, request, policy, f, noWait)).toMatchObject({ httpStatus: 200, attempts: 1 });
    await triggerSync(url, request, policy, f, noWait);
    expect(syncAuth).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(tokenCalls).toHaveLength(1);
  });

  it('on a 401 gets a new token once and retries the call', async () => {
    const { fetch: f, url } = setup();
    await triggerSync(url, request, policy, f, noWait);
    valid.delete('tok-1'); // revoked while cached
    expect(await triggerSync(url, request, policy, f, noWait)).toMatchObject({ httpStatus: 200, attempts: 1 });
    expect(syncAuth).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
    expect(tokenCalls).toHaveLength(2);
  });

  it('race: a 401 for a token another caller already replaced does not drop the new token', async () => {
    const { tokens } = setup();
    expect(await tokens.token()).toBe('tok-1');
    // The service: both callers send tok-1; the first is refused at once, the second only after
    // the first has come back with the new token, so the second 401 is stale when it arrives.
    const seen: (string | null)[] = [];
    let tok1Refusals = 0;
    let newTokenUsed!: () => void;
    const replaced = new Promise<void>((r) => (newTokenUsed = r));
    const service: typeof fetch = async (_input, init) => {
      const auth = new Headers(init?.headers).get('authorization');
      seen.push(auth);
      if (auth === 'Bearer tok-1') {
        if (++tok1Refusals === 2) await replaced;
        return new Response('{"detail":"revoked"}', { status: 401 });
      }
      newTokenUsed();
      return new Response('{}', { status: 200 });
    };
    const f = authorizedFetch(service, tokens);
    const [a, b] = await Promise.all([f('http://svc/a'), f('http://svc/b')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(seen).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2', 'Bearer tok-2']);
    expect(tokenCalls).toHaveLength(2); // tok-1 and one renewal, not a third token
  });

  it('a second 401 is final: reported, not retried again', async () => {
    const { fetch: f, url } = setup();
    acceptTokens = false;
    const err = (await triggerSync(url, request, policy, f, noWait).catch((e: unknown) => e)) as SyncFailedError;
    expect(err).toBeInstanceOf(SyncFailedError);
    expect(err.message).toMatch(/data sync rejected by .*: HTTP 401: .*invalid token/);
    expect(syncAuth).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('stops at once when Cognito refuses the client, and never calls the service', async () => {
    const { fetch: f, url } = setup();
    tokenReplies = [{ status: 400, body: '{"error":"invalid_client"}' }];
    await expect(triggerSync(url, request, policy, f, noWait)).rejects.toThrow(/data sync via .* failed: token endpoint .* answered HTTP 400: \{"error":"invalid_client"\}/);
    expect(tokenCalls).toHaveLength(1);
    expect(syncAuth).toEqual([]);
  });

  it('retries a token endpoint that is briefly down, like the service itself', async () => {
    const { fetch: f, url } = setup();
    tokenReplies = [{ status: 503, body: 'busy' }];
    expect(await triggerSync(url, request, policy, f, noWait)).toMatchObject({ httpStatus: 200, attempts: 2 });
    expect(syncAuth).toEqual(['Bearer tok-1']);
  });
});
