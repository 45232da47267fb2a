import type { SNSClient } from '@aws-sdk/client-sns';
import type { ServiceEndpointName } from '@tradai/contracts';
import { ScheduledEvent, parseEvent, publishAlert, type HealthItem, type Table } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import { nextHealthState, probeAll, transitionAlert, type Transition, type UrlResolver } from './health.js';

const logger = createLogger('health-check');

export interface Deps {
  readonly health: Table<HealthItem>;
  readonly sns: SNSClient;
  readonly alertsTopicArn: string;
  readonly environment: string;
  readonly services: readonly ServiceEndpointName[];
  readonly resolve: UrlResolver;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}


export interface HealthCheckResult {
  readonly healthy: string[];
  readonly unhealthy: string[];
  readonly transitions: Transition[];
  readonly alerted: boolean;
}

/**
 * Probe every service, alert on status changes, then record the new state. The alert goes out
 * before the write: if SNS fails nothing is recorded, so the next run sees the same transition
 * and alerts again instead of losing it.
 */
export async function run(event: unknown, deps: Deps): Promise<HealthCheckResult> {
  parseEvent(ScheduledEvent, event, 'health-check event');
  const previous = new Map((await deps.health.scan()).map((r) => [r.service, r]));
  const probes = await probeAll(deps.services, deps.resolve, deps.timeoutMs, deps.fetch);
  const { records, transitions } = nextHealthState(previous, probes);
  const alert = transitionAlert(transitions, deps.environment);
  if (alert) {
    const down = transitions.some((t) => t.to === 'unhealthy');
    await publishAlert(deps.sns, deps.alertsTopicArn, {
      type: 'health.transition',
      severity: down ? 'critical' : 'info',
      source: 'health-check',
      subject: alert.subject,
      message: alert.message,
      occurredAt: transitions[0]!.at,
      dedupKey: `health-check:${transitions.map((t) => `${t.service}=${t.to}`).join(',')}:${transitions[0]!.at}`,
      details: { transitions },
    });
    logger.warn('health transitions', { transitions });
  }
  for (const r of records) await deps.health.put(r);
  return {
    healthy: records.filter((r) => r.status === 'healthy').map((r) => r.service),
    unhealthy: records.filter((r) => r.status === 'unhealthy').map((r) => r.service),
    transitions,
    alerted: Boolean(alert),
  };
}
