import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import { logCapture, startLocalIdp, type LocalIdp, type RunningService } from '@tradai/service-runtime';
import { EnvError } from '@tradai/domain';
import { startFauxqs } from '@tradai/domain/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dataCollectionConfig } from './config.js';
import { runCli } from './cli.js';
import { marketDataSync } from './market-sync.js';
import { openConfiguredSource, openSource, openStore, startDataCollection } from './wiring.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const START = T0 + 48 * H + 30 * 60_000; // 48 closed hourly candles, the 49th still open
// The exchange and the identity provider are shared (their only state, clock and request log, is
// reset before each test); each end-to-end test runs its own service over its own empty store.
let now = START;
let fake: FakeExchange;
let idp: LocalIdp;
/** Headers of a trader's request (the real verifier, built by the wiring from AUTH_ISSUER). */
const authed = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${idp.userToken(['trader'])}`, ...extra });

beforeAll(async () => {
  [fake, idp] = await Promise.all([startFakeExchange({ symbols: ['BTC/USDT', 'ETH/USDT'], now, listedAt: Date.UTC(2023, 0, 1) }), startLocalIdp()]);
});
beforeEach(() => {
  now = START;
  fake.setNow(START);
  fake.clearRequests();
});

afterAll(async () => {
  await Promise.all([fake?.stop(), idp?.stop()]);
});

interface JobBody {
  status: string;
  statusUrl: string;
  results: { symbol: string; written: number; status: string }[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
const json = async (res: Response): Promise<any> => res.json();

describe('data-collection end to end (127.0.0.1: service + fake exchange + local store)', () => {
  let running: RunningService;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'data-collection-e2e-'));
    const config = dataCollectionConfig(
      { ...idp.env, MARKET_DATA_DIR: dir, EXCHANGE_URL: fake.url, SERVICE_PORT: '0', SERVICE_HOST: '127.0.0.1', LOG_LEVEL: 'silent', SYMBOLS: 'BTC/USDT,ETH/USDT', TIMEFRAMES: '1h', SYNC_SINCE: '2024-01-01' },
      () => now,
    );
    ({ running } = await startDataCollection(config, { now: () => now }));
  });
  afterEach(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** POST /sync as the trigger does, then poll the job until it has finished. */
  async function sync(body: unknown): Promise<JobBody> {
    const res = await fetch(`${running.url}/api/v1/data/sync`, { method: 'POST', headers: authed({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
    expect([200, 202]).toContain(res.status);
    let job: JobBody = await json(res);
    await expect
      .poll(async () => {
        job = await json(await fetch(`${running.url}${job.statusUrl}`, { headers: authed() }));
        return job.status;
      }, { timeout: 15_000 })
      .toMatch(/succeeded|failed/);
    return job;
  }

  it('syncs from the exchange, then serves the same candles back', async () => {
    const job = await sync({ symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h'] });
    expect(job.status).toBe('succeeded');
    expect(job.results.map((r) => [r.symbol, r.status, r.written])).toEqual([
      ['BTC/USDT', 'ok', 48],
      ['ETH/USDT', 'ok', 48],
    ]);

    const body = await json(await fetch(`${running.url}/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&limit=5000`, { headers: authed() }));
    expect(body.count).toBe(48);
    expect(body.next).toBeNull();
    for (const i of [0, 17, 47]) {
      const c = fake.candle('BTC/USDT', T0 + i * H, '1h');
      expect([body.candles.timestamp[i], body.candles.open[i], body.candles.high[i], body.candles.low[i], body.candles.close[i], body.candles.volume[i]]).toEqual([
        c.openTime,
        c.open,
        c.high,
        c.low,
        c.close,
        c.volume,
      ]);
    }

    // Without `end`, a page ends at the service's clock (START, early 2024), not the wall clock.
    const late = await fetch(`${running.url}/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&start=2025-01-01`, { headers: authed() });
    expect(late.status).toBe(400);
    expect((await json(late)).errors[0].message).toBe('end (2024-01-03T00:30:00.000Z) must be after start (2025-01-01T00:00:00.000Z)');

    const symbols = await json(await fetch(`${running.url}/api/v1/data/symbols`, { headers: authed() }));
    expect(symbols.series).toContainEqual({ symbol: 'ETH/USDT', timeframe: '1h', stored: { first: '2024-01-01T00:00:00.000Z', last: '2024-01-02T23:00:00.000Z', count: 48 } });
  });

  it('syncs incrementally: two hours later only the two new candles are fetched', async () => {
    const first = await sync({ symbols: ['BTC/USDT'], timeframes: ['1h'] });
    expect(first.results).toMatchObject([{ symbol: 'BTC/USDT', status: 'ok', written: 48 }]);
    now += 2 * H;
    fake.setNow(now);
    fake.clearRequests();
    const job = await sync({ symbols: ['BTC/USDT'], timeframes: ['1h'] });
    expect(job.results).toMatchObject([{ symbol: 'BTC/USDT', status: 'ok', written: 2 }]);
    const klines = fake.requestsTo('/api/v3/klines');
    expect(klines).toHaveLength(1);
    expect(Number(klines[0]!.query.startTime)).toBe(T0 + 48 * H);
  });

  it('checks tokens with the verifier the wiring built from the environment; the probe stays public', async () => {
    const anonymous = await fetch(`${running.url}/api/v1/data/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ symbols: ['BTC/USDT'], timeframes: ['1h'] }) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const viewer = await fetch(`${running.url}/api/v1/data/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${idp.userToken(['viewer'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ symbols: ['BTC/USDT'], timeframes: ['1h'] }),
    });
    expect(viewer.status).toBe(403);
    expect(fake.requestsTo('/api/v3/klines')).toEqual([]);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  });

  it('reports an unknown symbol as a failed series and still syncs the others', async () => {
    const job = await sync({ symbols: ['NOPE/USDT', 'ETH/USDT'], timeframes: ['1h'] });
    expect(job.status).toBe('failed');
    expect(job.results.map((r) => [r.symbol, r.status])).toEqual([
      ['NOPE/USDT', 'failed'],
      ['ETH/USDT', 'ok'],
    ]);
  });
});

describe('start-up wiring', () => {
  it('stores into the arcticdb bucket when no local folder is configured (S3 emulator)', async () => {
    const s3 = await startFauxqs();
    const source = openSource('binance', fake.url);
    try {
      await s3.server.createBucket('tradai-arcticdb-test');
      const store = openStore({ kind: 's3', bucket: 'tradai-arcticdb-test' }, () => s3.s3);
      const sync = marketDataSync({ store, source, since: T0, until: T0 + 6 * H, now: () => now });
      const [result] = await sync({ symbols: ['ETH/USDT'], timeframes: ['1h'] }, new AbortController().signal);
      expect(result).toMatchObject({ status: 'ok', written: 6 });
      const back = await store.read({ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1h' }, { start: T0, end: T0 + 6 * H });
      expect(Array.from(back.close)).toEqual([0, 1, 2, 3, 4, 5].map((i) => fake.candle('ETH/USDT', T0 + i * H, '1h').close));
    } finally {
      await source.close?.();
      await s3.stop();
    }
  });

  it('turns an unknown exchange into a configuration error naming EXCHANGE_ID (main.ts exits 1 with it)', () => {
    expect(() => openConfiguredSource({ exchange: 'nope' })).toThrow(EnvError);
    let err: unknown;
    try {
      openConfiguredSource({ exchange: 'nope' });
    } catch (e) {
      err = e;
    }
    expect((err as EnvError).variables).toEqual(['EXCHANGE_ID']);
    expect(() => openConfiguredSource({ exchange: 'nope' })).toThrow('EXCHANGE_ID: unknown exchange "nope"');
  });
});

describe('start-up wiring: clock, log, shutdown', () => {
  it('gives the source the clock: the candle open at `now` is never fetched', async () => {
    const source = openSource('binance', fake.url, () => T0 + 10 * H + 60_000);
    try {
      const candles = await source.fetchCandles('BTC/USDT', '1h', { start: T0, end: T0 + 48 * H });
      expect(candles.length).toBe(10);
      expect(candles.timestamp.at(-1)).toBe(T0 + 9 * H);
    } finally {
      await source.close?.();
    }
  });

  it('logs where it listens with what it syncs, and closes the given source on stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-collection-wiring-'));
    const logs = logCapture();
    const close = vi.fn(async () => undefined);
    const source = { exchange: 'binance', fetchCandles: vi.fn(), close };
    try {
      const config = dataCollectionConfig({ ...idp.env, MARKET_DATA_DIR: dir, SERVICE_PORT: '0', SERVICE_HOST: '127.0.0.1', LOG_LEVEL: 'info', SYMBOLS: 'BTC/USDT', TIMEFRAMES: '1h,1d' }, () => now);
      const { running } = await startDataCollection(config, { source, now: () => now, logStream: logs.stream });
      expect(logs.lines().find((l) => l.msg === 'data-collection listening')).toMatchObject({
        url: running.url,
        exchange: 'binance',
        store: { kind: 'local', dir },
        symbols: ['BTC/USDT'],
        timeframes: ['1h', '1d'],
      });
      expect(close).not.toHaveBeenCalled();
      await running.stop();
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('data CLI (same sync code, local store)', () => {
  it('syncs into a folder and prints one row per series', async () => {
    const store = mkdtempSync(join(tmpdir(), 'data-cli-'));
    try {
      const lines: string[] = [];
      const args = ['sync', '--exchange=binance', '--symbols=BTC/USDT,NOPE/USDT', '--timeframe=1h', '--since=2024-01-01', '--until=2024-01-02', `--store=${store}`, `--exchange-url=${fake.url}`];
      const { code, results } = await runCli(args, (l) => void lines.push(l));
      expect(code).toBe(1);
      expect(results.map((r) => [r.symbol, r.status, r.written])).toEqual([
        ['BTC/USDT', 'ok', 24],
        ['NOPE/USDT', 'failed', 0],
      ]);
      const table = lines[0]!.split('\n');
      expect(table[0]).toMatch(/^symbol\s+timeframe\s+status\s+fetched\s+written/);
      expect(table[1]).toMatch(/^BTC\/USDT\s+1h\s+ok\s+24\s+24\s+2024-01-01T00:00Z\s+2024-01-01T23:00Z$/);
      expect(table[2]).toMatch(/^NOPE\/USDT\s+1h\s+failed/);
      // Run again: incremental, nothing new inside --until.
      const again = await runCli(args.map((a) => (a.startsWith('--symbols') ? '--symbols=BTC/USDT' : a)), () => undefined);
      expect(again).toMatchObject({ code: 0, results: [{ symbol: 'BTC/USDT', status: 'ok', written: 0 }] });
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('names the flag of an unknown exchange', async () => {
    await expect(runCli(['sync', '--exchange=nope', '--symbols=BTC/USDT', '--timeframe=1h', '--since=2024-01-01'])).rejects.toThrow('--exchange: unknown exchange "nope"');
  });
});
