import { ValidationError, type BacktestMetrics, type BacktestResultFile } from '@tradai/domain';

/**
 * Candles per year by timeframe. Crypto markets trade 24/7/365, so a year is 365 days of candles
 * (not 252 trading days): 1h -> 8760, 1d -> 365.
 */
export const PERIODS_PER_YEAR: Readonly<Record<BacktestResultFile['timeframe'], number>> = {
  '1m': 525_600,
  '5m': 105_120,
  '15m': 35_040,
  '30m': 17_520,
  '1h': 8_760,
  '4h': 2_190,
  '1d': 365,
};

/** Per-candle simple returns of an equity series; stops at a zero equity (no return defined after ruin). */
export function periodReturns(equity: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const prev = equity[i - 1]!;
    if (prev <= 0) break;
    out.push(equity[i]! / prev - 1);
  }
  return out;
}

/**
 * Annualised Sharpe ratio with a zero risk-free rate: mean / sample stdev of per-candle returns,
 * times sqrt(periods per year). Null when there are fewer than two returns or no variance
 * (a flat curve has no meaningful ratio).
 */
export function sharpeRatio(returns: readonly number[], periodsPerYear: number): number | null {
  if (returns.length < 2) return null;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  const sd = Math.sqrt(variance);
  if (sd < 1e-12) return null;
  return (mean / sd) * Math.sqrt(periodsPerYear);
}

/** Largest peak-to-trough fall as a positive fraction of the peak; `start` counts as the first peak. */
export function maxDrawdown(equity: readonly number[], start: number): number {
  let peak = start;
  let worst = 0;
  for (const e of equity) {
    peak = Math.max(peak, e);
    if (peak > 0) worst = Math.max(worst, (peak - e) / peak);
  }
  return worst;
}

/** Checks ordering the schema cannot express; throws ValidationError naming the field. */
export function assertOrdered(file: BacktestResultFile): void {
  for (let i = 1; i < file.equityCurve.length; i++) {
    if (Date.parse(file.equityCurve[i]!.timestamp) <= Date.parse(file.equityCurve[i - 1]!.timestamp)) {
      throw new ValidationError(`invalid result file: equityCurve.${i}.timestamp: must be after the previous point`, `equityCurve.${i}.timestamp`);
    }
  }
  file.trades.forEach((t, i) => {
    if (Date.parse(t.closedAt) < Date.parse(t.openedAt)) {
      throw new ValidationError(`invalid result file: trades.${i}.closedAt: must not be before openedAt`, `trades.${i}.closedAt`);
    }
  });
}

/** Summary metrics of a backtest result file. */
export function computeMetrics(file: BacktestResultFile): BacktestMetrics {
  assertOrdered(file);
  const equity = file.equityCurve.map((p) => p.equity);
  const periodsPerYear = PERIODS_PER_YEAR[file.timeframe];
  const finalEquity = equity[equity.length - 1]!;
  const wins = file.trades.filter((t) => t.profitAbs > 0).length;
  return {
    total_return: finalEquity / file.startingBalance - 1,
    sharpe: sharpeRatio(periodReturns(equity), periodsPerYear),
    periods_per_year: periodsPerYear,
    max_drawdown: maxDrawdown(equity, file.startingBalance),
    win_rate: file.trades.length ? wins / file.trades.length : null,
    trade_count: file.trades.length,
    final_equity: finalEquity,
  };
}
