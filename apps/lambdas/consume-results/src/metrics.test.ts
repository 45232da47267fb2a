import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { computeMetrics, maxDrawdown, periodReturns, PERIODS_PER_YEAR, sharpeRatio } from './metrics.js';

const curve = (values: number[]) => values.map((equity, i) => ({ timestamp: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), equity }));
const trade = (profitAbs: number) => ({ pair: 'BTC/USDT', openedAt: '2026-01-01T00:00:00Z', closedAt: '2026-01-02T00:00:00Z', profitAbs, profitRatio: profitAbs / 100 });

describe('metric maths', () => {
  it('computes per-candle returns and stops at ruin', () => {
    expect(periodReturns([100, 110, 99])).toEqual([0.10000000000000009, -0.09999999999999998]);
    expect(periodReturns([100, 0, 50])).toEqual([-1]);
  });

  it('annualises Sharpe with sqrt(periods/year) and returns null without variance', () => {
    // mean 0.01, sample sd 0.01 -> per-period Sharpe 1 -> annualised sqrt(365)
    expect(sharpeRatio([0, 0.02, 0.01], 365)).toBeCloseTo(Math.sqrt(365), 10);
    expect(sharpeRatio([0.01, 0.01], 365)).toBeNull();
    expect(sharpeRatio([0.01], 365)).toBeNull();
    expect(PERIODS_PER_YEAR['1h']).toBe(24 * 365);
  });

  it('measures the deepest drawdown from the running peak, including the start', () => {
    expect(maxDrawdown([120, 90, 130, 104], 100)).toBeCloseTo(0.25, 12);
    expect(maxDrawdown([90, 95], 100)).toBeCloseTo(0.1, 12);
    expect(maxDrawdown([100, 110], 100)).toBe(0);
  });
});

describe('computeMetrics', () => {
  it('summarises a result file', () => {
    const m = computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1000, equityCurve: curve([1000, 1100, 990, 1210]), trades: [trade(100), trade(-110), trade(220)] });
    expect(m.total_return).toBeCloseTo(0.21, 12);
    expect(m.max_drawdown).toBeCloseTo(0.1, 12);
    expect(m.win_rate).toBeCloseTo(2 / 3, 12);
    expect(m.trade_count).toBe(3);
    expect(m.final_equity).toBe(1210);
    expect(m.periods_per_year).toBe(365);
    const r = [0.1, -0.1, 1210 / 990 - 1];
    const mean = r.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(365), 10);
  });

  it('has no win rate without trades', () => {
    expect(computeMetrics({ strategy: 's', timeframe: '1h', startingBalance: 10, equityCurve: curve([10, 10]), trades: [] })).toMatchObject({ win_rate: null, trade_count: 0, sharpe: null, total_return: 0 });
  });

  it('rejects out-of-order data naming the field', () => {
    const bad = curve([1, 2, 3]);
    bad[2]!.timestamp = bad[0]!.timestamp;
    expect(() => computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1, equityCurve: bad, trades: [] })).toThrow(
      new ValidationError('invalid result file: equityCurve.2.timestamp: must be after the previous point', 'equityCurve.2.timestamp'),
    );
    const t = { ...trade(1), closedAt: '2025-12-31T00:00:00Z' };
    expect(() => computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1, equityCurve: curve([1, 2]), trades: [trade(1), t] })).toThrow(/trades\.1\.closedAt/);
  });
});
