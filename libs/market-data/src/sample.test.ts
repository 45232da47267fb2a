import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS } from './candles.js';
import { generateCandles } from './sample.js';

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
