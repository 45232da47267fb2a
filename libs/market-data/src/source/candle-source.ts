import { emptyColumns, TIMEFRAME_MS, type CandleColumns, type Timeframe, type TimeRange } from '../candles.js';

/**
 * Where candles come from: one exchange, any of its symbols. The store and the sync depend on this
 * interface only; `createCcxtSource` implements it over ccxt, tests may implement it in memory.
 */
export interface CandleSource {
  /** ccxt exchange id, e.g. `binance`; matches `SeriesKey.exchange`. */
  readonly exchange: string;
  /**
   * Closed candles of `symbol` whose open time is in `range`, ascending, one per timestamp. The
   * candle still open at the source's `now` is never returned (it would change after storing).
   */
  fetchCandles(symbol: string, timeframe: Timeframe, range: TimeRange, signal?: AbortSignal): Promise<FetchedCandles>;
  /** Frees sockets and timers; the source is unusable afterwards. */
  close?(): Promise<void>;
}

/** Candles plus how many exchange requests they took (retries included), for reports and benches. */
export type FetchedCandles = CandleColumns & { readonly requests?: number };

/** Why a fetch failed. Only `unavailable` (rate limit, 5xx, timeout, network) was retried. */
export type CandleSourceFailure = 'unknown-symbol' | 'unknown-timeframe' | 'malformed' | 'rejected' | 'unavailable' | 'aborted';

/** A fetch failed; the message names the exchange, symbol, timeframe and reason. */
export class CandleSourceError extends Error {
  override readonly name = 'CandleSourceError';
  constructor(
    message: string,
    readonly exchange: string,
    readonly symbol: string,
    readonly timeframe: string,
    readonly reason: CandleSourceFailure,
    options?: { cause?: unknown },
  ) {
    super(`${exchange} ${symbol} ${timeframe}: ${message}`, options);
  }
}

/** A row as ccxt returns it: `[timestamp, open, high, low, close, volume]`, entries possibly missing. */
export type OhlcvRow = readonly unknown[];

const FIELDS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Checks rows from the exchange and keeps those with open time in `[start, end)`. Throws (with the
 * row) on a missing or non-numeric field, an open time off the timeframe grid, high < low or a
 * negative volume: such data must never reach the store.
 */
export function checkRows(rows: readonly OhlcvRow[], timeframe: Timeframe, start: number, end: number): { kept: number[][]; problem?: string } {
  const step = TIMEFRAME_MS[timeframe];
  const kept: number[][] = [];
  for (const row of rows) {
    const problem = rowProblem(row, step);
    if (problem) return { kept, problem: `malformed candle row ${JSON.stringify(row)}: ${problem}` };
    const r = row as number[];
    if (r[0]! >= start && r[0]! < end) kept.push(r.slice(0, 6));
  }
  return { kept };
}

function rowProblem(row: OhlcvRow, step: number): string | undefined {
  if (!Array.isArray(row) || row.length < 6) return 'expected [timestamp, open, high, low, close, volume]';
  for (let i = 0; i < FIELDS.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${FIELDS[i]} is not a number`;
  }
  const [t, , high, low, , volume] = row as number[];
  if (!Number.isSafeInteger(t) || t! % step !== 0) return `timestamp ${t} is not aligned to the ${step} ms timeframe`;
  if (high! < low!) return 'high is below low';
  if (volume! < 0) return 'volume is negative';
  return undefined;
}

/** Rows (already checked) to columns, sorted ascending; a repeated timestamp keeps the last row seen. */
export function rowsToColumns(rows: readonly (readonly number[])[]): CandleColumns {
  const byTime = new Map<number, readonly number[]>();
  for (const r of rows) byTime.set(r[0]!, r);
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const c = emptyColumns(times.length);
  times.forEach((t, i) => {
    const r = byTime.get(t)!;
    c.timestamp[i] = t;
    c.open[i] = r[1]!;
    c.high[i] = r[2]!;
    c.low[i] = r[3]!;
    c.close[i] = r[4]!;
    c.volume[i] = r[5]!;
  });
  return c;
}

/** The open time after which candles are still open at `now`: only candles opening before it are closed. */
export function closedBefore(timeframe: Timeframe, now: number): number {
  const step = TIMEFRAME_MS[timeframe];
  return Math.floor(now / step) * step;
}
