import { describe, expect, it } from 'vitest';
import { cagr, computeBacktestMetrics, exposure, maxDrawdown, maxDrawdownDuration, periodReturns, PERIODS_PER_YEAR, profitFactor, sharpeRatio, sortinoRatio, winRate } from './metrics.js';

const DAY = 86_400_000;

describe('metric maths', () => {
  it('computes per-candle returns and stops at ruin', () => {
    expect(Array.from(periodReturns([100, 110, 99]))).toEqual([0.10000000000000009, -0.09999999999999998]);
    expect(Array.from(periodReturns([100, 0, 50]))).toEqual([-1]);
    expect(Array.from(periodReturns(Float64Array.of(100, 50)))).toEqual([-0.5]);
    expect(periodReturns([100])).toHaveLength(0);
  });

  it('annualises Sharpe with sqrt(periods/year) and returns null without variance', () => {
    // mean 0.01, sample sd 0.01 -> per-period Sharpe 1 -> annualised sqrt(365)
    expect(sharpeRatio([0, 0.02, 0.01], 365)).toBeCloseTo(Math.sqrt(365), 10);
    expect(sharpeRatio([0.01, 0.01], 365)).toBeNull();
    expect(sharpeRatio([0.01], 365)).toBeNull();
    expect(PERIODS_PER_YEAR['1h']).toBe(24 * 365);
    expect(PERIODS_PER_YEAR['1m']).toBe(525_600);
  });

  it('annualises Sortino over the downside deviation, null without a losing period', () => {
    // returns 0.03, -0.01, 0.01: mean 0.01; downside sqrt((0.01^2) / 3) -> ratio sqrt(3) per period.
    expect(sortinoRatio([0.03, -0.01, 0.01], 365)).toBeCloseTo(Math.sqrt(3) * Math.sqrt(365), 9);
    expect(sortinoRatio([0.01, 0.02], 365)).toBeNull();
    expect(sortinoRatio([0, 0], 365)).toBeNull();
    expect(sortinoRatio([-0.01], 365)).toBeNull();
  });

  it('measures the deepest drawdown from the running peak, including the start', () => {
    expect(maxDrawdown([120, 90, 130, 104], 100)).toBeCloseTo(0.25, 12);
    expect(maxDrawdown([90, 95], 100)).toBeCloseTo(0.1, 12);
    expect(maxDrawdown([100, 110], 100)).toBe(0);
    expect(maxDrawdown([100, 100, 100], 100)).toBe(0);
  });

  it('measures the longest time under a previous peak, unrecovered runs to the end', () => {
    const t = [0, 1, 2, 3, 4, 5].map((d) => d * DAY);
    // Peak 110 on day 1, still under it on day 3 (2 days), recovered on day 4; then under day 4's
    // peak 120 until the end, day 5 (1 day). The longest is 2 days.
    expect(maxDrawdownDuration(t, [100, 110, 100, 105, 120, 119], 100)).toBe(2 * DAY);
    // Below the starting balance from the first point on: from day 0 to day 5.
    expect(maxDrawdownDuration(t, [90, 90, 95, 95, 99, 99], 100)).toBe(5 * DAY);
    expect(maxDrawdownDuration(t, [100, 100, 100, 100, 100, 100], 100)).toBe(0);
    expect(maxDrawdownDuration([], [], 100)).toBe(0);
  });

  it('compounds CAGR over the span in years, only for spans of 30 days or more', () => {
    // 730 daily candles = 2 years, doubling -> sqrt(2) - 1 a year.
    expect(cagr(100, 200, 730, 365)).toBeCloseTo(Math.SQRT2 - 1, 12);
    // Half a year of +10 % -> 1.1^2 - 1 = 21 %.
    expect(cagr(100, 110, 4380, 8760)).toBeCloseTo(0.21, 12);
    expect(cagr(100, 0, 365, 365)).toBe(-1);
    expect(cagr(100, 100, 30, 365)).toBe(0);
    expect(cagr(100, 110, 29, 365)).toBeNull();
    expect(cagr(100, 100, 0, 365)).toBeNull();
    // x1000 in 30 days compounds to 1000^(365/30), beyond a safe integer: not stored.
    expect(cagr(1, 1000, 30, 365)).toBeNull();
  });

  it('win rate and profit factor, with their boundaries', () => {
    expect(winRate([10, -5, 0, 20])).toBe(0.5); // a zero-profit trade is not a win
    expect(winRate([])).toBeNull();
    expect(profitFactor([10, -5, 20, -10])).toBe(2); // 30 / 15
    expect(profitFactor([10, 20])).toBeNull(); // no losses: no finite ratio
    expect(profitFactor([])).toBeNull();
    expect(profitFactor([-1, -2])).toBe(0);
  });

  it('exposure counts overlapping trades once and clips them to the span', () => {
    expect(exposure([{ openedAt: 0, closedAt: 10 }], 0, 100)).toBe(0.1);
    expect(exposure([{ openedAt: 0, closedAt: 10 }, { openedAt: 5, closedAt: 20 }, { openedAt: 50, closedAt: 60 }], 0, 100)).toBe(0.3);
    expect(exposure([{ openedAt: -50, closedAt: 150 }], 0, 100)).toBe(1);
    expect(exposure([], 0, 100)).toBe(0);
    expect(exposure([{ openedAt: 0, closedAt: 10 }], 5, 5)).toBe(0);
  });
});

describe('computeBacktestMetrics', () => {
  const days = (n: number) => Array.from({ length: n }, (_, i) => i * DAY);

  it('summarises a curve and its trades', () => {
    const m = computeBacktestMetrics({
      timeframe: '1d',
      startingBalance: 1000,
      timestamps: days(4),
      equity: [1000, 1100, 990, 1210],
      trades: [
        { profitAbs: 100, openedAt: 0, closedAt: DAY },
        { profitAbs: -110, openedAt: DAY, closedAt: 2 * DAY },
        { profitAbs: 220, openedAt: 2 * DAY, closedAt: 3 * DAY },
      ],
    });
    const r = [0.1, -0.1, 1210 / 990 - 1];
    const mean = r.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    expect(m).toEqual({
      total_return: expect.closeTo(0.21, 12),
      sharpe: expect.closeTo((mean / sd) * Math.sqrt(365), 10),
      periods_per_year: 365,
      max_drawdown: expect.closeTo(0.1, 12),
      win_rate: 2 / 3,
      trade_count: 3,
      final_equity: 1210,
      cagr: null, // 4 days: too short to annualise
      sortino: expect.closeTo((mean / Math.sqrt(0.01 / 3)) * Math.sqrt(365), 9),
      max_drawdown_duration_ms: DAY, // peak 1100 on day 1, under it on day 2
      profit_factor: 320 / 110,
      exposure: 0.75, // 3 of the 4 days in a trade
    });
  });

  it('computes the same Sharpe and Sortino as the per-return functions, also after ruin', () => {
    const equity = [100, 103, 99, 104, 90, 0, 50];
    const m = computeBacktestMetrics({ timeframe: '1d', startingBalance: 100, timestamps: days(7), equity, trades: [] });
    const returns = periodReturns(equity);
    expect(returns).toHaveLength(5); // stops at the zero
    expect(m.sharpe).toBe(sharpeRatio(returns, 365));
    expect(m.sortino).toBe(sortinoRatio(returns, 365));
  });

  it('handles a flat curve without trades', () => {
    expect(computeBacktestMetrics({ timeframe: '1h', startingBalance: 10, timestamps: [0, 3_600_000], equity: [10, 10], trades: [] })).toEqual({
      total_return: 0,
      sharpe: null,
      periods_per_year: 8760,
      max_drawdown: 0,
      win_rate: null,
      trade_count: 0,
      final_equity: 10,
      cagr: null,
      sortino: null,
      max_drawdown_duration_ms: 0,
      profit_factor: null,
      exposure: 0,
    });
  });
});

describe('metric boundaries: at each threshold and one step either side', () => {
  it('returns stop at an equity of exactly 0, not at a small positive one', () => {
    expect(Array.from(periodReturns([100, 0.01, 0.02]))).toEqual([0.01 / 100 - 1, 1]);
    expect(Array.from(periodReturns([100, 0, 0.02]))).toEqual([-1]);
    expect(Array.from(periodReturns([100, -1, 5]))).toEqual([-1.01]);
  });

  it('Sharpe and Sortino need two returns: one is null, two are a number', () => {
    expect(sharpeRatio([0.01], 365)).toBeNull();
    expect(sharpeRatio([0.01, 0.03], 365)).toBeCloseTo((0.02 / Math.SQRT2 / 0.01) * Math.sqrt(365), 9);
    expect(sortinoRatio([-0.01], 365)).toBeNull();
    expect(sortinoRatio([-0.01, 0.03], 365)).toBeCloseTo((0.01 / Math.sqrt(0.0001 / 2)) * Math.sqrt(365), 9);
  });

  it('a zero return is not a loss for Sortino', () => {
    expect(sortinoRatio([0, 0.02], 365)).toBeNull();
    expect(sortinoRatio([-1e-9, 0.02], 365)).not.toBeNull();
  });

  it('a variance just above the 1e-12 floor still gives a Sharpe ratio', () => {
    // sd = 2e-12 / sqrt(2)... computed: returns r, r + d with sample sd d / sqrt(2).
    expect(sharpeRatio([0.01, 0.01 + 1e-9], 365)).not.toBeNull();
  });

  it('drawdown duration: equity back at exactly the peak ends the drawdown', () => {
    const t = [0, 1, 2, 3].map((d) => d * DAY);
    expect(maxDrawdownDuration(t, [110, 100, 110, 100], 100)).toBe(DAY);
    expect(maxDrawdownDuration(t, [110, 100, 109.99, 100], 100)).toBe(3 * DAY);
  });

  it('drawdown after ruin from a zero peak stays 0 (no division by zero)', () => {
    expect(maxDrawdown([0, 0], 0)).toBe(0);
    expect(maxDrawdown([100, 0], 100)).toBe(1);
  });

  it('CAGR needs exactly 30 days of candles: 720 hourly candles yes, 719 no', () => {
    expect(cagr(100, 100, 720, 8760)).toBe(0);
    expect(cagr(100, 100, 719, 8760)).toBeNull();
    expect(cagr(100, 100, 721, 8760)).toBe(0);
  });

  it('CAGR: a start of exactly 0 is null, a final of exactly 0 is ruin, a tiny final is not', () => {
    expect(cagr(0, 100, 365, 365)).toBeNull();
    expect(cagr(-1, 100, 365, 365)).toBeNull();
    expect(cagr(100, 0, 365, 365)).toBe(-1);
    expect(cagr(100, 1e-6, 365, 365)).toBeCloseTo(-1 + 1e-8, 12);
    expect(cagr(100, -5, 365, 365)).toBe(-1);
  });

  it('CAGR is kept up to MAX_SAFE_INTEGER and dropped beyond it', () => {
    // One year: rate = final / start - 1 exactly.
    expect(cagr(1, Number.MAX_SAFE_INTEGER + 1, 365, 365)).toBe(Number.MAX_SAFE_INTEGER);
    expect(cagr(1, 2 * Number.MAX_SAFE_INTEGER, 365, 365)).toBeNull();
  });

  it('a trade of exactly zero profit is neither a win nor a loss', () => {
    expect(winRate([0])).toBe(0);
    expect(winRate([0.01])).toBe(1);
    expect(profitFactor([10, 0])).toBeNull();
    expect(profitFactor([10, -0.01])).toBeCloseTo(1000, 9);
  });

  it('exposure: a zero-length trade covers nothing; trades touching at one instant add up', () => {
    expect(exposure([{ openedAt: 10, closedAt: 10 }], 0, 100)).toBe(0);
    expect(exposure([{ openedAt: 10, closedAt: 11 }], 0, 100)).toBe(0.01);
    expect(exposure([{ openedAt: 0, closedAt: 10 }, { openedAt: 10, closedAt: 20 }], 0, 100)).toBe(0.2);
    expect(exposure([{ openedAt: 0, closedAt: 10 }, { openedAt: 9, closedAt: 20 }], 0, 100)).toBe(0.2);
    expect(exposure([{ openedAt: 0, closedAt: 10 }], 0, 1)).toBe(1);
    expect(exposure([{ openedAt: 0, closedAt: 10 }], 5, 4)).toBe(0);
    // A trade ending exactly at the span start, or opening exactly at its end, is outside.
    expect(exposure([{ openedAt: -10, closedAt: 0 }, { openedAt: 100, closedAt: 110 }], 0, 100)).toBe(0);
  });

  it('every timeframe maps to 365 days of its candles', () => {
    const minutes = { '1m': 1, '5m': 5, '15m': 15, '30m': 30, '1h': 60, '4h': 240, '1d': 1440 } as const;
    for (const [tf, m] of Object.entries(minutes)) expect(PERIODS_PER_YEAR[tf as keyof typeof minutes], tf).toBe((365 * 1440) / m);
  });

  it('an empty curve summarises to the starting balance', () => {
    expect(computeBacktestMetrics({ timeframe: '1d', startingBalance: 50, timestamps: [], equity: [], trades: [] })).toMatchObject({
      total_return: 0,
      final_equity: 50,
      max_drawdown: 0,
      max_drawdown_duration_ms: 0,
      exposure: 0,
      sharpe: null,
    });
  });

  it('the metrics span ends one candle after the last point', () => {
    // Two 1h points span 2 hours; a trade over the second hour is half the span.
    const m = computeBacktestMetrics({ timeframe: '1h', startingBalance: 10, timestamps: [0, 3_600_000], equity: [10, 11], trades: [{ profitAbs: 1, openedAt: 3_600_000, closedAt: 7_200_000 }] });
    expect(m.exposure).toBe(0.5);
  });
});

describe('metric edge cases that pin the exact rule', () => {
  it('CAGR of a zero start is null even when the final is also zero (not ruin)', () => {
    expect(cagr(0, 0, 365, 365)).toBeNull();
  });

  it('exposure sorts trades by opening time before merging them', () => {
    expect(exposure([{ openedAt: 50, closedAt: 60 }, { openedAt: 0, closedAt: 10 }], 0, 100)).toBe(0.2);
    expect(exposure([{ openedAt: 30, closedAt: 40 }, { openedAt: 50, closedAt: 60 }, { openedAt: 0, closedAt: 10 }], 0, 100)).toBeCloseTo(0.3, 12);
  });

  it('exposure measures each separate interval from its own start', () => {
    expect(exposure([{ openedAt: 10, closedAt: 20 }, { openedAt: 50, closedAt: 60 }], 0, 100)).toBe(0.2);
  });

  it('exposure divides by the span length, not its end', () => {
    expect(exposure([{ openedAt: 10, closedAt: 20 }], 10, 110)).toBe(0.1);
  });

  it('the metrics span starts at the first point, not at time 0', () => {
    const t0 = 1_000 * 3_600_000;
    const m = computeBacktestMetrics({ timeframe: '1h', startingBalance: 10, timestamps: [t0, t0 + 3_600_000], equity: [10, 11], trades: [{ profitAbs: 1, openedAt: t0, closedAt: t0 + 3_600_000 }] });
    expect(m.exposure).toBe(0.5);
  });

  it('two returns (three points) are enough for Sharpe and Sortino', () => {
    const m = computeBacktestMetrics({ timeframe: '1d', startingBalance: 100, timestamps: [0, DAY, 2 * DAY], equity: [100, 90, 99], trades: [] });
    expect(m.sharpe).toBe(sharpeRatio(periodReturns([100, 90, 99]), 365));
    expect(m.sortino).toBe(sortinoRatio(periodReturns([100, 90, 99]), 365));
    expect(m.sharpe).not.toBeNull();
    expect(m.sortino).not.toBeNull();
  });

  it('a curve without variance or without a loss has null ratios, not NaN or Infinity', () => {
    const flat = computeBacktestMetrics({ timeframe: '1d', startingBalance: 100, timestamps: [0, DAY, 2 * DAY], equity: [100, 100, 100], trades: [] });
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    const rising = computeBacktestMetrics({ timeframe: '1d', startingBalance: 100, timestamps: [0, DAY, 2 * DAY, 3 * DAY], equity: [100, 110, 120, 130], trades: [] });
    expect(rising.sortino).toBeNull();
    expect(rising.sharpe).not.toBeNull();
  });
});
