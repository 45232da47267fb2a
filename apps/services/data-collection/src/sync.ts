import type { DataSyncRequest } from '@tradai/domain';
import type { CandleColumns, SeriesKey, Timeframe, TimeRange } from '@tradai/market-data';
import { createJobQueue, type JobQueue, type JobQueueOptions } from './jobs.js';

/** The body of POST /api/v1/data/sync (the domain's DataSyncRequest, as data-collection-trigger sends it). */
export type SyncRequest = DataSyncRequest;

/** What one series' sync did. */
export interface SeriesSyncResult {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly status: 'ok' | 'failed';
  /** Candles received from the exchange. */
  readonly fetched: number;
  /** Candles the store did not have before. */
  readonly written: number;
  /** Open times (epoch ms) of the first and last candle fetched; absent when nothing was new. */
  readonly first?: number;
  readonly last?: number;
  readonly error?: string;
}

/** Syncs every symbol x timeframe of `request` incrementally; one series failing does not stop the others. */
export type SyncRunner = (request: SyncRequest, signal: AbortSignal) => Promise<SeriesSyncResult[]>;

/** What the routes read of the candle store (createCandleStore from @tradai/market-data has it). */
export interface ReadStore {
  read(key: SeriesKey, range: TimeRange): Promise<CandleColumns>;
  coverage(key: SeriesKey): Promise<{ readonly first: number; readonly last: number; readonly count: number } | undefined>;
}

/** The job queue of POST /sync: a job fails when any of its series failed. */
export function createSyncJobs(runner: SyncRunner, opts?: JobQueueOptions): JobQueue<SyncRequest, SeriesSyncResult[]> {
  return createJobQueue<SyncRequest, SeriesSyncResult[]>(async (request, signal) => {
    const result = await runner(request, signal);
    return { result, failed: result.some((r) => r.status === 'failed') };
  }, opts);
}
