import { TIMEFRAMES } from '@tradai/domain';

export type Timeframe = (typeof TIMEFRAMES)[number];

/** Milliseconds per candle of each timeframe (the platform's timeframes, from the request schema). */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};

/**
 * Candles as typed columns, in ascending timestamp order with one row per timestamp: what the
 * store reads and writes, what the exchange source returns, and what the backtest and trading
 * engines consume. `timestamp` is the candle's open time in epoch milliseconds (UTC).
 */
export interface CandleColumns {
  readonly length: number;
  readonly timestamp: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** One stored series: candles of one symbol and timeframe from one exchange. */
export interface SeriesKey {
  /** ccxt exchange id, e.g. `binance`. */
  readonly exchange: string;
  /** Unified ccxt symbol, e.g. `BTC/USDT`. */
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

/** Half-open time range `[start, end)` in epoch milliseconds. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** Whether `value` is one of the platform's timeframes. */
export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && Object.hasOwn(TIMEFRAME_MS, value);
}

/** Zero-filled columns of `length` rows. */
export function emptyColumns(length: number): CandleColumns {
  return {
    length,
    timestamp: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** The columns of a CandleColumns, in file order. */
export const CANDLE_FIELDS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CandleField = (typeof CANDLE_FIELDS)[number];

/** Rows `[from, to)` of `c` as views over the same memory (no copy). */
export function sliceColumns(c: CandleColumns, from: number, to: number): CandleColumns {
  return {
    length: Math.max(0, to - from),
    timestamp: c.timestamp.subarray(from, to),
    open: c.open.subarray(from, to),
    high: c.high.subarray(from, to),
    low: c.low.subarray(from, to),
    close: c.close.subarray(from, to),
    volume: c.volume.subarray(from, to),
  };
}

/** Index of the first row whose timestamp is >= `t` (binary search on ascending timestamps). */
export function lowerBound(timestamps: Float64Array, t: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timestamps[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
