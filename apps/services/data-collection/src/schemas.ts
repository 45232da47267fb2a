import { DataSyncRequest, TIMEFRAMES } from '@tradai/domain';
import * as z from 'zod/mini';
import { MAX_OHLCV_LIMIT } from './ohlcv.js';

export const Timeframe = z.enum(TIMEFRAMES);
const IsoTime = z.string().check(z.refine((s) => isIsoTime(s), 'must be an ISO date (2024-01-01) or date-time (2024-01-01T00:00:00Z)'));
const Ms = z.number().check(z.int());

/** Accepts `2024-01-01`, `2024-01-01T12:00:00Z`, `2024-01-01T12:00:00.000+02:00` (no local-time forms). */
export function isIsoTime(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && Number.isFinite(Date.parse(s));
}

export const SeriesInfo = z.object({
  symbol: z.string(),
  timeframe: Timeframe,
  /** Stored extent, null when nothing is stored yet. */
  stored: z.nullable(z.object({ first: z.string(), last: z.string(), count: Ms })),
});

export const SymbolsResponse = z.object({ exchange: z.string(), series: z.array(SeriesInfo) });

/** Exactly what data-collection-trigger sends: the domain's one schema for it. */
export const SyncBody = DataSyncRequest;

export const SeriesResult = z.object({
  symbol: z.string(),
  timeframe: Timeframe,
  status: z.enum(['ok', 'failed']),
  fetched: Ms,
  written: Ms,
  first: z.optional(z.string()),
  last: z.optional(z.string()),
  error: z.optional(z.string()),
});

export const SyncJob = z.object({
  jobId: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  statusUrl: z.string(),
  request: z.object({ symbols: z.array(z.string()), timeframes: z.array(Timeframe) }),
  createdAt: z.string(),
  startedAt: z.optional(z.string()),
  finishedAt: z.optional(z.string()),
  results: z.optional(z.array(SeriesResult)),
  error: z.optional(z.string()),
});

export const JobParams = z.object({ jobId: z.string().check(z.minLength(1), z.maxLength(64)) });

export const OhlcvParams = z.object({ symbol: z.string().check(z.minLength(3), z.maxLength(41)) });

export const OhlcvQuery = z.object({
  timeframe: Timeframe,
  /** Default: the first stored candle. */
  start: z.optional(IsoTime),
  /** Exclusive; default: now. */
  end: z.optional(IsoTime),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_OHLCV_LIMIT))),
});

export const OhlcvResponse = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timeframe: Timeframe,
  count: Ms,
  /** Columns of equal length; timestamp is the candle open time in epoch ms (UTC). */
  candles: z.object({
    timestamp: z.array(z.number()),
    open: z.array(z.number()),
    high: z.array(z.number()),
    low: z.array(z.number()),
    close: z.array(z.number()),
    volume: z.array(z.number()),
  }),
  /** Start of the next page (pass as `start`), null on the last page. */
  next: z.nullable(z.string()),
});
