import { emptyColumns, type CandleColumns, type SeriesKey } from '../candles.js';
import type { SeriesStore } from './sync.js';

/** A SeriesStore in memory with the candle store's merge-upsert semantics; for tests and dry runs. */
export interface MemorySeriesStore extends SeriesStore {
  /** Everything stored for `key`, ascending. */
  read(key: SeriesKey): CandleColumns;
  /** `write` calls so far. */
  readonly writes: number;
}

export function memorySeriesStore(): MemorySeriesStore {
  const series = new Map<string, Map<number, number[]>>();
  const id = (k: SeriesKey) => `${k.exchange}|${k.symbol}|${k.timeframe}`;
  let writes = 0;
  const read = (key: SeriesKey): CandleColumns => {
    const rows = [...(series.get(id(key))?.values() ?? [])].sort((a, b) => a[0]! - b[0]!);
    const c = emptyColumns(rows.length);
    rows.forEach((r, i) => {
      c.timestamp[i] = r[0]!;
      c.open[i] = r[1]!;
      c.high[i] = r[2]!;
      c.low[i] = r[3]!;
      c.close[i] = r[4]!;
      c.volume[i] = r[5]!;
    });
    return c;
  };
  return {
    get writes() {
      return writes;
    },
    read,
    async coverage(key) {
      const c = read(key);
      return c.length === 0 ? undefined : { first: c.timestamp[0]!, last: c.timestamp[c.length - 1]!, count: c.length };
    },
    async write(key, c) {
      writes++;
      let rows = series.get(id(key));
      if (!rows) series.set(id(key), (rows = new Map()));
      for (let i = 0; i < c.length; i++) rows.set(c.timestamp[i]!, [c.timestamp[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!]);
      return { written: c.length };
    },
  };
}
