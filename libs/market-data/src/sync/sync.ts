import { ValidationError } from '@tradai/domain';
import { isTimeframe, TIMEFRAME_MS, type CandleColumns, type SeriesKey, type Timeframe, type TimeRange } from '../candles.js';
import { CandleSourceError, closedBefore, type CandleSource, type CandleSourceFailure } from '../source/candle-source.js';

/** What the sync needs of a store (the candle store implements it; tests use `memorySeriesStore`). */
export interface SeriesStore {
  /** Stored extent of a series, or undefined when nothing is stored. */
  coverage(key: SeriesKey): Promise<{ readonly first: number; readonly last: number; readonly count: number } | undefined>;
  /** Merge-upsert by timestamp: a candle already stored is replaced, never duplicated. */
  write(key: SeriesKey, candles: CandleColumns): Promise<unknown>;
}

export interface SyncSeriesArgs {
  readonly store: SeriesStore;
  readonly source: CandleSource;
  readonly key: SeriesKey;
  /** Where to start when nothing is stored; when stored data starts later, the history before it is fetched too. */
  readonly since?: number;
  /** Exclusive end (epoch ms); default: up to the last closed candle at `now`. */
  readonly until?: number;
  /** The clock (epoch ms): the candle open at `now` is never fetched. */
  readonly now: number;
  /** Candles fetched per write (default 10,000): a failure part-way keeps what earlier chunks stored. */
  readonly chunkCandles?: number;
  readonly signal?: AbortSignal;
}

export interface SyncResult {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Candles received from the exchange. */
  readonly fetched: number;
  /** Candles the store did not have before (growth of its count). */
  readonly written: number;
  /** Open time of the first and last candle fetched; undefined when nothing was fetched. */
  readonly first?: number;
  readonly last?: number;
  /** Exchange requests, retries included (when the source reports them). */
  readonly requests?: number;
  readonly durationMs: number;
}

/**
 * Brings one series up to date: fetches from the candle after the last stored one (or from `since`
 * when nothing is stored) to the last closed candle, and merge-upserts it chunk by chunk. Running it
 * twice, or concurrently with an overlapping range, leaves one candle per timestamp.
 */
export async function syncSeries(args: SyncSeriesArgs): Promise<SyncResult> {
  const started = performance.now();
  const { store, source, key, since, until, now } = args;
  checkSyncInput(source, key, { since, until, now });
  const step = TIMEFRAME_MS[key.timeframe];
  const chunk = (args.chunkCandles ?? 10_000) * step;
  if (!(chunk > 0)) throw new ValidationError(`chunkCandles must be positive, got ${args.chunkCandles}`, 'chunkCandles');

  const before = await store.coverage(key);
  const end = Math.min(until ?? Infinity, closedBefore(key.timeframe, now));
  const ranges: TimeRange[] = [];
  if (!before) {
    if (since === undefined) {
      throw new ValidationError(`nothing is stored for ${describe(key)}: give "since" to say where its history starts`, 'since');
    }
    ranges.push({ start: alignUp(since, step), end });
  } else {
    if (since !== undefined && since < before.first) ranges.push({ start: alignUp(since, step), end: Math.min(before.first, end) });
    ranges.push({ start: before.last + step, end });
  }

  let fetched = 0;
  let requests = 0;
  let first: number | undefined;
  let last: number | undefined;
  for (const range of ranges) {
    for (let start = range.start; start < range.end; start += chunk) {
      const candles = await source.fetchCandles(key.symbol, key.timeframe, { start, end: Math.min(range.end, start + chunk) }, args.signal);
      requests += candles.requests ?? 0;
      if (candles.length === 0) continue;
      await store.write(key, candles);
      fetched += candles.length;
      first = Math.min(first ?? Infinity, candles.timestamp[0]!);
      last = Math.max(last ?? -Infinity, candles.timestamp[candles.length - 1]!);
    }
  }
  const after = fetched > 0 ? await store.coverage(key) : before;
  return {
    exchange: key.exchange,
    symbol: key.symbol,
    timeframe: key.timeframe,
    fetched,
    written: (after?.count ?? 0) - (before?.count ?? 0),
    first,
    last,
    requests,
    durationMs: Math.round(performance.now() - started),
  };
}

export interface SyncManyArgs extends Omit<SyncSeriesArgs, 'key'> {
  readonly symbols: readonly string[];
  readonly timeframes: readonly Timeframe[];
  /** Series synced at the same time (default 4); the source's rate limiter still spaces the requests. */
  readonly concurrency?: number;
}

/** The outcome of one series in `syncMany`: its result, or why it failed. */
export type SeriesOutcome =
  | { readonly key: SeriesKey; readonly ok: true; readonly result: SyncResult }
  | { readonly key: SeriesKey; readonly ok: false; readonly error: string; readonly reason?: CandleSourceFailure };

/**
 * Syncs every symbol x timeframe with bounded concurrency. One failing series (unknown symbol,
 * exchange down after the retries) is recorded and does not stop the others; outcomes come back in
 * input order. Invalid arguments throw before any request.
 */
export async function syncMany(args: SyncManyArgs): Promise<SeriesOutcome[]> {
  const { symbols, timeframes, concurrency = 4, ...rest } = args;
  if (symbols.length === 0) throw new ValidationError('symbols must not be empty', 'symbols');
  if (timeframes.length === 0) throw new ValidationError('timeframes must not be empty', 'timeframes');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ValidationError(`concurrency must be a positive integer, got ${concurrency}`, 'concurrency');
  const keys = symbols.flatMap((symbol) => timeframes.map((timeframe): SeriesKey => ({ exchange: rest.source.exchange, symbol, timeframe })));
  for (const key of keys) checkSyncInput(rest.source, key, rest);

  const outcomes: SeriesOutcome[] = new Array(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const i = next++;
      const key = keys[i]!;
      try {
        outcomes[i] = { key, ok: true, result: await syncSeries({ ...rest, key }) };
      } catch (e) {
        if (rest.signal?.aborted) throw e;
        outcomes[i] = {
          key,
          ok: false,
          error: e instanceof Error ? e.message : String(e),
          ...(e instanceof CandleSourceError && { reason: e.reason }),
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return outcomes;
}

function checkSyncInput(source: CandleSource, key: SeriesKey, t: { since?: number; until?: number; now: number }): void {
  if (key.exchange !== source.exchange) {
    throw new ValidationError(`series ${describe(key)} is on "${key.exchange}" but the source is "${source.exchange}"`, 'exchange');
  }
  if (typeof key.symbol !== 'string' || key.symbol === '') throw new ValidationError('symbol must be a non-empty string', 'symbol');
  if (!isTimeframe(key.timeframe)) throw new ValidationError(`unknown timeframe "${String(key.timeframe)}"`, 'timeframe');
  for (const field of ['since', 'until', 'now'] as const) {
    const v = t[field];
    if (v !== undefined && !Number.isSafeInteger(v)) throw new ValidationError(`${field} must be epoch milliseconds, got ${v}`, field);
  }
}

const alignUp = (t: number, step: number) => Math.ceil(t / step) * step;
const describe = (key: SeriesKey) => `${key.exchange} ${key.symbol} ${key.timeframe}`;
