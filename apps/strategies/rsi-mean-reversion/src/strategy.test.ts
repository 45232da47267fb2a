import { checkParameters } from '@tradai/domain';
import { candlesFromCloses, generateCandles, sliceColumns } from '@tradai/market-data';
import { Signal } from '@tradai/strategy-sdk';
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
});
