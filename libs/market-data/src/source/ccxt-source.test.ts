import { startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import ccxt, { type Exchange } from 'ccxt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
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

  it('honours a Retry-After given as an HTTP date', async () => {
    // The header's date is on the wall clock (whole seconds), as a server would send it.
    const at = new Date(Date.now() + 4_000).toUTCString();
    fake.fail({ fault: { kind: 'rate-limit', retryAfterSeconds: at as unknown as number } });
    const c = await source.fetchCandles('ETH/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 6) });
    expect(c.length).toBe(6);
    expect(fake.requestsTo().map((r) => r.status)).toEqual([429, 200]);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(1_500);
    expect(delays[0]).toBeLessThanOrEqual(4_000);
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
    // The given timeout, not ccxt's 10 s default, cut the hang short (see the test's own limit).
  }, 9_000);

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
    expect(() => createCcxtSource({ exchange: 'nope' })).toThrow(expect.objectContaining({ name: 'ValidationError', path: 'exchange' }));
  });

  it.each([0, -1, 1001, 1.5])('refuses a pageLimit of %s', (pageLimit) => {
    expect(() => createCcxtSource({ exchange: 'binance', pageLimit })).toThrow(
      expect.objectContaining({ name: 'ValidationError', path: 'pageLimit', message: `pageLimit must be an integer in 1..1000, got ${pageLimit}` }),
    );
  });

  it('pages one candle at a time with a pageLimit of 1', async () => {
    await source.close?.();
    source = makeSource({ pageLimit: 1 });
    const start = Date.UTC(2025, 0, 10);
    const c = await source.fetchCandles('BTC/USDT', '1h', { start, end: start + 3 * HOUR });
    expect([...c.timestamp]).toEqual([start, start + HOUR, start + 2 * HOUR]);
    const klines = fake.requestsTo('/api/v3/klines');
    expect(klines.map((r) => [Number(r.query['startTime']), r.query['limit']])).toEqual([
      [start, '1'],
      [start + HOUR, '1'],
      [start + 2 * HOUR, '1'],
    ]);
  });

  it('accepts the largest pageLimit', async () => {
    await source.close?.();
    source = makeSource({ pageLimit: 1000 });
    const c = await source.fetchCandles('BTC/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 2) });
    expect(c.length).toBe(2);
  });

  it('names the exchange when it lacks a platform timeframe', async () => {
    const coinbase = createCcxtSource({ exchange: 'coinbase', apiOrigin: fake.url });
    try {
      const error = await coinbase.fetchCandles('BTC/USD', '4h', { start: 0, end: HOUR }).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'unknown-timeframe', message: 'coinbase BTC/USD 4h: timeframe "4h" is not supported by coinbase' });
    } finally {
      await coinbase.close?.();
    }
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [1.5, HOUR],
    [0, Number.NaN],
    [0, 1.5],
    [2 * HOUR, HOUR],
  ])('rejects the time range [%s, %s) before any request', async (start, end) => {
    const error = await source.fetchCandles('BTC/USDT', '1h', { start, end }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CandleSourceError);
    expect(error).toMatchObject({ reason: 'rejected', message: `binance BTC/USDT 1h: invalid time range [${start}, ${end})` });
    expect(fake.requests).toHaveLength(0);
  });

  it('returns nothing for an empty range', async () => {
    const t = Date.UTC(2025, 0, 10);
    const c = await source.fetchCandles('BTC/USDT', '1h', { start: t, end: t });
    expect(c.length).toBe(0);
    expect(fake.requestsTo('/api/v3/klines')).toHaveLength(0);
  });

  it('fails as aborted, without a request, when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await source.fetchCandles('BTC/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 3) }, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CandleSourceError);
    expect(error).toMatchObject({ reason: 'aborted', message: 'binance BTC/USDT 1h: aborted' });
    expect(fake.requests).toHaveLength(0);
  });

  it('forgets a failed market load, so the next fetch loads them again', async () => {
    fake.fail({ fault: { kind: 'server-error' }, path: '/api/v3/exchangeInfo', times: 3 });
    const range = { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 3) };
    const error = await source.fetchCandles('BTC/USDT', '1h', range).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unavailable' });
    expect((error as Error).message).toMatch(/^binance BTC\/USDT 1h: loading markets failed after 3 attempts: /);
    expect((error as Error).cause).toBeInstanceOf(ccxt.OperationFailed);
    const c = await source.fetchCandles('BTC/USDT', '1h', range);
    expect(c.length).toBe(3);
    expect(fake.requestsTo('/api/v3/exchangeInfo').map((r) => r.status)).toEqual([503, 503, 503, 200]);
  });

  it('stops at an empty page: nothing before the listing', async () => {
    const listed = Date.UTC(2025, 0, 10, 6);
    const young = await startFakeExchange({ now: NOW, symbols: [{ symbol: 'NEW/USDT', listedAt: listed }] });
    const s = createCcxtSource({ exchange: 'binance', apiOrigin: young.url, rateLimitMs: 1, now: () => NOW, retry: { attempts: 1 } });
    try {
      const before = await s.fetchCandles('NEW/USDT', '1h', { start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 10, 4) });
      expect(before.length).toBe(0);
      expect(young.requestsTo('/api/v3/klines')).toHaveLength(1);
      const across = await s.fetchCandles('NEW/USDT', '1h', { start: Date.UTC(2025, 0, 10, 3), end: Date.UTC(2025, 0, 10, 9) });
      expect([...across.timestamp]).toEqual([listed, listed + HOUR, listed + 2 * HOUR]);
    } finally {
      await s.close?.();
      await young.stop();
    }
  });

  describe('with the exchange call replaced', () => {
    const start = Date.UTC(2025, 0, 10);
    const range = { start, end: start + 3 * HOUR };
    const candle = (t: number) => [t, 100, 101, 99, 100, 1];

    afterEach(() => {
      vi.restoreAllMocks();
    });

    /** The ccxt instance behind a source, caught on its first candle request. */
    const instanceOf = async (s: CandleSource) => {
      const spy = vi.spyOn(ccxt.binance.prototype, 'fetchOHLCV').mockResolvedValue([]);
      await s.fetchCandles('BTC/USDT', '1h', range);
      return spy.mock.contexts[0] as Exchange;
    };

    it('configures ccxt with the given rate limit and timeout, spot markets only', async () => {
      const ex = await instanceOf(source);
      expect(ex.rateLimit).toBe(1);
      expect(ex.timeout).toBe(10_000);
      expect(ex.options['defaultType']).toBe('spot');
      expect(ex.options['fetchCurrencies']).toBe(false);
      expect(ex.options['fetchMarkets']).toMatchObject({ types: ['spot'] });
    });

    it("keeps ccxt's own rate limit and a 10 s timeout by default", async () => {
      const plain = createCcxtSource({ exchange: 'binance', apiOrigin: fake.url, now: () => NOW });
      try {
        const ex = await instanceOf(plain);
        expect(ex.rateLimit).toBe(new ccxt.binance().rateLimit);
        expect(ex.timeout).toBe(10_000);
      } finally {
        await plain.close?.();
      }
      vi.restoreAllMocks();
      const quick = makeSource({ timeoutMs: 1_234 });
      try {
        expect((await instanceOf(quick)).timeout).toBe(1_234);
      } finally {
        await quick.close?.();
      }
    });

    it('close closes the ccxt instance', async () => {
      const ex = await instanceOf(source);
      const close = vi.spyOn(ex, 'close');
      await source.close?.();
      expect(close).toHaveBeenCalledTimes(1);
    });

    it('reads Retry-After from a fetch Headers object too', async () => {
      const ex = (await instanceOf(source)) as unknown as { handleRestResponse: (...args: unknown[]) => Promise<unknown> };
      const response = new Response(JSON.stringify({ code: -1003, msg: 'Too many requests.' }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '3' },
      });
      const error = await ex.handleRestResponse(response, `${fake.url}/api/v3/klines`, 'GET', {}, undefined).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ccxt.OperationFailed);
      expect(error).toMatchObject({ retryAfterMs: 3_000 });
    });

    it('loads the markets once, without forcing a reload the first time', async () => {
      const load = vi.spyOn(ccxt.binance.prototype, 'loadMarkets');
      await source.fetchCandles('BTC/USDT', '1h', range);
      await source.fetchCandles('ETH/USDT', '1h', range);
      expect(load.mock.calls.map((args) => args[0])).toEqual([false]);
    });

    it('stops when a page ends before its start instead of asking again', async () => {
      const fetchOHLCV = vi.spyOn(ccxt.binance.prototype, 'fetchOHLCV');
      fetchOHLCV.mockResolvedValueOnce([candle(start - HOUR)] as never).mockRejectedValue(new Error('asked again'));
      const c = await source.fetchCandles('BTC/USDT', '1h', range);
      expect(c.length).toBe(0);
      expect(fetchOHLCV).toHaveBeenCalledTimes(1);
    });

    it('fails an unknown symbol the exchange reports, without retrying', async () => {
      const fetchOHLCV = vi.spyOn(ccxt.binance.prototype, 'fetchOHLCV').mockRejectedValue(new ccxt.BadSymbol('binance Invalid symbol.'));
      const error = await source.fetchCandles('BTC/USDT', '1h', range).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'unknown-symbol', message: 'binance BTC/USDT 1h: fetching candles from 2025-01-10T00:00:00.000Z failed: BadSymbol: binance Invalid symbol.' });
      expect(fetchOHLCV).toHaveBeenCalledTimes(1);
      expect(delays).toEqual([]);
    });

    it('cuts a long error text at 300 characters', async () => {
      const prefix = 'binance BTC/USDT 1h: fetching candles from 2025-01-10T00:00:00.000Z failed: ';
      const name = 'BadRequest: ';
      const spy = vi.spyOn(ccxt.binance.prototype, 'fetchOHLCV');
      spy.mockRejectedValueOnce(new ccxt.BadRequest('x'.repeat(300 - name.length)));
      const exact = await source.fetchCandles('BTC/USDT', '1h', range).catch((e: unknown) => e);
      expect(exact).toMatchObject({ reason: 'rejected', message: `${prefix}${name}${'x'.repeat(300 - name.length)}` });
      spy.mockRejectedValueOnce(new ccxt.BadRequest('y'.repeat(301 - name.length)));
      const long = await source.fetchCandles('BTC/USDT', '1h', range).catch((e: unknown) => e);
      expect((long as Error).message).toBe(`${prefix}${name}${'y'.repeat(300 - name.length)}...`);
    });

    it('passes an error that already names the series through unchanged', async () => {
      const own = new CandleSourceError('custom', 'binance', 'BTC/USDT', '1h', 'malformed');
      vi.spyOn(ccxt.binance.prototype, 'fetchOHLCV').mockRejectedValue(own);
      const error = await source.fetchCandles('BTC/USDT', '1h', range).catch((e: unknown) => e);
      expect(error).toBe(own);
    });
  });
});
