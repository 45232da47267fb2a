import type { CandleColumns } from '@tradai/market-data';
import { rsi, sma } from '@tradai/strategy-sdk';

/** Model features, in column order (also the `dist.<feature>.<i>` names drift-monitor compares). */
export const FEATURES = ['ret_1', 'ret_5', 'rsi_14', 'ma_dist_20', 'volatility_20', 'range'] as const;

/** Candles before the first row whose features are all defined. */
export const FEATURE_WARMUP = 21;

/**
 * One row per candle, one column per {@link FEATURES} entry; row i uses candles 0..i only (NaN
 * during warm-up). All features are scale-free (returns, ratios), so one model fits any price level.
 */
export function featureRows(c: CandleColumns): Float64Array[] {
  const close = c.close;
  const r14 = rsi(close, 14);
  const ma20 = sma(close, 20);
  const ret1 = new Float64Array(c.length).fill(NaN);
  for (let i = 1; i < c.length; i++) ret1[i] = close[i]! / close[i - 1]! - 1;
  const rows: Float64Array[] = new Array(c.length);
  // Rolling standard deviation of 1-candle returns over 20 candles (sums over the window).
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < c.length; i++) {
    const r = ret1[i]!;
    if (i >= 1) {
      sum += r;
      sumSq += r * r;
    }
    if (i >= 21) {
      const old = ret1[i - 20]!;
      sum -= old;
      sumSq -= old * old;
    }
    const vol = i >= 20 ? Math.sqrt(Math.max(0, sumSq / 20 - (sum / 20) ** 2)) : NaN;
    rows[i] = Float64Array.of(r, i >= 5 ? close[i]! / close[i - 5]! - 1 : NaN, r14[i]! / 100, close[i]! / ma20[i]! - 1, vol, (c.high[i]! - c.low[i]!) / close[i]!);
  }
  return rows;
}

/** Whether every feature of a row is defined. */
export const complete = (row: Float64Array): boolean => row.every(Number.isFinite);
