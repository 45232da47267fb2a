import { describe, expect, it } from 'vitest';
import { emptyColumns, type CandleColumns } from '../candles.js';
import { findGaps, mergeCandles } from './merge.js';

function cols(timestamps: number[], close: number[]): CandleColumns {
  const c = emptyColumns(timestamps.length);
  c.timestamp.set(timestamps);
  c.close.set(close);
  c.open.set(close);
  return c;
}

describe('mergeCandles', () => {
  it('interleaves by timestamp and lets the incoming row win on equal timestamps', () => {
    const merged = mergeCandles(cols([1, 2, 4, 6], [10, 20, 40, 60]), cols([0, 2, 3, 6, 7], [1, 2, 3, 6, 7]));
    expect(Array.from(merged.timestamp)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(Array.from(merged.close)).toEqual([1, 10, 2, 3, 40, 6, 7]);
    expect(merged.length).toBe(7);
  });

  it('returns the other side when one is empty', () => {
    const a = cols([1], [1]);
    expect(mergeCandles(a, emptyColumns(0))).toBe(a);
    expect(mergeCandles(emptyColumns(0), a)).toBe(a);
  });
});

describe('findGaps', () => {
  const ts = new Float64Array([10, 20, 50, 60, 90]);
  it('reports runs of missing steps, including the tail up to `to`', () => {
    expect(findGaps(ts, 10, 10, 100)).toEqual([
      { start: 30, end: 50 },
      { start: 70, end: 90 },
    ]);
    expect(findGaps(ts, 10, 0, 120)).toEqual([
      { start: 0, end: 10 },
      { start: 30, end: 50 },
      { start: 70, end: 90 },
      { start: 100, end: 120 },
    ]);
  });
  it('clips to [from, to)', () => {
    expect(findGaps(ts, 10, 40, 80)).toEqual([
      { start: 40, end: 50 },
      { start: 70, end: 80 },
    ]);
    expect(findGaps(ts, 10, 50, 70)).toEqual([]);
  });
});

describe('mergeCandles with columns longer than their length', () => {
  it('ignores the rows past the stored length', () => {
    const existing = { ...cols([1, 2, 3], [10, 20, 30]), length: 1 };
    const merged = mergeCandles(existing, cols([5], [50]));
    expect(Array.from(merged.timestamp)).toEqual([1, 5]);
    expect(Array.from(merged.close)).toEqual([10, 50]);
  });
});
