import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SyncFailedError, triggerSync, type SyncRequest } from './sync.js';

/** Local data-collection: answers with the next queued status and records each body. */
let server: Server;
let url: string;
let replies: number[] = [];
let bodies: unknown[] = [];
const waits: number[] = [];
const wait = async (ms: number) => void waits.push(ms);
const policy = { attempts: 3, baseDelayMs: 1000, timeoutMs: 2000 };
/** Pseudo statuses the local service acts out instead of answering with them. */
const EMPTY = 1;
const TEXT = 2;
const LONG = 3;

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      bodies.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(data) });
      const status = replies.shift() ?? 200;
      if (status === EMPTY) return res.writeHead(200).end();
      if (status === TEXT) return res.writeHead(200, { 'content-type': 'text/plain' }).end(`queued${'.'.repeat(300)}`);
      if (status === LONG) return res.writeHead(500).end(`${'e'.repeat(200)}TAIL`);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { queued: 6 } : { error: `boom ${status}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/data/sync`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  replies = [];
  bodies = [];
  waits.length = 0;
});

const request: SyncRequest = { symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '1d'] };

describe('triggerSync', () => {
  it('POSTs the symbols and timeframes as JSON and returns the answer', async () => {
    const r = await triggerSync(url, request, policy, fetch, wait);
    expect(r).toEqual({ httpStatus: 200, attempts: 1, body: { queued: 6 } });
    expect(bodies).toEqual([{ method: 'POST', url: '/api/v1/data/sync', type: 'application/json', body: request }]);
    expect(waits).toEqual([]);
  });

  it('retries 5xx with exponential backoff', async () => {
    replies = [503, 502];
    const r = await triggerSync(url, request, policy, fetch, wait);
    expect(r.attempts).toBe(3);
    expect(waits).toEqual([1000, 2000]);
    expect(bodies).toHaveLength(3);
  });

  it('gives up after the last attempt with an error naming URL, status and body', async () => {
    replies = [500, 500, 500];
    const err = await triggerSync(url, request, policy, fetch, wait).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncFailedError);
    expect((err as SyncFailedError).name).toBe('SyncFailedError'); // what the Lambda error report shows
    expect((err as SyncFailedError).message).toMatch(/failed after 3 attempts: HTTP 500: .*boom 500/);
    expect((err as SyncFailedError).message).toContain(url);
    expect((err as SyncFailedError).httpStatus).toBe(500);
  });

  it('does not retry a 4xx: the request itself is wrong', async () => {
    replies = [422];
    await expect(triggerSync(url, request, policy, fetch, wait)).rejects.toThrow(/rejected by .*HTTP 422/);
    expect(bodies).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries connection errors too', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/v1/data/sync`;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(triggerSync(dead, request, policy, fetch, wait)).rejects.toThrow(/failed after 3 attempts: ECONNREFUSED/);
    expect(waits).toEqual([1000, 2000]);
  });

  it('retries from 500 up, not 499: the exact 4xx/5xx boundary', async () => {
    replies = [499];
    await expect(triggerSync(url, request, policy, fetch, wait)).rejects.toMatchObject({ attempts: 1, httpStatus: 499 });
    expect(bodies).toHaveLength(1);
    replies = [500];
    expect(await triggerSync(url, request, policy, fetch, wait)).toMatchObject({ httpStatus: 200, attempts: 2 });
    expect(bodies).toHaveLength(3);
  });

  it('makes exactly policy.attempts attempts: one means no retry at all', async () => {
    replies = [503, 503];
    await expect(triggerSync(url, request, { ...policy, attempts: 1 }, fetch, wait)).rejects.toMatchObject({ attempts: 1, httpStatus: 503, message: expect.stringMatching(/failed after 1 attempts: HTTP 503/) });
    expect(bodies).toHaveLength(1);
    expect(waits).toEqual([]);
    replies = [503, 503];
    expect(await triggerSync(url, request, { ...policy, attempts: 3, baseDelayMs: 250 }, fetch, wait)).toMatchObject({ attempts: 3 });
    expect(waits).toEqual([250, 500]);
  });

  it('quotes at most the first 200 characters of an error body', async () => {
    replies = [LONG, LONG, LONG];
    const err = (await triggerSync(url, request, policy, fetch, wait).catch((e: unknown) => e)) as SyncFailedError;
    expect(err.message).toBe(`data sync via ${url} failed after 3 attempts: HTTP 500: ${'e'.repeat(200)}`);
  });

  it('returns an empty answer as null and a non-JSON one as its first 200 characters', async () => {
    replies = [EMPTY, TEXT];
    expect(await triggerSync(url, request, policy, fetch, wait)).toEqual({ httpStatus: 200, attempts: 1, body: null });
    expect((await triggerSync(url, request, policy, fetch, wait)).body).toBe(`queued${'.'.repeat(194)}`);
  });

  it('gives up on a service that does not answer within the timeout, saying so', async () => {
    // Its own server, which never answers: an aborted request must not reach the shared one later.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/v1/data/sync`;
    try {
      const err = (await triggerSync(silentUrl, request, { attempts: 2, baseDelayMs: 1, timeoutMs: 100 }, fetch, wait).catch((e: unknown) => e)) as SyncFailedError;
      expect(err.message).toBe(`data sync via ${silentUrl} failed after 2 attempts: no answer within 100 ms`);
      expect(err.httpStatus).toBeUndefined();
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('reports the last failure: a connection error after a 5xx carries no HTTP status', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      if (++calls === 1) return fetch(input, init);
      throw new TypeError('fetch failed', { cause: new Error('other side closed') });
    };
    replies = [502];
    const err = (await triggerSync(url, request, policy, flaky, wait).catch((e: unknown) => e)) as SyncFailedError;
    expect(err).toMatchObject({ attempts: 3, httpStatus: undefined, message: `data sync via ${url} failed after 3 attempts: other side closed` });
  });

  it('names the error itself when it has no cause', async () => {
    const broken: typeof fetch = async () => {
      throw new Error('socket hang up');
    };
    await expect(triggerSync(url, request, { ...policy, attempts: 1 }, broken, wait)).rejects.toThrow(`data sync via ${url} failed after 1 attempts: socket hang up`);
  });

  it('stops at once on an error marked retryable: false (e.g. Cognito refusing the client)', async () => {
    let calls = 0;
    const refused: typeof fetch = async () => {
      calls++;
      throw Object.assign(new Error('token endpoint answered HTTP 400: invalid_client'), { retryable: false });
    };
    await expect(triggerSync(url, request, policy, refused, wait)).rejects.toMatchObject({ attempts: 1, message: `data sync via ${url} failed: token endpoint answered HTTP 400: invalid_client` });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });
});
