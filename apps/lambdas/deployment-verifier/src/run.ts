import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SNSClient } from '@aws-sdk/client-sns';
import { NotFoundError, parseEvent, publishAlert, strategyName, type DeploymentItem, type HealthItem, type RollbackItem, type Table, type TradingItem } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import * as z from 'zod/mini';
import { TRADING_SERVICE, verifyDeployment, type Verdict, type VerifySettings } from './verify.js';

const logger = createLogger('deployment-verifier');

/** Invocation payload (after promote-model / a deploy; re-invoked until the verdict is final). */
export const VerifyEvent = z.object({
  strategy: strategyName,
  deploymentId: z.string().check(z.minLength(1)),
});

export interface Deps {
  readonly deployments: Table<DeploymentItem>;
  readonly health: Table<HealthItem>;
  readonly trading: Table<TradingItem>;
  readonly rollbacks: Table<RollbackItem>;
  readonly lambda: LambdaClient;
  readonly rollbackFunctionName: string;
  readonly sns: SNSClient;
  readonly alertsTopicArn: string;
  readonly environment: string;
  readonly settings: VerifySettings;
  readonly now: () => Date;
}

export interface VerifyResult {
  readonly strategy: string;
  readonly deploymentId: string;
  readonly verdict: Verdict;
  /** What happened about a regression: rollback invoked now, or already requested earlier. */
  readonly rollback?: 'invoked' | 'already-requested';
  /** Set when this call moved the deployment from `verifying` to `verified`. */
  readonly marked?: 'verified';
}

/** The rollback function's answer; a function error (or transport failure) is thrown naming it. */
async function invokeRollback(deps: Deps, payload: Record<string, unknown>): Promise<unknown> {
  const res = await deps.lambda.send(new InvokeCommand({ FunctionName: deps.rollbackFunctionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  const text = res.Payload ? new TextDecoder().decode(res.Payload) : '';
  if (res.FunctionError) throw new Error(`rollback function ${deps.rollbackFunctionName} failed (${res.FunctionError}): ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * Verifies one deployment. On regression it claims the request on the deployment, records a
 * REQUESTED rollback and invokes the rollback function synchronously (which completes that
 * record); a second verification of the same deployment, concurrent or later, does not roll back twice.
 */
export async function run(event: unknown, deps: Deps): Promise<VerifyResult> {
  const e = parseEvent(VerifyEvent, event, 'deployment-verifier event');
  const [deployment] = await deps.deployments.query(e.deploymentId, { index: 'deployment_id-index', limit: 1 });
  if (!deployment || deployment.strategy !== e.strategy) throw new NotFoundError(`deployment ${e.deploymentId} of strategy ${e.strategy} not found`);
  const [health, bots] = await Promise.all([deps.health.get({ service: TRADING_SERVICE }), deps.trading.query(e.strategy, { index: 'strategy-index' })]);
  const nowDate = deps.now();
  const verdict = verifyDeployment(deployment, health, bots, deps.settings, nowDate.getTime());
  const base = { strategy: e.strategy, deploymentId: e.deploymentId, verdict };
  const subject = (s: string) => `[tradai-${deps.environment}] ${s}`.slice(0, 100);

  if (verdict.kind === 'inconclusive') {
    await publishAlert(deps.sns, deps.alertsTopicArn, { type: 'deployment.verification', severity: 'warning', source: 'deployment-verifier', subject: subject(`${e.strategy}: deployment not verified`), message: verdict.reason, occurredAt: nowDate.toISOString(), dedupKey: `verify:${e.deploymentId}:inconclusive` });
  }
  if (verdict.kind === 'verified' && deployment.status === 'verifying') {
    // Conditional on `verifying`: a duplicate call, or a rollback that got there first, changes nothing.
    const marked = await deps.deployments.update({ strategy: deployment.strategy, deployed_at: deployment.deployed_at }, { status: 'verified', verified_at: nowDate.toISOString() }, { status: 'verifying' });
    logger.info('verification', { ...base, marked: Boolean(marked) });
    return marked ? { ...base, marked: 'verified' } : base;
  }
  if (verdict.kind !== 'regressed') {
    logger.info('verification', { ...base });
    return base;
  }

  const earlier = (await deps.rollbacks.query(e.strategy, { newestFirst: true, limit: 50 })).find((r) => r.from_deployment_id === e.deploymentId && r.status !== 'FAILED');
  if (earlier) return { ...base, rollback: 'already-requested' };

  const reason = `deployment ${e.deploymentId} regressed: ${verdict.reasons.join('; ')}`;
  const record: RollbackItem = { strategy: e.strategy, requested_at: nowDate.toISOString(), reason, requested_by: 'deployment-verifier', from_deployment_id: e.deploymentId, status: 'REQUESTED' };
  // Claim the request on the deployment, conditional on the value read with it (absent, or the
  // request that FAILED): a second verifier that also saw no live request asks for nothing, rather
  // than invoking a rollback that loses and reporting it FAILED with a critical alert.
  const claimed = await deps.deployments.update(
    { strategy: deployment.strategy, deployed_at: deployment.deployed_at },
    { rollback_requested_at: record.requested_at },
    { rollback_requested_at: deployment.rollback_requested_at },
  );
  if (!claimed) {
    logger.info('rollback requested concurrently', { ...base });
    return { ...base, rollback: 'already-requested' };
  }
  await deps.rollbacks.put(record);
  try {
    await invokeRollback(deps, { strategy: e.strategy, reason, requestedBy: 'deployment-verifier', deploymentId: e.deploymentId, requestedAt: record.requested_at });
  } catch (err) {
    const message = (err as Error).message;
    await deps.rollbacks.update({ strategy: e.strategy, requested_at: record.requested_at }, { status: 'FAILED', error: message });
    await publishAlert(deps.sns, deps.alertsTopicArn, { type: 'deployment.verification', severity: 'critical', source: 'deployment-verifier', subject: subject(`${e.strategy}: regression, rollback FAILED`), message: `${reason}\nrollback failed: ${message}`, occurredAt: nowDate.toISOString() });
    throw err;
  }
  logger.warn('regression: rollback invoked', { ...base });
  return { ...base, rollback: 'invoked' };
}
