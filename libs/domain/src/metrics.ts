import type { TIMEFRAMES } from './schemas/backtest.js';
import type { BacktestMetrics } from './tables/items.js';

/**
 * Backtest metric maths: one definition shared by the backtest engine (strategy-sdk) and
 * consume-results, so the number a strategy run prints is the number the workflow stores.
 */

const YEAR_MS = 365 * 86_400_000;

/**
 * Candles per year by timeframe. Crypto markets trade 24/7/365, so a year is 365 days of candles
 * (not 252 trading days): 1h -> 8760, 1d -> 365.
 */
export const PERIODS_PER_YEAR: Readonly<Record<(typeof TIMEFRAMES)[number], number>> = {
  '1m': 525_600,
  '5m': 105_120,
  '15m': 35_040,
  '30m': 17_520,
  '1h': 8_760,
  '4h': 2_190,
  '1d': 365,
};

/** Per-candle simple returns of an equity series; stops at a zero equity (no return defined after ruin). */
export function periodReturns(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) {
    const prev = equity[i - 1]!;
    if (prev <= 0) return out.subarray(0, i - 1);
    out[i - 1] = equity[i]! / prev - 1;
  }
  return out;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/**
 * Annualised Sharpe ratio with a zero risk-free rate: mean / sample stdev of per-candle returns,
 * times sqrt(periods per year). Null when there are fewer than two returns or no variance
 * (a flat curve has no meaningful ratio).
 */
export function sharpeRatio(returns: ArrayLike<number>, periodsPerYear: number): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  let ss = 0;
  for (let i = 0; i < returns.length; i++) ss += (returns[i]! - m) ** 2;
  const sd = Math.sqrt(ss / (returns.length - 1));
  if (sd < 1e-12) return null;
  return (m / sd) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised Sortino ratio (target 0): mean return / downside deviation, where the downside
 * deviation is sqrt(mean of min(r, 0)^2) over all returns, times sqrt(periods per year).
 * Null with fewer than two returns or no losing period (no downside to divide by).
 */
export function sortinoRatio(returns: ArrayLike<number>, periodsPerYear: number): number | null {
  if (returns.length < 2) return null;
  let down = 0;
  for (let i = 0; i < returns.length; i++) if (returns[i]! < 0) down += returns[i]! ** 2;
  const dd = Math.sqrt(down / returns.length);
  if (dd < 1e-12) return null;
  return (mean(returns) / dd) * Math.sqrt(periodsPerYear);
}

/** Largest peak-to-trough fall as a positive fraction of the peak; `start` counts as the first peak. */
export function maxDrawdown(equity: ArrayLike<number>, start: number): number {
  let peak = start;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    peak = Math.max(peak, e);
    if (peak > 0) worst = Math.max(worst, (peak - e) / peak);
  }
  return worst;
}

/**
 * Longest time (ms) spent below a previous peak: from the point that set the peak to the last
 * point still under it (an unrecovered drawdown runs to the end of the curve). `start` is the
 * peak at the first point's time. 0 for a curve that never falls.
 */
export function maxDrawdownDuration(timestamps: ArrayLike<number>, equity: ArrayLike<number>, start: number): number {
  if (equity.length === 0) return 0;
  let peak = start;
  let peakAt = timestamps[0]!;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    if (equity[i]! >= peak) {
      peak = equity[i]!;
      peakAt = timestamps[i]!;
    } else {
      worst = Math.max(worst, timestamps[i]! - peakAt);
    }
  }
  return worst;
}

/** Shortest span CAGR is reported for: annualising a few days mostly extrapolates noise. */
export const CAGR_MIN_DAYS = 30;

/**
 * Compound annual growth rate over `periods` candles: (final / start)^(1 / years) - 1; -1 after
 * ruin. Null when the span is under {@link CAGR_MIN_DAYS}, the start is not positive, or the rate
 * is beyond a safe integer (DynamoDB's document client refuses such numbers).
 */
export function cagr(start: number, final: number, periods: number, periodsPerYear: number): number | null {
  if (!(start > 0) || !(periods >= (CAGR_MIN_DAYS / 365) * periodsPerYear)) return null;
  if (final <= 0) return -1;
  const rate = (final / start) ** (periodsPerYear / periods) - 1;
  return Math.abs(rate) <= Number.MAX_SAFE_INTEGER ? rate : null;
}

/** Winning trades (profit > 0) / trades; null without trades. */
export function winRate(profits: readonly number[]): number | null {
  if (profits.length === 0) return null;
  return profits.filter((p) => p > 0).length / profits.length;
}

/**
 * Gross profit / gross loss of the trades. Null when there is no loss to divide by (no trades, or
 * no losing trade): JSON and DynamoDB cannot carry Infinity, and "no losses" is read from win_rate.
 */
export function profitFactor(profits: readonly number[]): number | null {
  let gain = 0;
  let loss = 0;
  for (const p of profits) {
    if (p > 0) gain += p;
    else loss -= p;
  }
  return loss > 0 ? gain / loss : null;
}

/**
 * Fraction of the span `[spanStart, spanEnd)` during which at least one trade was open (trades
 * are `[openedAt, closedAt)` intervals, overlaps counted once). 0 for an empty span.
 */
export function exposure(trades: readonly { readonly openedAt: number; readonly closedAt: number }[], spanStart: number, spanEnd: number): number {
  if (!(spanEnd > spanStart)) return 0;
  const spans = trades
    .map((t) => [Math.max(t.openedAt, spanStart), Math.min(t.closedAt, spanEnd)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [a, b] of spans) {
    if (a > curEnd) {
      if (curEnd > curStart) covered += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else curEnd = Math.max(curEnd, b);
  }
  if (curEnd > curStart) covered += curEnd - curStart;
  return covered / (spanEnd - spanStart);
}

/** What the metrics are computed from: an equity curve (one point per candle, open times in ms) and closed trades. */
export interface MetricsInput {
  readonly timeframe: (typeof TIMEFRAMES)[number];
  readonly startingBalance: number;
  readonly timestamps: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  /** Closed trades; times in epoch ms. */
  readonly trades: readonly { readonly profitAbs: number; readonly openedAt: number; readonly closedAt: number }[];
}

/**
 * Summary metrics of a backtest. The curve covers `equity.length` candles, i.e. from the first
 * point's time to one candle after the last point (each point is marked at its candle's close).
 */
export function computeBacktestMetrics(input: MetricsInput): BacktestMetrics {
  const { equity, timestamps, startingBalance } = input;
  const periodsPerYear = PERIODS_PER_YEAR[input.timeframe];
  const candleMs = YEAR_MS / periodsPerYear;
  const n = equity.length;
  const finalEquity = n > 0 ? equity[n - 1]! : startingBalance;
  const { sharpe, sortino } = returnRatios(equity, periodsPerYear);
  const profits = input.trades.map((t) => t.profitAbs);
  const spanStart = n > 0 ? timestamps[0]! : 0;
  const spanEnd = n > 0 ? timestamps[n - 1]! + candleMs : 0;
  return {
    total_return: finalEquity / startingBalance - 1,
    sharpe,
    periods_per_year: periodsPerYear,
    max_drawdown: maxDrawdown(equity, startingBalance),
    win_rate: winRate(profits),
    trade_count: profits.length,
    final_equity: finalEquity,
    cagr: cagr(startingBalance, finalEquity, n, periodsPerYear),
    sortino,
    max_drawdown_duration_ms: maxDrawdownDuration(timestamps, equity, startingBalance),
    profit_factor: profitFactor(profits),
    exposure: exposure(input.trades, spanStart, spanEnd),
  };
}

/**
 * `sharpeRatio` and `sortinoRatio` of `periodReturns(equity)` without materialising the returns
 * (a year of 1m candles is 525,600 of them): the same sums in the same order, so the same numbers.
 */
function returnRatios(equity: ArrayLike<number>, periodsPerYear: number): { sharpe: number | null; sortino: number | null } {
  let n = 0;
  let sum = 0;
  for (let i = 1; i < equity.length && equity[i - 1]! > 0; i++, n++) sum += equity[i]! / equity[i - 1]! - 1;
  if (n < 2) return { sharpe: null, sortino: null };
  const m = sum / n;
  let ss = 0;
  let down = 0;
  for (let i = 1; i <= n; i++) {
    const r = equity[i]! / equity[i - 1]! - 1;
    ss += (r - m) ** 2;
    if (r < 0) down += r ** 2;
  }
  const sd = Math.sqrt(ss / (n - 1));
  const dd = Math.sqrt(down / n);
  const annual = Math.sqrt(periodsPerYear);
  return { sharpe: sd < 1e-12 ? null : (m / sd) * annual, sortino: dd < 1e-12 ? null : (m / dd) * annual };
}
