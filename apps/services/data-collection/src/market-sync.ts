import { syncMany, type CandleSource, type SeriesStore } from '@tradai/market-data';
import type { SeriesSyncResult, SyncRunner } from './sync.js';

export interface MarketSyncDeps {
  /** The candle store (coverage + merge-upsert write). */
  readonly store: SeriesStore;
  readonly source: CandleSource;
  /** Where a series with nothing stored starts (epoch ms). */
  readonly since: number;
  /** Exclusive end (epoch ms); default: the last closed candle. */
  readonly until?: number;
  readonly now?: () => number;
}

/**
 * The sync behind POST /sync and the CLI: @tradai/market-data's syncMany (incremental from the last
 * stored candle, one failing series does not stop the others), reported per series.
 */
export function marketDataSync(deps: MarketSyncDeps): SyncRunner {
  const now = deps.now ?? Date.now;
  return async (request, signal) => {
    const outcomes = await syncMany({
      store: deps.store,
      source: deps.source,
      symbols: request.symbols,
      timeframes: request.timeframes,
      since: deps.since,
      ...(deps.until !== undefined ? { until: deps.until } : {}),
      now: now(),
      signal,
    });
    return outcomes.map((o): SeriesSyncResult => {
      const base = { symbol: o.key.symbol, timeframe: o.key.timeframe };
      if (!o.ok) return { ...base, status: 'failed', fetched: 0, written: 0, error: o.error };
      const r = o.result;
      return { ...base, status: 'ok', fetched: r.fetched, written: r.written, ...(r.first !== undefined ? { first: r.first } : {}), ...(r.last !== undefined ? { last: r.last } : {}) };
    });
  };
}
