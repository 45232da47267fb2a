import { startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Timeframe } from '../candles.js';
import { CandleSourceError, type CandleSource } from './candle-source.js';
import { createCcxtSource, type CcxtSourceOptions } from './ccxt-source.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const NOW = Date.UTC(2025, 0, 10, 12, 30);

describe('ccxt candle source against the fake exchange', () => {
  let fake: FakeExchange;
  let source: CandleSource;
  let delays: number[];

  const makeSource = (extra: Partial<CcxtSourceOptions> = {}) =>
    createCcxtSource({
      exchange: 'binance',
      apiOrigin: fake.url,
      rateLimitMs: 1,
      // Only the hang case times out on purpose (its own shorter timeout); elsewhere a timeout
      // would only turn a slow answer on a loaded machine into a retry the exact counts reject.
      timeoutMs: 10_000,
      now: () => NOW,
      // Recorded, not slept: tests assert the backoff without waiting for it.
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 5_000, random: () => 0.5, sleep: async (ms) => void delays.push(ms) },
      ...extra,
    });

  beforeAll(async () => {
    fake = await startFakeExchange({ now: NOW, symbols: ['BTC/USDT', 'ETH/USDT'] });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    delays = [];
    source = makeSource();
  });
  afterEach(async () => {
    await source.close?.();
    fake.clearFaults();
    fake.clearRequests();
  });

  it('paginates over more than 1000 candles, sorted, closed candles only', async () => {
    const start = Date.UTC(2025, 0, 9, 12);
    const c = await source.fetchCandles('BTC/USDT', '1m', { start, end: Date.UTC(2025, 0, 11) });
    // 12:00 on the 9th to 12:29 on the 10th: the 12:30 candle is still open at NOW.
    const expected = (NOW - start) / MINUTE;
    expect(c.length).toBe(expected);
    expect(c.timestamp[0]).toBe(start);
    expect(c.timestamp[c.length - 1]).toBe(NOW - MINUTE);
    for (let i = 1; i < c.length; i++) expect(c.timestamp[i]! - c.timestamp[i - 1]!).toBe(MINUTE);
    const klines = fake.requestsTo('/api/v3/klines', 'BTC/USDT');
    expect(klines).toHaveLength(Math.ceil(expected / 1000));
    expect(klines.map((r) => Number(r.query['startTime']))).toEqual([start, start + 1000 * MINUTE]);
    expect(klines.map((r) => [r.query['limit'], r.query['endTime']])).toEqual([
      ['1000', String(NOW - 1)],
      [String(expected - 1000), String(NOW - 1)],
    ]);
    // Two pages plus loading the markets.
    expect(c.requests).toBe(3);
    expect(fake.requestsTo('/api/v3/exchangeInfo')).toHaveLength(1);
    // The values are the exchange's.
    const t = c.timestamp[500]!;
    const served = fake.candle('BTC/USDT', t, '1m');
    expect([c.open[500], c.high[500], c.low[500], c.close[500], c.volume[500]]).toEqual([served.open, served.high, served.low, served.close, served.volume]);
  });

  it('returns nothing for a range that is not closed yet', async () => {
    const c = await source.fetchCandles('BTC/USDT', '1h', { start: Date.UTC(2025, 0, 10, 12), end: Date.UTC(2025, 0, 10, 14) });
    expect(c.length).toBe(0);
    expect(fake.requestsTo()).toHaveLength(0);
  });

  it('retries a 429, waiting at least its Retry-After', async () => {
    fake.fail({ fault: { kind: 'rate-limit', retryAfterSeconds: 2 } });
    const c = await source.fetchCandles('ETH/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 6) });
    expect(c.length).toBe(6);
    expect(fake.requestsTo().map((r) => r.status)).toEqual([429, 200]);
    expect(delays).toEqual([2_000]);
    expect(c.requests).toBe(3); // markets, 429, 200
  });

  it('retries 5xx with exponential backoff', async () => {
    fake.fail({ fault: { kind: 'server-error', status: 503 }, times: 2 });
    const c = await source.fetchCandles('ETH/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 6) });
    expect(c.length).toBe(6);
    expect(fake.requestsTo().map((r) => r.status)).toEqual([503, 503, 200]);
    // base 100, doubled, equal jitter at random() = 0.5: 75 then 150.
    expect(delays).toEqual([75, 150]);
  });

  it('retries a request that hangs past the timeout', async () => {
    await source.close?.();
    // Short enough to keep the test quick, long enough for the retry's real answer on a loaded
    // machine (150 ms timed the retries out too when other test runs shared the cores).
    source = makeSource({ timeoutMs: 1_000 });
    fake.fail({ fault: { kind: 'hang' } });
    const c = await source.fetchCandles('BTC/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 3) });
    expect(c.length).toBe(3);
    expect(fake.requestsTo().map((r) => r.status)).toEqual([undefined, 200]);
  });

  it('retries loading the markets too', async () => {
    fake.fail({ fault: { kind: 'server-error' }, path: '/api/v3/exchangeInfo' });
    const c = await source.fetchCandles('BTC/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 3) });
    expect(c.length).toBe(3);
    expect(fake.requestsTo('/api/v3/exchangeInfo').map((r) => r.status)).toEqual([503, 200]);
  });

  it('gives up after the attempts with an error naming symbol, timeframe and reason', async () => {
    fake.fail({ fault: { kind: 'server-error', status: 502 }, times: Infinity, symbol: 'ETH/USDT' });
    const error = await source.fetchCandles('ETH/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 3) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CandleSourceError);
    expect(error).toMatchObject({ symbol: 'ETH/USDT', timeframe: '1h', reason: 'unavailable' });
    expect((error as Error).message).toMatch(/^binance ETH\/USDT 1h: fetching candles from 2025-01-10T00:00:00.000Z failed after 3 attempts: OperationFailed: binance .*Internal error/);
    expect(fake.requestsTo('/api/v3/klines')).toHaveLength(3);
  });

  it('rejects a malformed row, naming the symbol and the row', async () => {
    for (const row of ['non-numeric', 'missing-field', 'misaligned'] as const) {
      fake.fail({ fault: { kind: 'malformed', row } });
      const error = await source.fetchCandles('BTC/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 5) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'CandleSourceError', reason: 'malformed', symbol: 'BTC/USDT' });
      expect((error as Error).message).toMatch(/^binance BTC\/USDT 1h: malformed candle row \[173647440\d{4},/);
    }
    // Not retried: one request each.
    expect(fake.requestsTo()).toHaveLength(3);
  });

  it('fails at once on an unknown symbol', async () => {
    const error = await source.fetchCandles('XRP/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 5) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unknown-symbol', message: 'binance XRP/USDT 1h: unknown symbol: binance lists no market "XRP/USDT"' });
    expect(fake.requestsTo()).toHaveLength(0);
    expect(delays).toEqual([]);
  });

  it('fails at once on a timeframe the platform or the exchange does not have', async () => {
    for (const tf of ['2m', '1w']) {
      const error = await source.fetchCandles('BTC/USDT', tf as Timeframe, { start: 0, end: HOUR }).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'unknown-timeframe', message: `binance BTC/USDT ${tf}: timeframe "${tf}" is not supported` });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses an exchange id ccxt does not know', () => {
    expect(() => createCcxtSource({ exchange: 'nope' })).toThrow('unknown exchange "nope"');
  });
});
