import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from './metrics.js';

// The maths itself is tested in libs/domain/src/metrics.test.ts; here: the file -> metrics mapping.
const curve = (values: number[]) => values.map((equity, i) => ({ timestamp: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), equity }));
const trade = (profitAbs: number, day = 0) => ({
  pair: 'BTC/USDT',
  openedAt: new Date(Date.UTC(2026, 0, 1 + day)).toISOString(),
  closedAt: new Date(Date.UTC(2026, 0, 2 + day)).toISOString(),
  profitAbs,
  profitRatio: profitAbs / 100,
});

describe('computeMetrics', () => {
  it('summarises a result file', () => {
    const m = computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1000, equityCurve: curve([1000, 1100, 990, 1210]), trades: [trade(100), trade(-110, 1), trade(220, 2)] });
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
    // Extended metrics, from the ISO timestamps: 3 one-day trades over a 4-day curve; 1100 -> 990 lasts a day.
    expect(m.exposure).toBeCloseTo(0.75, 12);
    expect(m.max_drawdown_duration_ms).toBe(86_400_000);
    expect(m.profit_factor).toBeCloseTo(320 / 110, 12);
    expect(m.cagr).toBeNull(); // 4 days: too short to annualise
    expect(m.sortino).toBeCloseTo((mean / Math.sqrt(0.01 / 3)) * Math.sqrt(365), 9);
  });

  it('has no win rate without trades', () => {
    expect(computeMetrics({ strategy: 's', timeframe: '1h', startingBalance: 10, equityCurve: curve([10, 10]), trades: [] })).toMatchObject({
      win_rate: null,
      trade_count: 0,
      sharpe: null,
      total_return: 0,
      profit_factor: null,
      sortino: null,
      exposure: 0,
      max_drawdown_duration_ms: 0,
    });
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

  it('needs each equity point strictly after the previous one: equal is refused, 1 ms later accepted', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    const points = (gap: number) => [{ timestamp: at(0), equity: 1 }, { timestamp: at(gap), equity: 2 }];
    expect(() => computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1, equityCurve: points(0), trades: [] })).toThrow(/equityCurve\.1\.timestamp/);
    expect(() => computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1, equityCurve: points(-1), trades: [] })).toThrow(/equityCurve\.1\.timestamp/);
    expect(computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1, equityCurve: points(1), trades: [] }).final_equity).toBe(2);
  });

  it('lets a trade close at the moment it opened but not 1 ms before', () => {
    const t = (closeOffsetMs: number) => ({ pair: 'BTC/USDT', openedAt: '2026-01-01T12:00:00.000Z', closedAt: new Date(Date.UTC(2026, 0, 1, 12) + closeOffsetMs).toISOString(), profitAbs: 1, profitRatio: 0.01 });
    const run = (closeOffsetMs: number) => computeMetrics({ strategy: 's', timeframe: '1d', startingBalance: 1, equityCurve: curve([1, 2]), trades: [t(closeOffsetMs)] });
    expect(run(0).trade_count).toBe(1);
    expect(run(1).trade_count).toBe(1);
    expect(() => run(-1)).toThrow(new ValidationError('invalid result file: trades.0.closedAt: must not be before openedAt', 'trades.0.closedAt'));
  });
});
