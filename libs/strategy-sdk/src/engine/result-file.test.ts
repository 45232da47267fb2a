import { BacktestResultFile, computeBacktestMetrics } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { Signal } from '../strategy.js';
import { candles, fixedSignals, HOUR, maCrossover, randomWalk, T0 } from './__fixtures__/engine.js';
import { runBacktest } from './backtest.js';
import { toResultFile } from './result-file.js';

const config = { startingBalance: 1000, stake: { fraction: 1 }, maxOpenTrades: 1, feeRate: 0.001, slippage: 0 };

describe('toResultFile', () => {
  it('writes exactly the file consume-results parses, and its metrics equal the engine metrics', () => {
    const r = runBacktest({ strategy: maCrossover, params: { fast: 5, slow: 20 }, candles: { 'BTC/USDT': randomWalk(300, 3) }, timeframe: '1h', config });
    const file = toResultFile(r);
    // The schema's own parse (consume-results' path) accepts it unchanged: no extra or missing keys.
    expect(BacktestResultFile.parse(JSON.parse(JSON.stringify(file)))).toEqual(file);
    expect(Object.keys(file).sort()).toEqual(['equityCurve', 'startingBalance', 'strategy', 'timeframe', 'trades']);
    expect(file.equityCurve[0]).toEqual({ timestamp: '2026-01-01T00:00:00.000Z', equity: 1000 });
    expect(file.equityCurve).toHaveLength(300);
    expect(file.trades[0]).toEqual({
      pair: 'BTC/USDT',
      openedAt: new Date(r.trades[0]!.openedAt).toISOString(),
      closedAt: new Date(r.trades[0]!.closedAt).toISOString(),
      profitAbs: r.trades[0]!.profitAbs,
      profitRatio: r.trades[0]!.profitRatio,
    });
    // consume-results computes from the ISO file what the engine computed from its columns.
    const fromFile = computeBacktestMetrics({
      timeframe: file.timeframe,
      startingBalance: file.startingBalance,
      timestamps: file.equityCurve.map((p) => Date.parse(p.timestamp)),
      equity: file.equityCurve.map((p) => p.equity),
      trades: file.trades.map((t) => ({ profitAbs: t.profitAbs, openedAt: Date.parse(t.openedAt), closedAt: Date.parse(t.closedAt) })),
    });
    expect(fromFile).toEqual(r.metrics);
  });

  it('refuses a result the workflow would refuse (negative equity from an unbounded short), naming the field', () => {
    // Short at open[1] = 100 with the whole balance; price triples, so the short is worth 1000 - 2 * 1000 < 0.
    const up = candles([[100, 100, 100, 100], [100, 100, 100, 100], [300, 300, 300, 300]]);
    const r = runBacktest({ strategy: fixedSignals({ 0: Signal.EnterShort }), params: {}, candles: { 'BTC/USDT': up }, timeframe: '1h', config: { ...config, feeRate: 0, allowShort: true } });
    expect(r.finalBalance).toBeCloseTo(-1000, 9);
    expect(() => toResultFile(r)).toThrow(/invalid backtest result file: equityCurve\.2\.equity/);
    expect(HOUR).toBe(3_600_000);
    expect(T0).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });
});
