import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import { ValidationError } from '@tradai/domain';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyColumns, TIMEFRAME_MS, type SeriesKey } from '../candles.js';
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

/** A CandleSource in memory: every closed candle of `symbols`, recording each fetch. */
function memorySource(options: { symbols?: string[]; empty?: boolean } = {}) {
  const symbols = options.symbols ?? ['BTC/USDT', 'ETH/USDT'];
  const calls: { symbol: string; timeframe: string; start: number; end: number }[] = [];
  const source: CandleSource = {
    exchange: 'binance',
    async fetchCandles(symbol, timeframe, range, signal) {
      signal?.throwIfAborted();
      calls.push({ symbol, timeframe, ...range });
      if (!symbols.includes(symbol)) throw new Error(`no market ${symbol}`);
      const step = TIMEFRAME_MS[timeframe];
      const times: number[] = [];
      if (!options.empty) for (let t = Math.ceil(range.start / step) * step; t < range.end; t += step) times.push(t);
      const c = emptyColumns(times.length);
      times.forEach((t, i) => {
        c.timestamp[i] = t;
        c.open[i] = c.close[i] = 100 + i;
        c.high[i] = 101 + i;
        c.low[i] = 99 + i;
        c.volume[i] = 1;
      });
      return Object.assign(c, { requests: 1 });
    },
  };
  return { source, calls };
}

describe('syncSeries / syncMany with an in-memory source', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fetches chunk by chunk up to the last closed candle, never an empty range', async () => {
    const { source, calls } = memorySource();
    const store = memorySeriesStore();
    const now = T0 + 10 * HOUR + 5;
    const r = await syncSeries({ store, source, key: BTC, since: T0, now, chunkCandles: 4 });
    expect(calls.map((c) => [c.start, c.end])).toEqual([
      [T0, T0 + 4 * HOUR],
      [T0 + 4 * HOUR, T0 + 8 * HOUR],
      [T0 + 8 * HOUR, T0 + 10 * HOUR],
    ]);
    expect(r).toMatchObject({ fetched: 10, written: 10, first: T0, last: T0 + 9 * HOUR, requests: 3 });
    expect(store.writes).toBe(3);

    // Up to date: the next range is empty and is not fetched at all.
    calls.length = 0;
    const again = await syncSeries({ store, source, key: BTC, now, chunkCandles: 4 });
    expect(calls).toEqual([]);
    expect(again).toMatchObject({ fetched: 0, written: 0, requests: 0 });
    expect(again.first).toBeUndefined();
    expect(again.last).toBeUndefined();
  });

  it('accepts a chunk of one candle and rejects zero or negative chunks', async () => {
    const { source, calls } = memorySource();
    const store = memorySeriesStore();
    const r = await syncSeries({ store, source, key: BTC, since: T0, now: T0 + 2 * HOUR, chunkCandles: 1 });
    expect(r.fetched).toBe(2);
    expect(calls).toHaveLength(2);
    for (const chunkCandles of [0, -1]) {
      const e = await syncSeries({ store, source, key: BTC, since: T0, now: T0 + 2 * HOUR, chunkCandles }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect(e).toMatchObject({ message: `chunkCandles must be positive, got ${chunkCandles}`, path: 'chunkCandles' });
    }
    expect(calls).toHaveLength(2);
  });

  it('writes nothing and reports no first/last when the source has no candles', async () => {
    const { source, calls } = memorySource({ empty: true });
    const store = memorySeriesStore();
    const coverage = vi.spyOn(store, 'coverage');
    const r = await syncSeries({ store, source, key: BTC, since: T0, now: T0 + 3 * HOUR, chunkCandles: 2 });
    expect(calls).toHaveLength(2);
    expect(store.writes).toBe(0);
    expect(r).toMatchObject({ fetched: 0, written: 0, requests: 2 });
    expect(r.first).toBeUndefined();
    expect(r.last).toBeUndefined();
    // Coverage is looked up once, before; not again when nothing was fetched.
    expect(coverage).toHaveBeenCalledTimes(1);
  });

  it('fetches history before the stored data only when `since` is earlier', async () => {
    const { source, calls } = memorySource();
    const store = memorySeriesStore();
    const now = T0 + 20 * HOUR;
    await syncSeries({ store, source, key: BTC, since: T0 + 10 * HOUR, now });
    calls.length = 0;
    // since at the first stored candle, or later: only the new candles.
    await syncSeries({ store, source, key: BTC, since: T0 + 10 * HOUR, now: now + HOUR });
    await syncSeries({ store, source, key: BTC, since: T0 + 15 * HOUR, now: now + 2 * HOUR });
    expect(calls.map((c) => [c.start, c.end])).toEqual([
      [T0 + 20 * HOUR, T0 + 21 * HOUR],
      [T0 + 21 * HOUR, T0 + 22 * HOUR],
    ]);
    calls.length = 0;
    const r = await syncSeries({ store, source, key: BTC, since: T0 + 7 * HOUR + 1, now: now + 2 * HOUR });
    expect(calls.map((c) => [c.start, c.end])).toEqual([[T0 + 8 * HOUR, T0 + 10 * HOUR]]);
    expect(r).toMatchObject({ fetched: 2, written: 2, first: T0 + 8 * HOUR, last: T0 + 9 * HOUR });
  });

  it('reports the duration from the clock it started with', async () => {
    const { source } = memorySource();
    const clock = vi.spyOn(performance, 'now');
    clock.mockReturnValueOnce(10_000).mockReturnValue(10_250);
    const r = await syncSeries({ store: memorySeriesStore(), source, key: BTC, since: T0, now: T0 + HOUR });
    expect(r.durationMs).toBe(250);
  });

  it.each([
    [{ key: { ...BTC, symbol: '' } }, 'symbol must be a non-empty string', 'symbol'],
    [{ key: { ...BTC, symbol: 7 as unknown as string } }, 'symbol must be a non-empty string', 'symbol'],
    [{ key: { ...BTC, timeframe: '2h' as '1h' } }, 'unknown timeframe "2h"', 'timeframe'],
    [{ key: { ...BTC, exchange: 'kraken' } }, 'series kraken BTC/USDT 1h is on "kraken" but the source is "binance"', 'exchange'],
    [{ since: T0 + 0.5 }, `since must be epoch milliseconds, got ${T0 + 0.5}`, 'since'],
    [{ until: Number.NaN }, 'until must be epoch milliseconds, got NaN', 'until'],
    [{ now: Infinity }, 'now must be epoch milliseconds, got Infinity', 'now'],
  ] as const)('rejects %o before any request', async (patch, message, path) => {
    const { source, calls } = memorySource();
    const e = await syncSeries({ store: memorySeriesStore(), source, key: BTC, since: T0, now: T0 + 2 * HOUR, ...patch }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toMatchObject({ message, path });
    expect(calls).toEqual([]);
  });

  it('names `since` when nothing is stored and no start is given', async () => {
    const { source } = memorySource();
    const e = await syncSeries({ store: memorySeriesStore(), source, key: BTC, now: T0 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ValidationError', path: 'since' });
  });

  it('syncMany rejects bad arguments, naming the field, before any request', async () => {
    const { source, calls } = memorySource();
    const store = memorySeriesStore();
    const base = { store, source, since: T0, now: T0 + 2 * HOUR };
    await expect(syncMany({ ...base, symbols: [], timeframes: ['1h'] })).rejects.toMatchObject({ message: 'symbols must not be empty', path: 'symbols' });
    await expect(syncMany({ ...base, symbols: ['BTC/USDT'], timeframes: [] })).rejects.toMatchObject({ message: 'timeframes must not be empty', path: 'timeframes' });
    for (const concurrency of [0, -1, 1.5]) {
      await expect(syncMany({ ...base, symbols: ['BTC/USDT'], timeframes: ['1h'], concurrency })).rejects.toMatchObject({
        message: `concurrency must be a positive integer, got ${concurrency}`,
        path: 'concurrency',
      });
    }
    // One bad series key among good ones: nothing is fetched.
    await expect(syncMany({ ...base, symbols: ['BTC/USDT', ''], timeframes: ['1h'] })).rejects.toMatchObject({ path: 'symbol' });
    await expect(syncMany({ ...base, symbols: ['BTC/USDT'], timeframes: ['1h'], until: 1.5 })).rejects.toMatchObject({ path: 'until' });
    expect(calls).toEqual([]);
  });

  it('syncMany with a concurrency of one syncs the series in input order', async () => {
    const { source, calls } = memorySource();
    const outcomes = await syncMany({ store: memorySeriesStore(), source, symbols: ['ETH/USDT', 'XRP/USDT', 'BTC/USDT'], timeframes: ['1h'], since: T0, now: T0 + 2 * HOUR, concurrency: 1 });
    expect(calls.map((c) => c.symbol)).toEqual(['ETH/USDT', 'XRP/USDT', 'BTC/USDT']);
    expect(outcomes.map((o) => (o.ok ? o.result.fetched : o.error))).toEqual([2, 'no market XRP/USDT', 2]);
    expect(outcomes[1]).not.toHaveProperty('reason');
  });

  it('syncMany stops and rethrows when aborted instead of recording failures', async () => {
    const { source } = memorySource();
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(
      syncMany({ store: memorySeriesStore(), source, symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h'], since: T0, now: T0 + 2 * HOUR, signal: controller.signal }),
    ).rejects.toThrow('shutting down');
  });
});

describe('memorySeriesStore', () => {
  it('counts writes and reports the candles given', async () => {
    const store = memorySeriesStore();
    expect(store.writes).toBe(0);
    const c = emptyColumns(2);
    c.timestamp.set([T0, T0 + HOUR]);
    expect(await store.write(BTC, c)).toEqual({ written: 2 });
    expect(await store.write(BTC, c)).toEqual({ written: 2 });
    expect(store.writes).toBe(2);
    expect(await store.coverage(BTC)).toEqual({ first: T0, last: T0 + HOUR, count: 2 });
  });
});
