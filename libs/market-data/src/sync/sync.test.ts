import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SeriesKey } from '../candles.js';
import { createCcxtSource } from '../source/ccxt-source.js';
import type { CandleSource } from '../source/candle-source.js';
import { createCandleStore, localBlobs } from '../store/index.js';
import { memorySeriesStore } from './memory-store.js';
import { syncMany, syncSeries } from './sync.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const NOW = Date.UTC(2025, 3, 1, 0, 20); // 90 days after T0: 2160 closed hourly candles
const BTC: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };

describe('syncSeries / syncMany against the fake exchange', () => {
  let fake: FakeExchange;
  let source: CandleSource;
  let now: number;

  beforeAll(async () => {
    fake = await startFakeExchange({ now: NOW, symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    now = NOW;
    fake.setNow(NOW);
    source = createCcxtSource({
      exchange: 'binance',
      apiOrigin: fake.url,
      rateLimitMs: 1,
      // No test here makes the exchange hang; a short timeout only turned a slow answer on a
      // loaded machine into a retry, and the exact request counts asserted below into failures.
      timeoutMs: 10_000,
      now: () => now,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
  });
  afterEach(async () => {
    await source.close?.();
    fake.clearFaults();
    fake.clearRequests();
  });

  it('backfills from `since`, then fetches only the new candles', async () => {
    const store = memorySeriesStore();
    const first = await syncSeries({ store, source, key: BTC, since: T0, now });
    expect(first).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1h', fetched: 2160, written: 2160, first: T0, last: Date.UTC(2025, 2, 31, 23), requests: 4 });
    expect(fake.requestsTo()).toHaveLength(3); // 1000 + 1000 + 160 candles

    fake.clearRequests();
    now = NOW + 3 * HOUR;
    fake.setNow(now);
    const second = await syncSeries({ store, source, key: BTC, since: T0, now });
    expect(second).toMatchObject({ fetched: 3, written: 3, first: Date.UTC(2025, 3, 1, 0), last: Date.UTC(2025, 3, 1, 2), requests: 1 });
    const [only] = fake.requestsTo();
    expect(only!.query['startTime']).toBe(String(Date.UTC(2025, 3, 1, 0)));

    // Nothing closed since: no request at all.
    fake.clearRequests();
    expect(await syncSeries({ store, source, key: BTC, now: now + 10 * 60_000 })).toMatchObject({ fetched: 0, written: 0, requests: 0 });
    expect(fake.requestsTo()).toHaveLength(0);

    const stored = store.read(BTC);
    expect(stored.length).toBe(2163);
    const served = fake.candle('BTC/USDT', stored.timestamp[2162]!, '1h');
    expect(stored.close[2162]).toBe(served.close);
  });

  it('leaves one candle per timestamp after overlapping and repeated syncs', async () => {
    const store = memorySeriesStore();
    await syncSeries({ store, source, key: BTC, since: T0 + 100 * HOUR, until: T0 + 200 * HOUR, now });
    // Earlier history and a concurrent duplicate of the same sync.
    const results = await Promise.all([
      syncSeries({ store, source, key: BTC, since: T0, until: T0 + 300 * HOUR, now }),
      syncSeries({ store, source, key: BTC, since: T0, until: T0 + 300 * HOUR, now }),
    ]);
    expect(results.map((r) => r.fetched)).toEqual([200, 200]);
    const stored = store.read(BTC);
    expect(stored.length).toBe(300);
    for (let i = 0; i < stored.length; i++) expect(stored.timestamp[i]).toBe(T0 + i * HOUR);
  });

  it('writes chunk by chunk, so a persistent failure keeps what was stored and names the series', async () => {
    const store = memorySeriesStore();
    await syncSeries({ store, source, key: BTC, since: T0, until: T0 + 500 * HOUR, now });
    fake.fail({ fault: { kind: 'server-error', status: 500 }, times: Infinity });
    await expect(syncSeries({ store, source, key: BTC, now, chunkCandles: 1000 })).rejects.toMatchObject({
      name: 'CandleSourceError',
      reason: 'unavailable',
      message: expect.stringMatching(/^binance BTC\/USDT 1h: fetching candles .* failed after 2 attempts/),
    });
    expect(store.read(BTC).length).toBe(500);
    expect(await store.coverage(BTC)).toEqual({ first: T0, last: T0 + 499 * HOUR, count: 500 });
  });

  it('syncMany records a failing series and syncs the others', async () => {
    const store = memorySeriesStore();
    fake.fail({ fault: { kind: 'malformed' }, symbol: 'ETH/USDT' });
    const outcomes = await syncMany({ store, source, symbols: ['BTC/USDT', 'ETH/USDT', 'DOGE/USDT', 'SOL/USDT'], timeframes: ['1h', '4h'], since: NOW - 20 * 60_000 - 40 * HOUR, now, concurrency: 3 });
    expect(outcomes.map((o) => [o.key.symbol, o.key.timeframe, o.ok ? o.result.fetched : o.reason])).toEqual([
      ['BTC/USDT', '1h', 40],
      ['BTC/USDT', '4h', 10],
      ['ETH/USDT', '1h', 'malformed'],
      ['ETH/USDT', '4h', 10],
      ['DOGE/USDT', '1h', 'unknown-symbol'],
      ['DOGE/USDT', '4h', 'unknown-symbol'],
      ['SOL/USDT', '1h', 40],
      ['SOL/USDT', '4h', 10],
    ]);
    const failed = outcomes[2]!;
    expect(!failed.ok && failed.error).toMatch(/^binance ETH\/USDT 1h: malformed candle row/);
    expect(store.read({ ...BTC, symbol: 'ETH/USDT' }).length).toBe(0);
  });

  it('rejects bad input before any request', async () => {
    const store = memorySeriesStore();
    await expect(syncSeries({ store, source, key: BTC, now })).rejects.toThrow('nothing is stored for binance BTC/USDT 1h: give "since"');
    await expect(syncSeries({ store, source, key: { ...BTC, exchange: 'kraken' }, since: T0, now })).rejects.toThrow('the source is "binance"');
    await expect(syncSeries({ store, source, key: { ...BTC, timeframe: '2m' as '1h' }, since: T0, now })).rejects.toThrow('unknown timeframe "2m"');
    await expect(syncMany({ store, source, symbols: [], timeframes: ['1h'], now })).rejects.toThrow('symbols must not be empty');
    expect(fake.requests).toHaveLength(0);
  });

  it('syncs into the Parquet candle store in a folder', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sync-store-'));
    try {
      const store = createCandleStore({ blobs: localBlobs(dir) });
      await syncSeries({ store, source, key: BTC, since: T0, until: T0 + 1500 * HOUR, now });
      const second = await syncSeries({ store, source, key: BTC, now });
      expect(second).toMatchObject({ fetched: 660, written: 660 });
      expect(await store.coverage(BTC)).toEqual({ first: T0, last: NOW - 20 * 60_000 - HOUR, count: 2160 });
      const c = await store.read(BTC, { start: T0 + 1499 * HOUR, end: T0 + 1501 * HOUR });
      expect([...c.timestamp]).toEqual([T0 + 1499 * HOUR, T0 + 1500 * HOUR]);
      expect(c.close[1]).toBe(fake.candle('BTC/USDT', T0 + 1500 * HOUR, '1h').close);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
