import { emptyColumns, lowerBound, sliceColumns, TIMEFRAME_MS, type CandleColumns, type CandleField, type SeriesKey, type TimeRange } from '../candles.js';
import type { Blobs } from './blobs.js';
import { checkExchange, checkSeriesKey, OHLCV_ROOT, parsePartitionKey, partitionKey, periodOf, seriesPrefix, type Period } from './layout.js';
import { candlesIn, findGaps, mergeCandles } from './merge.js';
import { decodeCandles, decodeInto, encodeCandles, openCandleFile } from './parquet.js';
import { checkCandles, checkRange } from './validate.js';

/** First and last stored candle open times (epoch ms) and how many candles are stored. */
export interface Coverage {
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

export interface WriteResult {
  /** Candles given to `write` (all of them are now stored). */
  readonly written: number;
  /** Partition files rewritten. */
  readonly partitions: number;
}

/** Candles of many series in Parquet files, one file per series and period (see layout.ts). */
export interface CandleStore {
  /** Candles with open time in `[range.start, range.end)`, ascending; empty columns when none are stored. */
  read(key: SeriesKey, range: TimeRange): Promise<CandleColumns>;
  /**
   * Merge-upserts candles by timestamp: re-writing an overlapping range never duplicates a candle,
   * and the written values replace stored ones with the same timestamp. Input is validated whole
   * before any file changes. Each partition file is replaced atomically; a crash part-way through a
   * multi-period write leaves every file either old or new, never torn.
   */
  write(key: SeriesKey, candles: CandleColumns): Promise<WriteResult>;
  /** Stored extent of a series, or undefined when nothing is stored. */
  coverage(key: SeriesKey): Promise<Coverage | undefined>;
  /** Every stored series (of one exchange, if given), sorted by exchange, symbol, timeframe. */
  list(exchange?: string): Promise<SeriesKey[]>;
  /**
   * Runs of missing candles inside the stored data (between the first and the last stored candle)
   * that overlap `range`, clipped to it. Gaps are reported, never filled; missing data before the
   * first or after the last stored candle is not a gap (see `coverage`).
   */
  gaps(key: SeriesKey, range: TimeRange): Promise<TimeRange[]>;
}

export interface CandleStoreArgs {
  /** Where the files live: `localBlobs(dir)` or `s3Blobs({ s3, bucket, prefix })`. */
  readonly blobs: Blobs;
}

interface Partition {
  readonly blobKey: string;
  readonly period: Period;
}

/** A candle store over any Blobs backend. */
export function createCandleStore({ blobs }: CandleStoreArgs): CandleStore {
  const where = (blobKey: string) => `${blobs.location.replace(/\/?$/, '/')}${blobKey}`;

  async function partitions(key: SeriesKey): Promise<Partition[]> {
    const prefix = seriesPrefix(key);
    const found: Partition[] = [];
    for (const blobKey of await blobs.list(`${prefix}/`)) {
      const parsed = parsePartitionKey(blobKey);
      if (parsed && seriesPrefix(parsed.key) === prefix) found.push({ blobKey, period: parsed.period });
    }
    return found.sort((a, b) => a.period.start - b.period.start);
  }

  async function load(blobKey: string, fields?: readonly CandleField[]): Promise<CandleColumns | undefined> {
    const bytes = await blobs.get(blobKey);
    return bytes && decodeCandles(bytes, where(blobKey), fields);
  }

  /** Stored rows in `range`: one allocation for all the files it touches, then a view of the range. */
  async function readRange(key: SeriesKey, range: TimeRange, fields?: readonly CandleField[]): Promise<CandleColumns> {
    const wanted = (await partitions(key)).filter((p) => p.period.end > range.start && p.period.start < range.end);
    const files = (await Promise.all(wanted.map(async (p) => ({ p, bytes: await blobs.get(p.blobKey) })))).flatMap(({ p, bytes }) =>
      bytes ? [openCandleFile(bytes, where(p.blobKey))] : [],
    );
    const out = emptyColumns(files.reduce((n, f) => n + f.rows, 0));
    let at = 0;
    for (const f of files) {
      await decodeInto(f, out, at, fields);
      at += f.rows;
    }
    return candlesIn(out, range);
  }

  async function coverage(key: SeriesKey): Promise<Coverage | undefined> {
    checkSeriesKey(key);
    const parts = await partitions(key);
    if (parts.length === 0) return undefined;
    const bytes = await Promise.all(parts.map((p) => blobs.get(p.blobKey)));
    let count = 0;
    const nonEmpty: { blobKey: string; bytes: Uint8Array }[] = [];
    bytes.forEach((b, i) => {
      const rows = b ? openCandleFile(b, where(parts[i]!.blobKey)).rows : 0;
      count += rows;
      if (b && rows > 0) nonEmpty.push({ blobKey: parts[i]!.blobKey, bytes: b });
    });
    const head = nonEmpty[0];
    const tail = nonEmpty[nonEmpty.length - 1];
    if (!head || !tail) return undefined;
    const first = await decodeCandles(head.bytes, where(head.blobKey), ['timestamp']);
    const last = tail === head ? first : await decodeCandles(tail.bytes, where(tail.blobKey), ['timestamp']);
    return { first: first.timestamp[0], last: last.timestamp[last.length - 1], count };
  }

  return {
    async read(key, range) {
      checkSeriesKey(key);
      checkRange(range);
      return readRange(key, range);
    },

    async write(key, candles) {
      checkSeriesKey(key);
      checkCandles(candles, key.timeframe);
      const input = sliceColumns(candles, 0, candles.length);
      // Encode every partition before the first put, so a bad stored file or an encoder error
      // aborts the write with nothing changed.
      const files: { blobKey: string; bytes: Uint8Array }[] = [];
      for (let from = 0; from < input.length; ) {
        const period = periodOf(key.timeframe, input.timestamp[from]);
        const to = lowerBound(input.timestamp, period.end);
        const blobKey = partitionKey(key, period);
        const stored = await load(blobKey);
        const merged = stored ? mergeCandles(stored, sliceColumns(input, from, to)) : sliceColumns(input, from, to);
        files.push({ blobKey, bytes: encodeCandles(merged) });
        from = to;
      }
      for (const f of files) await blobs.put(f.blobKey, f.bytes);
      return { written: input.length, partitions: files.length };
    },

    coverage,

    async list(exchange) {
      if (exchange !== undefined) checkExchange(exchange);
      const prefix = exchange === undefined ? `${OHLCV_ROOT}/` : `${OHLCV_ROOT}/exchange=${exchange}/`;
      const seen = new Map<string, SeriesKey>();
      for (const blobKey of await blobs.list(prefix)) {
        const parsed = parsePartitionKey(blobKey);
        if (parsed) seen.set(seriesPrefix(parsed.key), parsed.key);
      }
      return [...seen.values()].sort(
        (a, b) => a.exchange.localeCompare(b.exchange) || a.symbol.localeCompare(b.symbol) || TIMEFRAME_MS[a.timeframe] - TIMEFRAME_MS[b.timeframe],
      );
    },

    async gaps(key, range) {
      checkSeriesKey(key);
      checkRange(range);
      const cov = await coverage(key);
      if (!cov) return [];
      const step = TIMEFRAME_MS[key.timeframe];
      const from = Math.max(Math.ceil(range.start / step) * step, cov.first);
      const to = Math.min(range.end, cov.last + step);
      if (from >= to) return [];
      const stored = await readRange(key, { start: from, end: to }, ['timestamp']);
      return findGaps(stored.timestamp.subarray(0, stored.length), step, from, to);
    },
  };
}
