import { describe, expect, it } from 'vitest';
import { checkRows, closedBefore, rowsToColumns } from './candle-source.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const row = (t: number, close = 100): number[] => [t, 100, 101, 99, close, 5];

describe('checkRows', () => {
  it('keeps the rows with open time in [start, end), trimmed to six fields', () => {
    const rows: unknown[][] = [row(T0 - HOUR), row(T0), [...row(T0 + HOUR), 'extra'], row(T0 + 2 * HOUR)];
    const { kept, problem } = checkRows(rows, '1h', T0, T0 + 2 * HOUR);
    expect(problem).toBeUndefined();
    expect(kept).toEqual([row(T0), row(T0 + HOUR)]);
    expect(kept[1]).toHaveLength(6);
  });

  it.each([
    ['a row that is not an array', { t: T0 }, 'expected [timestamp, open, high, low, close, volume]'],
    ['a row with five fields', [T0, 100, 101, 99, 100], 'expected [timestamp, open, high, low, close, volume]'],
    ['a string price', [T0, '100', 101, 99, 100, 5], 'open is not a number'],
    ['a NaN price', [T0, 100, 101, 99, Number.NaN, 5], 'close is not a number'],
    ['a missing volume', [T0, 100, 101, 99, 100, null], 'volume is not a number'],
    ['high below low', [T0, 100, 98, 99, 100, 5], 'high is below low'],
    ['a negative volume', [T0, 100, 101, 99, 100, -1], 'volume is negative'],
    ['a misaligned open time', [T0 + 1, 100, 101, 99, 100, 5], `timestamp ${T0 + 1} is not aligned to the 3600000 ms timeframe`],
  ])('reports %s with the row, keeping the rows before it', (_what, bad, why) => {
    const { kept, problem } = checkRows([row(T0 - HOUR), bad as unknown[]], '1h', T0 - HOUR, T0 + HOUR);
    expect(problem).toBe(`malformed candle row ${JSON.stringify(bad)}: ${why}`);
    expect(kept).toEqual([row(T0 - HOUR)]);
  });

  it('accepts high equal to low and a zero volume', () => {
    const flat = [T0, 100, 100, 100, 100, 0];
    expect(checkRows([flat], '1h', T0, T0 + HOUR)).toEqual({ kept: [flat] });
  });
});

describe('rowsToColumns', () => {
  it('sorts rows ascending and keeps the last row seen for a repeated timestamp', () => {
    const c = rowsToColumns([row(T0 + 10 * HOUR, 1), row(T0 + 2 * HOUR, 2), row(T0 + 9 * HOUR, 3), row(T0 + 2 * HOUR, 4)]);
    expect(c.length).toBe(3);
    expect([...c.timestamp]).toEqual([T0 + 2 * HOUR, T0 + 9 * HOUR, T0 + 10 * HOUR]);
    expect([...c.close]).toEqual([4, 3, 1]);
    expect([c.open[0], c.high[0], c.low[0], c.volume[0]]).toEqual([100, 101, 99, 5]);
  });
});

describe('closedBefore', () => {
  it('is the open time of the candle still open at now', () => {
    expect(closedBefore('1h', T0 + HOUR)).toBe(T0 + HOUR);
    expect(closedBefore('1h', T0 + HOUR - 1)).toBe(T0);
  });
});
