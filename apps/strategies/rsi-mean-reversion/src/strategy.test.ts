import { checkParameters } from '@tradai/domain';
import { candlesFromCloses, generateCandles, sliceColumns } from '@tradai/market-data';
import { rsi, Signal } from '@tradai/strategy-sdk';
import { describe, expect, it } from 'vitest';
import { engine, rsiMeanReversion, type RsiMeanReversionParams } from './strategy.js';

const params = (p: Record<string, string | number | boolean> = {}) => checkParameters(rsiMeanReversion.parameters, p) as RsiMeanReversionParams;

describe('rsi-mean-reversion', () => {
  it('enters while RSI is oversold and exits once it has recovered', () => {
    // A zig-zag warm-up (RSI ~50), a slide (RSI -> 0), then a rally (RSI -> 100).
    const closes = [...Array.from({ length: 20 }, (_, i) => 100 + (i % 2)), ...Array.from({ length: 15 }, (_, i) => 99 - i), ...Array.from({ length: 15 }, (_, i) => 86 + i)];
    const s = rsiMeanReversion.signals(candlesFromCloses(closes), params({ period: 5 }));
    const firstEntry = s.indexOf(Signal.EnterLong);
    const firstExit = s.indexOf(Signal.ExitLong, firstEntry);
    expect(firstEntry).toBeGreaterThanOrEqual(20);
    expect(firstEntry).toBeLessThan(25);
    expect(firstExit).toBeGreaterThan(35);
    // Nothing during RSI's warm-up.
    expect(s.subarray(0, 5).every((v) => v === 0)).toBe(true);
  });

  it('never looks ahead: signals up to i are unchanged when later candles are appended', () => {
    const c = generateCandles({ timeframe: '1h', start: 0, count: 500, seed: 3, symbol: 'BTC/USDT' });
    const full = rsiMeanReversion.signals(c, params());
    expect(full.filter((v) => v === Signal.EnterLong).length).toBeGreaterThan(0);
    for (const n of [15, 120, 333, 499]) expect(rsiMeanReversion.signals(sliceColumns(c, 0, n), params())).toEqual(full.subarray(0, n));
  });

  it('refuses inconsistent levels and passes take-profit / stop-loss to the engine', () => {
    expect(() => rsiMeanReversion.signals(candlesFromCloses([1, 2]), params({ oversold: 40, exit_level: 35 }))).toThrow(/exit_level \(35\) must be above oversold \(40\)/);
    expect(() => params({ period: 1 })).toThrow(/parameters\.period: must be >= 2/);
    expect(engine(params())).toEqual({ takeProfit: 0.04, stopLoss: 0.06 });
    expect(engine(params({ take_profit: 0, stop_loss: 0 }))).toEqual({});
  });

  describe('levels, exactly', () => {
    const c = generateCandles({ timeframe: '1h', start: 0, count: 400, seed: 9, symbol: 'BTC/USDT' });
    const r = rsi(c.close, 14);
    // An index whose RSI lies in [lo, hi], to set a level exactly at a value the strategy will see.
    const at = (lo: number, hi: number) => r.findIndex((v) => v >= lo && v <= hi);

    it('enters only below oversold: not at it, and at the next value up it does', () => {
      const i = at(25, 45);
      expect(i).toBeGreaterThan(0);
      expect(rsiMeanReversion.signals(c, params({ oversold: r[i]!, exit_level: 99 }))[i]).toBe(0);
      expect(rsiMeanReversion.signals(c, params({ oversold: r[i]! + 1e-9, exit_level: 99 }))[i]).toBe(Signal.EnterLong);
    });

    it('exits only above exit_level: not at it, and at the next value down it does', () => {
      const i = at(55, 75);
      expect(i).toBeGreaterThan(0);
      expect(rsiMeanReversion.signals(c, params({ oversold: 1, exit_level: r[i]! }))[i]).toBe(0);
      expect(rsiMeanReversion.signals(c, params({ oversold: 1, exit_level: r[i]! - 1e-9 }))[i]).toBe(Signal.ExitLong);
    });

    it('does nothing while RSI sits between the two levels', () => {
      const s = rsiMeanReversion.signals(c, params({ oversold: 30, exit_level: 70 }));
      const between = [...r.keys()].filter((k) => r[k]! >= 30 && r[k]! <= 70);
      expect(between.length).toBeGreaterThan(100);
      expect(between.every((k) => s[k] === 0)).toBe(true);
      // And every candle outside them signals, in the direction its side says.
      for (const k of r.keys()) if (r[k]! < 30) expect(s[k]).toBe(Signal.EnterLong);
      for (const k of r.keys()) if (r[k]! > 70) expect(s[k]).toBe(Signal.ExitLong);
    });
  });

  it('refuses exit_level equal to oversold, and takes it one above', () => {
    expect(() => rsiMeanReversion.signals(candlesFromCloses([1, 2]), params({ oversold: 40, exit_level: 40 }))).toThrow(/exit_level \(40\) must be above oversold \(40\)/);
    expect(rsiMeanReversion.signals(candlesFromCloses([1, 2]), params({ oversold: 40, exit_level: 41 }))).toEqual(new Int8Array(2));
  });

  it('names itself, warms up three periods, and takes only a whole-number period', () => {
    expect(rsiMeanReversion.name).toBe('rsi-mean-reversion');
    expect(rsiMeanReversion.description).toMatch(/RSI/);
    expect(rsiMeanReversion.warmup(params({ period: 10 }))).toBe(30);
    expect(() => params({ period: 14.5 })).toThrow(/parameters\.period/);
    expect(engine(params({ take_profit: 0.01, stop_loss: 0 }))).toEqual({ takeProfit: 0.01 });
    expect(engine(params({ take_profit: 0, stop_loss: 0.02 }))).toEqual({ stopLoss: 0.02 });
  });
});
