import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { STALE_HEARTBEAT_METRIC } from '@tradai/contracts';
import { ScheduledEvent, parseEvent, type Table, type TradingItem } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import { findStaleBots, staleHeartbeatDatum, type StaleBot } from './heartbeats.js';

const logger = createLogger('heartbeat-monitor');

export interface Deps {
  readonly bots: Table<TradingItem>;
  readonly cloudwatch: CloudWatchClient;
  readonly environment: string;
  readonly staleSeconds: number;
  readonly now: () => number;
}


export interface HeartbeatResult {
  readonly bots: number;
  readonly stale: StaleBot[];
}

/** Scan the bots, count stale heartbeats, publish the count (0 included: silence must mean "monitor down"). */
export async function run(event: unknown, deps: Deps): Promise<HeartbeatResult> {
  parseEvent(ScheduledEvent, event, 'heartbeat-monitor event');
  const nowMs = deps.now();
  const bots = await deps.bots.scan();
  const stale = findStaleBots(bots, nowMs, deps.staleSeconds);
  await deps.cloudwatch.send(new PutMetricDataCommand({ Namespace: STALE_HEARTBEAT_METRIC.namespace, MetricData: [staleHeartbeatDatum(stale.length, deps.environment, new Date(nowMs))] }));
  if (stale.length) logger.warn('stale heartbeats', { stale });
  else logger.info('all heartbeats fresh', { bots: bots.length });
  return { bots: bots.length, stale };
}
