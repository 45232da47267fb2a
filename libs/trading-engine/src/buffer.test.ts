import { emptyColumns } from '@tradai/market-data';
import { describe, expect, it } from 'vitest';
import { CandleBuffer } from './buffer.js';

const HOUR = 3_600_000;
const candles = (from: number, n: number, step = HOUR) => {
  const c = emptyColumns(n);
  for (let i = 0; i < n; i++) {
    c.timestamp[i] = from + i * step;
    c.open[i] = i + 1;
    c.high[i] = i + 2;
    c.low[i] = i;
    c.close[i] = i + 1.5;
    c.volume[i] = 10 * (i + 1);
  }
  return c;
};

describe('CandleBuffer', () => {
  it('holds exactly what was appended until it is full', () => {
    const b = new CandleBuffer(3);
    expect(b.last).toBe(-Infinity);
    expect(b.append(candles(0, 1))).toBe(1);
    expect(b.length).toBe(1);
    expect(b.candle(0)).toEqual({ t: 0, o: 1, h: 2, l: 0, c: 1.5 });
    expect(b.append(candles(HOUR, 5))).toBe(5);
    expect(b.length).toBe(6);
    expect(Array.from(b.upTo(5).timestamp)).toEqual([0, 1, 2, 3, 4, 5].map((i) => i * HOUR));
  });

  it('moves the newest `keep` to the front when full, keeping every column aligned', () => {
    const b = new CandleBuffer(3);
    b.append(candles(0, 7));
    expect(b.length).toBe(4);
    const v = b.upTo(3);
    expect(Array.from(v.timestamp)).toEqual([3, 4, 5, 6].map((i) => i * HOUR));
    expect(Array.from(v.volume)).toEqual([40, 50, 60, 70]);
    expect(b.last).toBe(6 * HOUR);
  });

  it('finds any held candle by open time, including the oldest, and -1 for gaps or unknown times', () => {
    const b = new CandleBuffer(10);
    b.append(candles(0, 5, 2 * HOUR));
    expect(b.indexOf(0)).toBe(0);
    expect(b.indexOf(2 * HOUR)).toBe(1);
    expect(b.indexOf(8 * HOUR)).toBe(4);
    expect(b.indexOf(3 * HOUR)).toBe(-1);
    expect(b.indexOf(100 * HOUR)).toBe(-1);
    expect(b.indexOf(-HOUR)).toBe(-1);
  });
});
