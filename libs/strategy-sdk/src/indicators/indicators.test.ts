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
