import { emptyColumns, lowerBound, sliceColumns, type CandleColumns, type TimeRange } from '../candles.js';

/**
 * Merge-upsert of two ascending, duplicate-free column sets: one row per timestamp, and where
 * both have a timestamp the `incoming` row wins (a re-fetched candle replaces the stored one).
 */
export function mergeCandles(existing: CandleColumns, incoming: CandleColumns): CandleColumns {
  if (existing.length === 0) return incoming;
  if (incoming.length === 0) return existing;
  const out = emptyColumns(existing.length + incoming.length);
  let i = 0;
  let j = 0;
  let n = 0;
  const take = (from: CandleColumns, k: number) => {
    out.timestamp[n] = from.timestamp[k];
    out.open[n] = from.open[k];
    out.high[n] = from.high[k];
    out.low[n] = from.low[k];
    out.close[n] = from.close[k];
    out.volume[n] = from.volume[k];
    n++;
  };
  while (i < existing.length || j < incoming.length) {
    const a = i < existing.length ? existing.timestamp[i] : Infinity;
    const b = j < incoming.length ? incoming.timestamp[j] : Infinity;
    if (a < b) take(existing, i++);
    else {
      if (a === b) i++;
      take(incoming, j++);
    }
  }
  return sliceColumns(out, 0, n);
}

/** Rows of `c` inside `[start, end)` (views, no copy). */
export function candlesIn(c: CandleColumns, range: TimeRange): CandleColumns {
  return sliceColumns(c, lowerBound(c.timestamp, range.start), lowerBound(c.timestamp, range.end));
}

/**
 * Missing candle runs in ascending `timestamps` (one timeframe `step` apart when complete),
 * limited to `[from, to)`: every run of absent open times between `from` and `to`.
 */
export function findGaps(timestamps: Float64Array, step: number, from: number, to: number): TimeRange[] {
  const gaps: TimeRange[] = [];
  let expected = from;
  for (const t of timestamps) {
    if (t < from) continue;
    if (t >= to) break;
    if (t > expected) gaps.push({ start: expected, end: t });
    expected = t + step;
  }
  if (expected < to) gaps.push({ start: expected, end: to });
  return gaps;
}
