import { emptyColumns, type CandleColumns, type SeriesKey, type TimeRange } from '@tradai/market-data';
import type { CandleReader } from './candles.js';

/** One hour, the step of the `1h` candles below. */
export const H = 3_600_000;

/** Hourly candles at `from`, `from + H`, ... for `count` candles (close = 100 + row, so prices are valid). */
export function hourly(from: number, count: number): CandleColumns {
  const c = emptyColumns(count);
  for (let i = 0; i < count; i++) {
    c.timestamp[i] = from + i * H;
    c.open[i] = c.high[i] = c.low[i] = c.close[i] = 100 + i;
    c.volume[i] = 1;
  }
  return c;
}

export interface MemoryReader extends CandleReader {
  /** Every read, in order: the key and the range asked for. */
  readonly reads: { key: SeriesKey; range: TimeRange }[];
}

/**
 * An in-memory candle store: one series per symbol, read like the real store (rows in
 * `[start, end)`). `onRead` runs before each read returns (to stop a run mid-way).
 */
export function memoryReader(series: Record<string, CandleColumns>, onRead?: () => void | Promise<void>): MemoryReader {
  const reads: { key: SeriesKey; range: TimeRange }[] = [];
  return {
    reads,
    async read(key, range) {
      reads.push({ key, range });
      await onRead?.();
      const c = series[key.symbol] ?? emptyColumns(0);
      const rows: number[] = [];
      c.timestamp.forEach((t, i) => {
        if (t >= range.start && t < range.end) rows.push(i);
      });
      const out = emptyColumns(rows.length);
      rows.forEach((r, i) => {
        for (const f of ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const) out[f][i] = c[f][r]!;
      });
      return out;
    },
  };
}
