import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS } from './candles.js';
import { candlesFromCloses, generateCandles } from './sample.js';

const START = Date.UTC(2024, 0, 1);

describe('generateCandles', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateCandles({ timeframe: '1h', start: START, count: 500, seed: 7 });
    const b = generateCandles({ timeframe: '1h', start: START, count: 500, seed: 7 });
    const c = generateCandles({ timeframe: '1h', start: START, count: 500, seed: 8 });
    expect(Array.from(a.close)).toEqual(Array.from(b.close));
    expect(Array.from(a.volume)).toEqual(Array.from(b.volume));
    expect(Array.from(a.close)).not.toEqual(Array.from(c.close));
  });

  it('makes realistic OHLC: aligned ascending times, open = previous close, wicks around the body, positive volume', () => {
    const c = generateCandles({ symbol: 'ETH/USDT', timeframe: '5m', start: START, count: 5000, seed: 3 });
    expect(c.length).toBe(5000);
    expect(c.open[0]).toBe(2000);
    for (let i = 0; i < c.length; i++) {
      expect(c.timestamp[i]).toBe(START + i * TIMEFRAME_MS['5m']);
      expect(c.high[i]).toBeGreaterThanOrEqual(Math.max(c.open[i]!, c.close[i]!));
      expect(c.low[i]).toBeLessThanOrEqual(Math.min(c.open[i]!, c.close[i]!));
      expect(c.low[i]).toBeGreaterThan(0);
      expect(c.volume[i]).toBeGreaterThan(0);
      if (i > 0) expect(c.open[i]).toBe(c.close[i - 1]);
    }
    // It moves: not a flat line, and not absurdly (annualised 60% over ~17 days stays within ±50%).
    const closes = Array.from(c.close);
    expect(new Set(closes).size).toBeGreaterThan(1000);
    expect(Math.max(...closes) / Math.min(...closes)).toBeLessThan(1.5);
  });

  it('rejects an unaligned start and an unknown timeframe by name', () => {
    expect(() => generateCandles({ timeframe: '1h', start: START + 1, count: 1, seed: 1 })).toThrow(/start .* not aligned to the 1h timeframe/);
    expect(() => generateCandles({ timeframe: '2h' as never, start: START, count: 1, seed: 1 })).toThrow(/unknown timeframe "2h"/);
  });
});

describe('generateCandles arguments', () => {
  const base = { timeframe: '1h' as const, start: START, count: 3, seed: 1 };
  const failure = (args: Parameters<typeof generateCandles>[0]) => {
    try {
      generateCandles(args);
    } catch (e) {
      return e as { name: string; message: string; path: string };
    }
    throw new Error('expected a ValidationError');
  };

  it('names the field at fault', () => {
    expect(failure({ ...base, timeframe: '2h' as never })).toMatchObject({ name: 'ValidationError', path: 'timeframe' });
    expect(failure({ ...base, start: START + 1 })).toMatchObject({ name: 'ValidationError', path: 'start' });
  });

  it.each([-1, 1.5])('rejects a count of %s', (count) => {
    expect(failure({ ...base, count })).toMatchObject({ message: `count must be a non-negative integer, got ${count}`, path: 'count' });
  });

  it('accepts a count of zero', () => {
    expect(generateCandles({ ...base, count: 0 }).length).toBe(0);
  });

  it.each([0, -5, Number.NaN])('rejects a startPrice of %s', (startPrice) => {
    expect(failure({ ...base, startPrice })).toMatchObject({ message: `startPrice must be positive, got ${startPrice}`, path: 'startPrice' });
  });

  it.each([-0.1, Number.NaN])('rejects a volatility of %s', (volatility) => {
    expect(failure({ ...base, volatility })).toMatchObject({ message: `volatility must be >= 0, got ${volatility}`, path: 'volatility' });
  });

  it('makes flat candles at zero volatility', () => {
    const c = generateCandles({ ...base, startPrice: 250, volatility: 0 });
    for (const f of ['open', 'high', 'low', 'close'] as const) expect(Array.from(c[f])).toEqual([250, 250, 250]);
  });

  it('picks the default price from the symbol', () => {
    const open = (symbol?: string) => generateCandles({ ...base, symbol }).open[0];
    expect(open('BTC/USDT')).toBe(40_000);
    expect(open('ETH/BTC')).toBe(2_000);
    expect(open('SOL/BTC')).toBe(100);
    expect(open('WBTC/USDT')).toBe(100);
    expect(open()).toBe(100);
  });

  it('rounds large prices to a whole tick', () => {
    const c = generateCandles({ ...base, count: 50, startPrice: 50_000_000 });
    expect(c.open[0]).toBe(50_000_000);
    for (const f of ['open', 'high', 'low', 'close'] as const) {
      for (const v of c[f]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v % 10).toBe(0);
        expect(v).toBeGreaterThan(40_000_000);
      }
    }
  });

  it('trades about one million quote units per hour, whatever the timeframe', () => {
    const meanQuoteVolume = (timeframe: '5m' | '1d') => {
      const c = generateCandles({ timeframe, start: START, count: 2000, seed: 5, startPrice: 100, volatility: 0 });
      const hours = TIMEFRAME_MS[timeframe] / 3_600_000;
      return Array.from(c.volume).reduce((s, v) => s + v * 100, 0) / c.length / hours;
    };
    for (const tf of ['5m', '1d'] as const) {
      const perHour = meanQuoteVolume(tf);
      expect(perHour).toBeGreaterThan(0.8e6);
      expect(perHour).toBeLessThan(2e6);
    }
  });

  it('draws wicks of about half the move scale on both sides of the body', () => {
    const step = TIMEFRAME_MS['1h'];
    const sigma = 0.6 * Math.sqrt(step / (365 * 86_400_000));
    const c = generateCandles({ symbol: 'ETH/USDT', timeframe: '1h', start: START, count: 5000, seed: 11 });
    let up = 0;
    let down = 0;
    let below = 0;
    for (let i = 0; i < c.length; i++) {
      const hi = Math.max(c.open[i]!, c.close[i]!);
      const lo = Math.min(c.open[i]!, c.close[i]!);
      up += Math.log(c.high[i]! / hi);
      down += Math.log(lo / c.low[i]!);
      if (c.low[i]! < lo) below++;
    }
    // E|N(0,1)| * 0.5 = 0.399: the mean wick, in units of sigma.
    expect(up / c.length / sigma).toBeCloseTo(0.4, 1);
    expect(down / c.length / sigma).toBeCloseTo(0.4, 1);
    expect(below / c.length).toBeGreaterThan(0.95);
  });
});

describe('candlesFromCloses', () => {
  it('makes flat candles one step apart from the start', () => {
    const c = candlesFromCloses([5, 6, 7], 60_000, 1_000);
    expect(Array.from(c.timestamp)).toEqual([1_000, 61_000, 121_000]);
    for (const f of ['open', 'high', 'low', 'close'] as const) expect(Array.from(c[f])).toEqual([5, 6, 7]);
    expect(Array.from(c.volume)).toEqual([1, 1, 1]);
    expect(Array.from(candlesFromCloses([9]).timestamp)).toEqual([0]);
  });
});
