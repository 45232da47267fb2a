import type { Exchange } from 'ccxt';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { ccxtFeed, columnsFeed } from './feed.js';
import { sineCandles } from './replay.js';

const HOUR = 3_600_000;
const row = (h: number) => [h * HOUR, 100 + h, 101 + h, 99 + h, 100.5 + h, 1];

/** A ccxt-like exchange over hourly candles 0..last, serving at most `max` rows a call. */
function fakeExchange(last: number, max = 1000, over: Partial<Record<'loadMarkets' | 'fetchOHLCV', unknown>> = {}) {
  const calls: [number, number][] = [];
  let loads = 0;
  const ex = {
    id: 'fakex',
    async loadMarkets() {
      loads++;
      return {};
    },
    async fetchOHLCV(_s: string, _tf: string, since: number, limit: number) {
      calls.push([since / HOUR, limit]);
      const out: number[][] = [];
      for (let h = Math.ceil(since / HOUR); h <= last && out.length < Math.min(limit, max); h++) out.push(row(h));
      return out;
    },
    ...over,
  };
  return { ex: ex as unknown as Exchange, calls, loads: () => loads };
}

describe('ccxtFeed', () => {
  it('pages from `since` to the forming candle with exact limits, and splits off the forming candle', async () => {
    const f = fakeExchange(3000);
    const r = await ccxtFeed(f.ex).recent('BTC/USDT', '1h', 0, 2500 * HOUR + 5);
    expect(f.calls).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 501],
    ]);
    expect(r.closed.length).toBe(2500);
    expect(r.closed.timestamp[0]).toBe(0);
    expect(r.closed.timestamp[2499]).toBe(2499 * HOUR);
    expect(r.forming).toEqual({ time: 2500 * HOUR, open: 2600 });
  });

  it('rounds `since` up to a candle open and keeps asking while the exchange serves short pages', async () => {
    const f = fakeExchange(10, 3);
    const r = await ccxtFeed(f.ex).recent('BTC/USDT', '1h', 4 * HOUR + 1, 9 * HOUR + 10);
    expect(f.calls).toEqual([
      [5, 5],
      [8, 2],
    ]);
    expect(Array.from(r.closed.timestamp)).toEqual([5, 6, 7, 8].map((h) => h * HOUR));
    expect(r.forming).toEqual({ time: 9 * HOUR, open: 109 });
  });

  it('reaches the forming candle when a page ends just before it', async () => {
    const f = fakeExchange(10, 1);
    const r = await ccxtFeed(f.ex).recent('BTC/USDT', '1h', 0, 2 * HOUR);
    expect(f.calls.map((c) => c[0])).toEqual([0, 1, 2]);
    expect(r.closed.length).toBe(2);
    expect(r.forming).toEqual({ time: 2 * HOUR, open: 102 });
  });

  it('stops on an empty page or a page that does not move forward', async () => {
    const empty = fakeExchange(-1);
    const r = await ccxtFeed(empty.ex).recent('BTC/USDT', '1h', 0, 5 * HOUR);
    expect(empty.calls).toHaveLength(1);
    expect(r.closed.length).toBe(0);
    expect(r.forming).toBeUndefined();
    const stale = fakeExchange(10, 1000, { fetchOHLCV: async () => [row(0), row(1)] });
    const s = await ccxtFeed(stale.ex).recent('BTC/USDT', '1h', 3 * HOUR, 5 * HOUR);
    expect(s.closed.length).toBe(0);
  });

  it('fails on a malformed row, naming exchange, symbol and timeframe', async () => {
    const f = fakeExchange(10, 1000, { fetchOHLCV: async () => [row(0), [HOUR, 'x']] });
    await expect(ccxtFeed(f.ex).recent('BTC/USDT', '1h', 0, 3 * HOUR)).rejects.toThrow(/^fakex BTC\/USDT 1h: malformed candle row \[3600000,"x"\]/);
  });

  it('loads the markets once, and again after a failed load', async () => {
    const f = fakeExchange(3);
    const feed = ccxtFeed(f.ex);
    await feed.recent('BTC/USDT', '1h', 0, 2 * HOUR);
    await feed.recent('BTC/USDT', '1h', 0, 2 * HOUR);
    expect(f.loads()).toBe(1);
    let n = 0;
    const flaky = fakeExchange(3, 1000, {
      loadMarkets: async () => {
        if (n++ === 0) throw new ccxt.AuthenticationError('nope');
        return {};
      },
    });
    const feed2 = ccxtFeed(flaky.ex);
    await expect(feed2.recent('BTC/USDT', '1h', 0, 2 * HOUR)).rejects.toThrow('nope');
    expect((await feed2.recent('BTC/USDT', '1h', 0, 2 * HOUR)).closed.length).toBe(2);
    expect(n).toBe(2);
  });
});

describe('columnsFeed', () => {
  const candles = sineCandles(0, 6);
  it('serves the closed candles from `since` and the forming one at `now`', async () => {
    const r = await columnsFeed({ 'BTC/USDT': candles }).recent('BTC/USDT', '1h', HOUR, 4 * HOUR + 10);
    expect(Array.from(r.closed.timestamp)).toEqual([1, 2, 3].map((h) => h * HOUR));
    expect(Array.from(r.closed.open)).toEqual([1, 2, 3].map((i) => candles.open[i]));
    expect(Array.from(r.closed.high)).toEqual([1, 2, 3].map((i) => candles.high[i]));
    expect(Array.from(r.closed.low)).toEqual([1, 2, 3].map((i) => candles.low[i]));
    expect(Array.from(r.closed.close)).toEqual([1, 2, 3].map((i) => candles.close[i]));
    expect(Array.from(r.closed.volume)).toEqual([1, 1, 1]);
    expect(r.forming).toEqual({ time: 4 * HOUR, open: candles.open[4] });
  });
  it('serves everything held at the end and no forming candle past it', async () => {
    const r = await columnsFeed({ 'BTC/USDT': candles }).recent('BTC/USDT', '1h', 0, 6 * HOUR);
    expect(r.closed.length).toBe(6);
    expect(r.forming).toBeUndefined();
    expect('forming' in r).toBe(false);
  });
  it('refuses a symbol it has no candles of', async () => {
    await expect(columnsFeed({}).recent('ETH/USDT', '1h', 0, HOUR)).rejects.toThrow('replay feed has no candles of ETH/USDT');
  });
});
