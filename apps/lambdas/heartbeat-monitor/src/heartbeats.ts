import { STALE_HEARTBEAT_METRIC } from '@tradai/contracts';
import type { TradingItem } from '@tradai/domain';

export interface StaleBot {
  readonly botId: string;
  readonly strategy: string;
  /** Seconds since the last heartbeat; null when the row has no parseable heartbeat at all. */
  readonly ageSeconds: number | null;
}

/**
 * Bots (trading_state rows) whose `last_heartbeat_at` is older than `staleSeconds` at `nowMs`.
 * A row without a parseable heartbeat is stale too: silence is what the alarm exists to catch.
 * Bots remove their row when stopped on purpose, so every row is expected to heartbeat.
 */
export function findStaleBots(bots: readonly Pick<TradingItem, 'bot_id' | 'strategy' | 'last_heartbeat_at'>[], nowMs: number, staleSeconds: number): StaleBot[] {
  const stale: StaleBot[] = [];
  for (const bot of bots) {
    const at = typeof bot.last_heartbeat_at === 'string' ? Date.parse(bot.last_heartbeat_at) : Number.NaN;
    if (Number.isNaN(at)) {
      stale.push({ botId: bot.bot_id, strategy: bot.strategy, ageSeconds: null });
      continue;
    }
    const age = Math.floor((nowMs - at) / 1000);
    if (age > staleSeconds) stale.push({ botId: bot.bot_id, strategy: bot.strategy, ageSeconds: age });
  }
  return stale;
}

/** The CloudWatch datapoint the edge stale-heartbeat alarm watches (published every run, 0 included). */
export function staleHeartbeatDatum(staleCount: number, environment: string, at: Date) {
  return {
    MetricName: STALE_HEARTBEAT_METRIC.metricName,
    Dimensions: [{ Name: STALE_HEARTBEAT_METRIC.dimensionName, Value: environment }],
    Value: staleCount,
    Unit: 'Count' as const,
    Timestamp: at,
  };
}
