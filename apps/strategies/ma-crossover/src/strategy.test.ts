import { checkParameters } from '@tradai/domain';
import { candlesFromCloses, generateCandles, sliceColumns } from '@tradai/market-data';
import { crossed, ema, Signal, sma } from '@tradai/strategy-sdk';
import { describe, expect, it } from 'vitest';
import { engine, maCrossover, type MaCrossoverParams } from './strategy.js';

const params = (p: Record<string, string | number | boolean> = {}) => checkParameters(maCrossover.parameters, p) as MaCrossoverParams;

describe('ma-crossover', () => {
  it('enters on the candle the fast average crosses above the slow one, exits on the cross back', () => {
    // Down 20 candles, up 20, down 20: one golden cross in the rise, one death cross in the fall.
    const closes = [...Array.from({ length: 20 }, (_, i) => 100 - i), ...Array.from({ length: 20 }, (_, i) => 81 + 2 * i), ...Array.from({ length: 20 }, (_, i) => 119 - 2 * i)];
    const s = maCrossover.signals(candlesFromCloses(closes), params({ fast: 3, slow: 8, kind: 'sma' }));
    const entries = [...s.keys()].filter((i) => s[i] === Signal.EnterLong);
    const exits = [...s.keys()].filter((i) => s[i] === Signal.ExitLong);
    expect(entries).toHaveLength(1);
    expect(exits).toHaveLength(1);
    expect(entries[0]).toBeGreaterThan(20);
    expect(entries[0]).toBeLessThan(30);
    expect(exits[0]).toBeGreaterThan(40);
  });

  it('trades on a random walk, with both averages kinds', () => {
    const c = generateCandles({ timeframe: '1h', start: 0, count: 600, seed: 7, symbol: 'BTC/USDT' });
    for (const kind of ['sma', 'ema']) {
      const s = maCrossover.signals(c, params({ kind }));
      expect(s).toHaveLength(600);
      expect(s.filter((v) => v === Signal.EnterLong).length).toBeGreaterThan(3);
      // Nothing before the slow average exists.
      expect(s.subarray(0, params().slow).every((v) => v === 0)).toBe(true);
    }
  });

  it('never looks ahead: signals up to i are unchanged when later candles are appended', () => {
    const c = generateCandles({ timeframe: '1h', start: 0, count: 400, seed: 11, symbol: 'ETH/USDT' });
    const full = maCrossover.signals(c, params());
    for (const n of [30, 101, 250, 399]) expect(maCrossover.signals(sliceColumns(c, 0, n), params())).toEqual(full.subarray(0, n));
  });

  it('declares its parameters for the domain check: unknown names and bad values are refused', () => {
    expect(() => params({ fats: 5 })).toThrow(/parameters\.fats: unknown parameter/);
    expect(() => params({ kind: 'wma' })).toThrow(/parameters\.kind: must be one of sma, ema/);
    expect(() => maCrossover.signals(candlesFromCloses([1, 2, 3]), params({ fast: 30, slow: 20 }))).toThrow(/fast \(30\) must be below slow \(20\)/);
    expect(engine(params({ stop_loss: 0 }))).toEqual({});
    expect(engine(params())).toEqual({ stopLoss: 0.05 });
  });

  it('crosses the averages its kind names: sma and ema give different signals, each at its own crosses', () => {
    const c = generateCandles({ timeframe: '1h', start: 0, count: 500, seed: 21, symbol: 'BTC/USDT' });
    // The crosses of the named averages, read off the indicators the strategy is built on.
    const crosses = (avg: typeof sma) => {
      const f = avg(c.close, 5);
      const s = avg(c.close, 20);
      return [...c.close.keys()].map((i) => crossed(f, s, i));
    };
    for (const [kind, avg] of [['sma', sma], ['ema', ema]] as const) {
      const s = maCrossover.signals(c, params({ fast: 5, slow: 20, kind }));
      const expected = crosses(avg).map((x) => (x === 1 ? Signal.EnterLong : x === -1 ? Signal.ExitLong : 0));
      expect([...s]).toEqual(expected);
    }
    expect(maCrossover.signals(c, params({ fast: 5, slow: 20, kind: 'sma' }))).not.toEqual(maCrossover.signals(c, params({ fast: 5, slow: 20, kind: 'ema' })));
  });

  it('refuses fast equal to slow, and takes fast one below slow', () => {
    const c = candlesFromCloses(Array.from({ length: 30 }, (_, i) => 100 + Math.sin(i)));
    expect(() => maCrossover.signals(c, params({ fast: 10, slow: 10 }))).toThrow(/fast \(10\) must be below slow \(10\)/);
    expect(maCrossover.signals(c, params({ fast: 9, slow: 10 }))).toHaveLength(30);
  });

  it('warms up for the longer average', () => {
    expect(maCrossover.warmup(params({ fast: 5, slow: 40 }))).toBe(40);
    expect(maCrossover.warmup(params())).toBe(26);
  });

  it('names itself and declares whole-number windows, ema by default', () => {
    expect(maCrossover.name).toBe('ma-crossover');
    expect(maCrossover.description).toMatch(/crossover/);
    expect(params()).toEqual({ fast: 12, slow: 26, kind: 'ema', stop_loss: 0.05 });
    expect(() => params({ fast: 2.5 })).toThrow(/parameters\.fast/);
    expect(() => params({ slow: 30.5 })).toThrow(/parameters\.slow/);
    expect(engine(params({ stop_loss: 0.001 }))).toEqual({ stopLoss: 0.001 });
  });
});
