import { TIMEFRAME_MS, type Timeframe } from '@tradai/market-data';

/** Largest page of candles one OHLCV request returns. */
export const MAX_OHLCV_LIMIT = 5_000;
export const DEFAULT_OHLCV_LIMIT = 1_000;

/**
 * The time window one page reads: `[start, min(end, start + limit candles))`. Without gaps it holds
 * exactly `limit` candles; with gaps fewer, never more. `next` is where the following page starts,
 * absent when the window reaches `end` or passes the last stored candle (pure).
 */
export function pageWindow(
  timeframe: Timeframe,
  start: number,
  end: number,
  limit: number,
  lastStored: number,
): { start: number; end: number; next?: number } {
  const step = TIMEFRAME_MS[timeframe];
  // Align to the candle grid so a page boundary never splits a candle.
  const from = Math.ceil(start / step) * step;
  const to = Math.min(end, from + limit * step);
  return to < end && to <= lastStored ? { start: from, end: to, next: to } : { start: from, end: to };
}
