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

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      bodies.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(data) });
      const status = replies.shift() ?? 200;
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
});
