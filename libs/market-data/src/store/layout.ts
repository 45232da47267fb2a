import { ValidationError } from '@tradai/domain';
import { isTimeframe, TIMEFRAME_MS, type SeriesKey, type Timeframe } from '../candles.js';

/** Root prefix of every candle file in a bucket or folder. */
export const OHLCV_ROOT = 'ohlcv';
export const PART_FILE = 'part.parquet';

/**
 * One partition file per period. Minute candles by month (1m: 44,640 rows, ~0.8 MB), the rest by
 * year (15m: 35,136 rows), so no file grows past ~50k rows and a range read fetches few files.
 */
export type PeriodKind = 'month' | 'year';
export const PERIOD_OF: Readonly<Record<Timeframe, PeriodKind>> = {
  '1m': 'month',
  '5m': 'month',
  '15m': 'year',
  '30m': 'year',
  '1h': 'year',
  '4h': 'year',
  '1d': 'year',
};

/** One partition: `[start, end)` in epoch ms and its path segment, e.g. `year=2024/month=03`. */
export interface Period {
  readonly start: number;
  readonly end: number;
  readonly segment: string;
}

/** The period that holds the candle opening at `t`. */
export function periodOf(timeframe: Timeframe, t: number): Period {
  const d = new Date(t);
  const year = d.getUTCFullYear();
  if (PERIOD_OF[timeframe] === 'year') {
    return { start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1), segment: `year=${year}` };
  }
  const month = d.getUTCMonth();
  return {
    start: Date.UTC(year, month, 1),
    end: Date.UTC(year, month + 1, 1),
    segment: `year=${year}/month=${String(month + 1).padStart(2, '0')}`,
  };
}

/** Periods overlapping `[start, end)`, ascending. */
export function periodsIn(timeframe: Timeframe, start: number, end: number): Period[] {
  const out: Period[] = [];
  for (let t = start; t < end; ) {
    const p = periodOf(timeframe, t);
    out.push(p);
    t = p.end;
  }
  return out;
}

/**
 * Symbols become one path segment: `/` -> `-` (so `BTC/USDT` reads as `BTC-USDT`), and any other
 * character outside `[A-Za-z0-9._]` is percent-encoded (`-` itself as `%2D`), so the mapping is
 * reversible and pyarrow's default `segment_encoding="uri"` decodes it.
 */
export function encodeSymbol(symbol: string): string {
  return symbol
    .split('/')
    .map((part) => part.replace(/[^A-Za-z0-9._]/g, (ch) => [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
    .join('-');
}

export function decodeSymbol(segment: string): string {
  return segment
    .split('-')
    .map((part) => decodeURIComponent(part))
    .join('/');
}

/** Folder of one series, e.g. `ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h`. */
export function seriesPrefix(key: SeriesKey): string {
  return `${OHLCV_ROOT}/exchange=${key.exchange}/symbol=${encodeSymbol(key.symbol)}/timeframe=${key.timeframe}`;
}

/** Blob key of one partition file. */
export function partitionKey(key: SeriesKey, period: Period): string {
  return `${seriesPrefix(key)}/${period.segment}/${PART_FILE}`;
}

const PART_PATTERN = new RegExp(
  `^${OHLCV_ROOT}/exchange=([^/]+)/symbol=([^/]+)/timeframe=([^/]+)/year=(\\d{4})(?:/month=(\\d{2}))?/${PART_FILE.replace('.', '\\.')}$`,
);

/** Parses a partition file key back to its series and period; anything else (temp files, strangers) is undefined. */
export function parsePartitionKey(blobKey: string): { key: SeriesKey; period: Period } | undefined {
  const m = PART_PATTERN.exec(blobKey);
  if (!m) return undefined;
  const [, exchange, symbol, timeframe, year, month] = m;
  if (!exchange || !symbol || !isTimeframe(timeframe)) return undefined;
  const expectMonth = PERIOD_OF[timeframe] === 'month';
  if (expectMonth !== (month !== undefined)) return undefined;
  let decoded: string;
  try {
    decoded = decodeSymbol(symbol);
  } catch {
    return undefined;
  }
  const period = periodOf(timeframe, Date.UTC(Number(year), month === undefined ? 0 : Number(month) - 1, 1));
  return { key: { exchange, symbol: decoded, timeframe }, period };
}

/** Checks a series key before it becomes a path: names the field at fault. */
export function checkSeriesKey(key: SeriesKey): void {
  if (!isTimeframe(key.timeframe)) {
    throw new ValidationError(`unknown timeframe "${String(key.timeframe)}" (expected one of ${Object.keys(TIMEFRAME_MS).join(', ')})`, 'timeframe');
  }
  checkExchange(key.exchange);
  if (typeof key.symbol !== 'string' || key.symbol.length === 0 || key.symbol.length > 100) {
    throw new ValidationError(`symbol must be a non-empty string of at most 100 characters`, 'symbol');
  }
}

/** Exchange ids become a path segment: lower-case ccxt ids only. */
export function checkExchange(exchange: string): void {
  if (typeof exchange !== 'string' || !/^[a-z0-9][a-z0-9_.]*$/.test(exchange)) {
    throw new ValidationError(`exchange "${String(exchange)}" must be a lower-case ccxt id ([a-z0-9_.])`, 'exchange');
  }
}
