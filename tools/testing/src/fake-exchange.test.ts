import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededCandles } from './fake-candles.js';
import { startFakeExchange, type FakeExchange } from './fake-exchange.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2025, 0, 10, 12, 30);

describe('fake exchange (Binance spot REST shape)', () => {
  let fake: FakeExchange;
  const get = async (path: string) => {
    const res = await fetch(`${fake.url}${path}`);
    return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    fake = await startFakeExchange({ now: NOW, symbols: ['BTC/USDT', { symbol: 'NEW/USDT', listedAt: Date.UTC(2025, 0, 10) }] });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.clearFaults();
    fake.clearRequests();
    fake.setNow(NOW);
  });

  it('lists its markets in exchangeInfo', async () => {
    const { status, body } = await get('/api/v3/exchangeInfo');
    expect(status).toBe(200);
    const symbols = (body as { symbols: { symbol: string; baseAsset: string; quoteAsset: string; status: string }[] }).symbols;
    expect(symbols.map((s) => [s.symbol, s.baseAsset, s.quoteAsset, s.status])).toEqual([
      ['BTCUSDT', 'BTC', 'USDT', 'TRADING'],
      ['NEWUSDT', 'NEW', 'USDT', 'TRADING'],
    ]);
  });

  it('serves klines from startTime to endTime, at most limit, up to the candle open now', async () => {
    const start = Date.UTC(2025, 0, 10);
    const { body } = await get(`/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${start}&limit=1000`);
    const rows = body as unknown[][];
    // 00:00 .. 12:00: the 12:00 candle is the one still open at 12:30.
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 13 }, (_, i) => start + i * HOUR));
    expect(rows[0]).toHaveLength(12);
    expect(rows[0]![6]).toBe(start + HOUR - 1);
    expect(typeof rows[0]![1]).toBe('string');

    const limited = (await get(`/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${start + 1}&endTime=${start + 5 * HOUR}&limit=3`)).body as unknown[][];
    expect(limited.map((r) => r[0])).toEqual([start + HOUR, start + 2 * HOUR, start + 3 * HOUR]);

    const latest = (await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=2')).body as unknown[][];
    expect(latest.map((r) => r[0])).toEqual([Date.UTC(2025, 0, 10, 11), Date.UTC(2025, 0, 10, 12)]);

    fake.setNow(NOW + 2 * HOUR);
    const later = (await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1')).body as unknown[][];
    expect(later[0]![0]).toBe(Date.UTC(2025, 0, 10, 14));
  });

  it('has no candles before a market was listed', async () => {
    const rows = (await get(`/api/v3/klines?symbol=NEWUSDT&interval=1h&startTime=${Date.UTC(2025, 0, 1)}&limit=5`)).body as unknown[][];
    expect(rows[0]![0]).toBe(Date.UTC(2025, 0, 10));
  });

  it('answers the same candles for any window, and larger intervals aggregate the minutes', async () => {
    const t = Date.UTC(2025, 0, 10, 3);
    const a = (await get(`/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${t}&limit=1`)).body as string[][];
    const b = (await get(`/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${t - 2 * HOUR}&limit=3`)).body as string[][];
    expect(b[2]).toEqual(a[0]);
    const minutes = (await get(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${t}&limit=60`)).body as string[][];
    const hour = a[0]!;
    expect(hour[1]).toBe(minutes[0]![1]);
    expect(hour[4]).toBe(minutes[59]![4]);
    expect(Number(hour[2])).toBeCloseTo(Math.max(...minutes.map((m) => Number(m[2]))), 6);
    expect(Number(hour[3])).toBeCloseTo(Math.min(...minutes.map((m) => Number(m[3]))), 6);
    // Another seed, other prices.
    expect(seededCandles(2)('BTCUSDT', t, HOUR).close).not.toBe(Number(hour[4]));
    expect(fake.candle('BTC/USDT', t, '1h').close).toBe(Number(hour[4]));
  });

  it('rejects bad requests with Binance error codes', async () => {
    expect(await get('/api/v3/klines?symbol=XRPUSDT&interval=1h')).toMatchObject({ status: 400, body: { code: -1121 } });
    expect(await get('/api/v3/klines?symbol=BTCUSDT&interval=2m')).toMatchObject({ status: 400, body: { code: -1120 } });
    expect(await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1001')).toMatchObject({ status: 400, body: { code: -1130 } });
    expect(await get('/api/v3/klines?interval=1h')).toMatchObject({ status: 400, body: { code: -1102 } });
  });

  it('injects faults a given number of times, per symbol, and records every request', async () => {
    fake.fail({ fault: { kind: 'rate-limit', retryAfterSeconds: 3 }, times: 2, symbol: 'BTC/USDT' });
    fake.fail({ fault: { kind: 'server-error', status: 502 } });
    const first = await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1')).status).toBe(429);
    expect((await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1')).status).toBe(502);
    expect((await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1')).status).toBe(200);
    expect((await get('/api/v3/exchangeInfo')).status).toBe(200);
    expect(fake.requestsTo('/api/v3/klines', 'BTC/USDT').map((r) => r.status)).toEqual([429, 429, 502, 200]);
    expect(fake.requests).toHaveLength(5);
  });

  it('breaks one row on request', async () => {
    fake.fail({ fault: { kind: 'malformed', row: 'misaligned' } });
    const rows = (await get('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=3')).body as number[][];
    expect(rows[1]![0]! % HOUR).toBe(1_234);
  });

  it('hangs until the client gives up, and stop() frees the socket', async () => {
    fake.fail({ fault: { kind: 'hang' } });
    await expect(fetch(`${fake.url}/api/v3/klines?symbol=BTCUSDT&interval=1h`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(fake.requests[0]!.status).toBeUndefined();
  });
});
