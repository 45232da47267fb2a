import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withLogs, type LogLine } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // run.ts creates its logger at import: INFO, so the tests can read what operators read.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});
const { run: runQuiet } = await import('./run.js');
type Deps = import('./run.js').Deps;

/** run() with its log lines captured (kept off the test output), also when it throws. */
let lastLogs: LogLine[] = [];
async function run(event: unknown, d: Deps) {
  return withLogs(() => runQuiet(event, d), (logs) => (lastLogs = logs));
}

let server: Server;
let base: string;
let received: unknown[] = [];
let status = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(data));
      res.writeHead(status).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  received = [];
  status = 200;
});

const deps = (): Deps => ({
  url: `${base}/api/v1/data/sync`,
  symbols: ['BTC/USDT', 'ETH/USDT'],
  timeframes: ['1h', '4h', '1d'],
  retry: { attempts: 2, baseDelayMs: 1, timeoutMs: 1000 },
  fetch: globalThis.fetch,
});

describe('data-collection-trigger handler', () => {
  it('syncs the configured symbols and timeframes on a scheduled event, and logs what it asked for', async () => {
    const r = await run({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-03-01T12:00:00Z' }, deps());
    expect(r).toEqual({ httpStatus: 200, attempts: 1, body: {}, symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '4h', '1d'] });
    expect(received).toEqual([{ symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '4h', '1d'] }]);
    expect(lastLogs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'data sync requested',
        service: 'data-collection-trigger',
        url: `${base}/api/v1/data/sync`,
        symbols: ['BTC/USDT', 'ETH/USDT'],
        timeframes: ['1h', '4h', '1d'],
        attempts: 1,
        httpStatus: 200,
      }),
    ]);
  });

  it('is stateless: a duplicate delivery sends the identical request and writes nothing of its own', async () => {
    const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-03-01T12:00:00Z' };
    const first = await run(tick, deps());
    const second = await run(tick, deps());
    expect(second).toEqual(first);
    expect(received).toHaveLength(2);
    expect(received[1]).toEqual(received[0]);
  });

  it('lets a manual invocation narrow the lists, down to exactly one entry each', async () => {
    await run({ symbols: ['SOL/USDT'] }, deps());
    await run({ timeframes: ['1d'] }, deps());
    expect(received).toEqual([
      { symbols: ['SOL/USDT'], timeframes: ['1h', '4h', '1d'] },
      { symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1d'] },
    ]);
  });

  it('rejects a malformed event naming the field and sends nothing', async () => {
    await expect(run({ symbols: 'BTC/USDT' }, deps())).rejects.toThrow(/invalid data-collection-trigger event: symbols:/);
    await expect(run({ timeframes: [] }, deps())).rejects.toThrow(/invalid data-collection-trigger event: timeframes:/);
    await expect(run({ symbols: [] }, deps())).rejects.toThrow(/invalid data-collection-trigger event: symbols:/);
    await expect(run({ timeframes: ['2h'] }, deps())).rejects.toThrow(/invalid data-collection-trigger event: timeframes.0:/);
    expect(received).toEqual([]);
  });

  it('refuses settings the service would refuse, naming them, and sends nothing', async () => {
    await expect(run({}, { ...deps(), symbols: ['btc-usdt'] })).rejects.toThrow(
      'invalid sync request (SYMBOLS / TIMEFRAMES): symbols.0: must be a BASE/QUOTE symbol like BTC/USDT',
    );
    await expect(run({}, { ...deps(), timeframes: ['1h', '2h'] })).rejects.toThrow(/invalid sync request \(SYMBOLS \/ TIMEFRAMES\): timeframes.1:/);
    expect(received).toEqual([]);
  });

  it('fails with a clear error when data-collection keeps answering 5xx', async () => {
    status = 503;
    await expect(run({}, deps())).rejects.toThrow(/data sync via .*\/api\/v1\/data\/sync failed after 2 attempts: HTTP 503/);
    expect(received).toHaveLength(2);
  });
});
