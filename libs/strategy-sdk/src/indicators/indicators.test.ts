import { ValidationError } from '@tradai/domain';
import { EMA, SMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { atr, bollinger, crossed, ema, macd, rsi, sma } from './index.js';

const prices = Float64Array.from({ length: 200 }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 5));

/** NaN-aware comparison of a column with expected values. */
const same = (actual: Float64Array, expected: number[], digits = 9) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => (Number.isNaN(e) ? expect(actual[i]).toBeNaN() : expect(actual[i]).toBeCloseTo(e, digits)));
};

describe('indicators', () => {
  it('sma: NaN during warm-up, then the mean of the last period values', () => {
    same(sma([1, 2, 3, 4, 5], 3), [NaN, NaN, 2, 3, 4]);
    same(sma([7], 1), [7]);
  });

  it('sma and ema equal trading-signals (the streaming classes the trading engine feeds one candle at a time)', () => {
    for (const period of [1, 5, 20]) {
      const s = new SMA(period);
      const e = new EMA(period);
      const expS: number[] = [];
      const expE: number[] = [];
      for (const p of prices) {
        expS.push(s.update(p, false) ?? NaN);
        const v = e.update(p, false);
        expE.push(e.isStable ? v : NaN);
      }
      same(sma(prices, period), expS);
      same(ema(prices, period), expE, 12);
    }
  });

  it('ema by hand: alpha 2/(n+1) seeded with the first value', () => {
    // alpha = 0.5: 2 -> 2; 4 -> 3; 6 -> 4.5; NaN before index 2.
    same(ema([2, 4, 6], 3), [NaN, NaN, 4.5]);
  });

  it('rsi: 100 on a rising series, 0 on a falling one, NaN during warm-up', () => {
    const up = rsi([1, 2, 3, 4, 5, 6], 3);
    same(up.subarray(0, 3), [NaN, NaN, NaN]);
    expect(Array.from(up.subarray(3))).toEqual([100, 100, 100]);
    expect(rsi([6, 5, 4, 3, 2, 1], 3)[5]).toBeCloseTo(0, 12);
    const r = rsi(prices, 14);
    expect(r.subarray(14).every((v) => v >= 0 && v <= 100)).toBe(true);
  });

  it('bollinger bands straddle the SMA by k population standard deviations', () => {
    // Window [1, 2, 3]: mean 2, population sd sqrt(2/3).
    const b = bollinger([1, 2, 3], 3, 2);
    expect(b.middle[2]).toBeCloseTo(2, 12);
    expect(b.upper[2]).toBeCloseTo(2 + 2 * Math.sqrt(2 / 3), 12);
    expect(b.lower[2]).toBeCloseTo(2 - 2 * Math.sqrt(2 / 3), 12);
    expect(b.middle[1]).toBeNaN();
  });

  it('macd is the fast minus slow EMA and its histogram the macd minus signal', () => {
    const m = macd(prices, 12, 26, 9);
    const i = 150;
    expect(m.histogram[i]).toBeCloseTo(m.macd[i]! - m.signal[i]!, 12);
    expect(m.macd[0]).toBeNaN();
  });

  it('atr of constant ranges is that range', () => {
    const n = 30;
    const close = Array.from({ length: n }, () => 100);
    const a = atr(close.map((c) => c + 1), close.map((c) => c - 1), close, 14);
    expect(a[0]).toBeNaN();
    expect(a[n - 1]).toBeCloseTo(2, 12);
  });

  it('crossed detects crossings and ignores NaN', () => {
    const a = [1, 3, 3, 1];
    const b = [2, 2, 2, 2];
    expect([0, 1, 2, 3].map((i) => crossed(a, b, i))).toEqual([0, 1, 0, -1]);
    expect(crossed([NaN, 3], [2, 2], 1)).toBe(0);
  });

  it('refuses a bad period', () => {
    expect(() => sma(prices, 0)).toThrow(new ValidationError('sma: period must be a positive integer, got 0', 'period'));
    expect(() => rsi(prices, 2.5)).toThrow(/rsi: period must be a positive integer/);
  });
});

describe('indicator edges', () => {
  it('sma and ema give their first value at exactly index period - 1', () => {
    same(sma([2, 4, 6, 8], 2), [NaN, 3, 5, 7]);
    same(ema([2, 4, 6, 8], 1), [2, 4, 6, 8]);
    // alpha = 2 / 3 seeded with 2: 2 -> 2, 4 -> 3.3333 (first value at index 1), 6 -> 5.1111.
    same(ema([2, 4, 6], 2), [NaN, 2 / 3 + 4 * (2 / 3), (2 / 3 + 4 * (2 / 3)) / 3 + 6 * (2 / 3)]);
    expect(sma([], 3)).toHaveLength(0);
    expect(ema([], 3)).toHaveLength(0);
  });

  it('rsi, bollinger, atr and macd fill NaN only until the library has a value', () => {
    const r = rsi(prices, 14);
    expect(r[13]).toBeNaN();
    expect(r[14]).not.toBeNaN();
    const b = bollinger(prices, 20);
    for (const band of [b.lower, b.middle, b.upper]) {
      expect(band[18]).toBeNaN();
      expect(band[19]).not.toBeNaN();
    }
    expect(b.middle[19]).toBeCloseTo(sma(prices, 20)[19]!, 9);
    expect(b.upper[19]! - b.middle[19]!).toBeCloseTo(b.middle[19]! - b.lower[19]!, 9);
    const m = macd(prices, 3, 5, 2);
    const first = m.macd.findIndex((v) => !Number.isNaN(v));
    expect(first).toBeGreaterThan(0);
    for (const col of [m.macd, m.signal, m.histogram]) {
      expect(col[first - 1]).toBeNaN();
      expect(col[first]).not.toBeNaN();
    }
    expect(m.macd.subarray(first).every((v) => !Number.isNaN(v))).toBe(true);
    const a = atr(prices.map((p) => p + 1), prices.map((p) => p - 1), prices, 5);
    expect(Array.from(a.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(a.subarray(5).every((v) => v > 0)).toBe(true);
  });

  it('crossed: a touch is not a cross; leaving from equality is', () => {
    // From equal to above: up; from equal to below: down.
    expect(crossed([2, 3], [2, 2], 1)).toBe(1);
    expect(crossed([2, 1], [2, 2], 1)).toBe(-1);
    // From below/above to equal: nothing yet.
    expect(crossed([1, 2], [2, 2], 1)).toBe(0);
    expect(crossed([3, 2], [2, 2], 1)).toBe(0);
    // Staying on one side: nothing.
    expect(crossed([3, 4], [2, 2], 1)).toBe(0);
    expect(crossed([1, 0], [2, 2], 1)).toBe(0);
    expect(crossed([2, 2], [2, 2], 1)).toBe(0);
    // Index 0 has no previous value.
    expect(crossed([1, 3], [2, 2], 0)).toBe(0);
    expect(crossed([3, 1], [2, 2], 1)).toBe(-1);
  });

  it('refuses a non-integer or non-positive period for every indicator, naming it', () => {
    const msg = (name: string, p: number) => new ValidationError(`${name}: period must be a positive integer, got ${p}`, 'period');
    expect(() => ema(prices, -1)).toThrow(msg('ema', -1));
    expect(() => rsi(prices, 0)).toThrow(msg('rsi', 0));
    expect(() => bollinger(prices, 1.5)).toThrow(msg('bollinger', 1.5));
    expect(() => atr(prices, prices, prices, 0)).toThrow(msg('atr', 0));
    expect(() => macd(prices, 0)).toThrow(msg('macd fast', 0));
    expect(() => macd(prices, 12, 2.5)).toThrow(msg('macd slow', 2.5));
    expect(() => macd(prices, 12, 26, NaN)).toThrow(msg('macd signal', NaN));
    expect(() => sma(prices, Infinity)).toThrow(msg('sma', Infinity));
    // Period 1 is the smallest accepted.
    for (const f of [sma, ema, rsi]) expect(f([1, 2], 1)).toHaveLength(2);
    expect(bollinger([1, 2], 1).middle).toHaveLength(2);
    expect(atr([1, 2], [1, 2], [1, 2], 1)).toHaveLength(2);
    expect(macd([1, 2], 1, 1, 1).macd).toHaveLength(2);
  });
});
