import { describe, expect, it } from 'vitest';
import { emptyColumns, type CandleColumns } from '../candles.js';
import { checkCandles, checkRange } from './validate.js';
import { validationFailure as failure } from '../test-support.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 1);

/** `n` valid 1m candles from `start`: open 100, high 101, low 99, close 100.5, volume 10. */
function candles(n: number, start = T0): CandleColumns {
  const c = emptyColumns(n);
  for (let i = 0; i < n; i++) {
    c.timestamp[i] = start + i * MINUTE;
    c.open[i] = 100;
    c.high[i] = 101;
    c.low[i] = 99;
    c.close[i] = 100.5;
    c.volume[i] = 10;
  }
  return c;
}

describe('checkCandles', () => {
  it('accepts valid candles, no candles at all, and epoch 0', () => {
    expect(() => checkCandles(candles(3), '1m')).not.toThrow();
    expect(() => checkCandles(emptyColumns(0), '1m')).not.toThrow();
    expect(() => checkCandles(candles(2, 0), '1m')).not.toThrow();
  });

  it.each([-1, 1.5, Number.NaN])('rejects a length of %s, naming candles.length', (length) => {
    const e = failure(() => checkCandles({ ...candles(2), length }, '1m'));
    expect(e.message).toBe(`candles.length must be a non-negative integer, got ${length}`);
    expect(e.path).toBe('candles.length');
  });

  it('rejects a column that is not a Float64Array', () => {
    const e = failure(() => checkCandles({ ...candles(2), volume: [10, 10] as unknown as Float64Array }, '1m'));
    expect(e.message).toBe('candles.volume must be a Float64Array');
    expect(e.path).toBe('candles.volume');
  });

  it('rejects a column shorter than the length, but accepts a longer one', () => {
    const c = candles(3);
    const e = failure(() => checkCandles({ ...c, low: c.low.subarray(0, 2) }, '1m'));
    expect(e.message).toBe('candles.low has 2 rows, expected 3');
    expect(e.path).toBe('candles.low');
    expect(() => checkCandles({ ...c, length: 2 }, '1m')).not.toThrow();
  });

  it('names the row and field at fault in the path', () => {
    const c = candles(4);
    c.close[2] = -1;
    const e = failure(() => checkCandles(c, '1m'));
    expect(e.path).toBe('candles.close[2]');
    expect(e.message).toBe('candles.close[2] must be a positive finite price, got -1');
  });

  it('rejects a negative timestamp, even one on the grid', () => {
    const c = candles(1, -MINUTE);
    const e = failure(() => checkCandles(c, '1m'));
    expect(e.message).toBe(`candles.timestamp[0] must be a non-negative integer epoch ms, got ${-MINUTE}`);
    expect(e.path).toBe('candles.timestamp[0]');
  });

  it('rejects a fractional timestamp as not an integer (before the alignment check)', () => {
    const c = candles(2);
    c.timestamp[1] = T0 + MINUTE + 0.5;
    expect(failure(() => checkCandles(c, '1m')).message).toBe(`candles.timestamp[1] must be a non-negative integer epoch ms, got ${T0 + MINUTE + 0.5}`);
  });

  it('rejects misaligned, duplicated and descending timestamps', () => {
    const misaligned = candles(2);
    misaligned.timestamp[1] = T0 + 90_000;
    expect(failure(() => checkCandles(misaligned, '1m')).message).toBe('candles.timestamp[1] 2025-01-01T00:01:30.000Z is not aligned to the 1m timeframe');
    const dup = candles(3);
    dup.timestamp[2] = dup.timestamp[1]!;
    expect(failure(() => checkCandles(dup, '1m')).message).toBe('candles.timestamp[2] duplicates row 1 (2025-01-01T00:01:00.000Z)');
    const desc = candles(3);
    desc.timestamp[2] = T0;
    expect(failure(() => checkCandles(desc, '1m')).message).toBe('candles.timestamp[2] is before row 1: timestamps must ascend');
  });

  it('rejects a zero price but accepts a zero volume and high equal to low', () => {
    const zeroPrice = candles(2);
    zeroPrice.open[1] = 0;
    const e = failure(() => checkCandles(zeroPrice, '1m'));
    expect(e.message).toBe('candles.open[1] must be a positive finite price, got 0');

    const flat = candles(2);
    flat.volume[0] = 0;
    flat.high[1] = 100;
    flat.low[1] = 100;
    flat.open[1] = 100;
    flat.close[1] = 100;
    expect(() => checkCandles(flat, '1m')).not.toThrow();
  });

  it('rejects a negative or infinite volume and high below low', () => {
    const neg = candles(2);
    neg.volume[1] = -0.5;
    expect(failure(() => checkCandles(neg, '1m')).message).toBe('candles.volume[1] must be a non-negative finite volume, got -0.5');
    const inf = candles(1);
    inf.volume[0] = Infinity;
    expect(failure(() => checkCandles(inf, '1m')).path).toBe('candles.volume[0]');
    const inverted = candles(2);
    inverted.high[1] = 98;
    const e = failure(() => checkCandles(inverted, '1m'));
    expect(e.message).toBe('candles.high[1] 98 is below low 99');
    expect(e.path).toBe('candles.high[1]');
  });
});

describe('checkRange', () => {
  it('accepts an empty and a normal range', () => {
    expect(() => checkRange({ start: T0, end: T0 })).not.toThrow();
    expect(() => checkRange({ start: 0, end: T0 })).not.toThrow();
  });

  it.each([1.5, Number.NaN, Infinity])('rejects a start of %s', (start) => {
    const e = failure(() => checkRange({ start, end: T0 }));
    expect(e.message).toBe(`range.start must be an integer epoch ms, got ${start}`);
    expect(e.path).toBe('range.start');
  });

  it.each([1.5, Number.NaN, Infinity])('rejects an end of %s', (end) => {
    const e = failure(() => checkRange({ start: 0, end }));
    expect(e.message).toBe(`range.end must be an integer epoch ms, got ${end}`);
    expect(e.path).toBe('range.end');
  });

  it('rejects an end before the start, naming range.end', () => {
    const e = failure(() => checkRange({ start: T0, end: T0 - 1 }));
    expect(e.message).toBe(`range.end ${T0 - 1} is before range.start ${T0}`);
    expect(e.path).toBe('range.end');
  });
});
