import type { SNSClient } from '@aws-sdk/client-sns';
import { CHAMPION_ALIAS, ConflictError, NotFoundError, isoTimestamp, parseEvent, publishAlert, strategyName, type ConfigVersionItem, type DeploymentItem, type MlflowClient, type RollbackItem, type Table } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import * as z from 'zod/mini';
import { NoPreviousDeploymentError, StaleRollbackError, planRollback, rollbackWrites, type RollbackRequest } from './rollback.js';

const logger = createLogger('rollback');

/** Invocation payload (API, alarms, deployment-verifier). */
export const RollbackEvent = z.object({
  strategy: strategyName,
  reason: z.string().check(z.minLength(1), z.maxLength(1000)),
  requestedBy: z._default(z.string().check(z.minLength(1)), 'manual'),
  /** The deployment believed bad; when given it must still be current (or already rolled back: no-op). */
  deploymentId: z.optional(z.string().check(z.minLength(1))),
  /** Key of a rollback_state record the caller already wrote (deployment-verifier); also makes a retry a no-op. */
  requestedAt: z.optional(isoTimestamp),
});

export interface Deps {
  readonly deployments: Table<DeploymentItem>;
  readonly configVersions: Table<ConfigVersionItem>;
  readonly rollbacks: Table<RollbackItem>;
  readonly sns: SNSClient;
  /** Moves the champion alias back to the restored model (compare-models judges candidates against it). */
  readonly mlflow: Pick<MlflowClient, 'setAlias'>;
  readonly alertsTopicArn: string;
  readonly environment: string;
  readonly now: () => Date;
}

export type RollbackResult =
  | {
      readonly status: 'COMPLETED';
      readonly strategy: string;
      readonly fromDeploymentId: string;
      readonly toDeploymentId: string;
      readonly configVersion: number;
      readonly restoredConfigVersion: number;
      readonly alerted: boolean;
      /** The champion alias: moved to the restored model, left (no model in the restored config), or failed to move. */
      readonly champion: 'restored' | 'unchanged' | 'failed';
    }
  | { readonly status: 'ALREADY_DONE'; readonly strategy: string; readonly currentDeploymentId: string };

async function alert(deps: Deps, severity: 'warning' | 'critical', subject: string, message: string, details: Record<string, unknown>): Promise<boolean> {
  try {
    await publishAlert(deps.sns, deps.alertsTopicArn, { type: 'deployment.rollback', severity, source: 'rollback', subject: `[tradai-${deps.environment}] ${subject}`.slice(0, 100), message, occurredAt: deps.now().toISOString(), details });
    return true;
  } catch (err) {
    // The rollback state is what matters; throwing now would make an async retry roll back a second time.
    logger.error('alert not published', { error: err as Error });
    return false;
  }
}

/**
 * Restores the previous deployment: the abandoned deployment claimed (marked rolled_back,
 * conditionally), a new config version with the old content (restored_from), a new deployment on
 * it, a COMPLETED rollback record and an alert. A rollback that loses the claim to a concurrent one
 * answers ALREADY_DONE. Refusals (nothing to restore, stale request) are recorded as FAILED and thrown.
 */
export async function run(event: unknown, deps: Deps): Promise<RollbackResult> {
  const e = parseEvent(RollbackEvent, event, 'rollback request');
  const request: RollbackRequest = { strategy: e.strategy, reason: e.reason, requestedBy: e.requestedBy, ...(e.deploymentId ? { deploymentId: e.deploymentId } : {}) };
  const requestedAt = e.requestedAt ?? deps.now().toISOString();

  if (e.requestedAt) {
    const prior = await deps.rollbacks.get({ strategy: e.strategy, requested_at: e.requestedAt });
    if (prior?.status === 'COMPLETED') return { status: 'ALREADY_DONE', strategy: e.strategy, currentDeploymentId: prior.to_deployment_id ?? 'unknown' };
  }

  const refuse = async (err: Error): Promise<never> => {
    await deps.rollbacks.put({ strategy: e.strategy, requested_at: requestedAt, reason: e.reason, requested_by: e.requestedBy, ...(e.deploymentId ? { from_deployment_id: e.deploymentId } : {}), status: 'FAILED', error: err.message });
    await alert(deps, 'critical', `rollback of ${e.strategy} refused`, err.message, { strategy: e.strategy, reason: e.reason });
    throw err;
  };

  let plan;
  try {
    plan = planRollback(request, await deps.deployments.query(e.strategy));
  } catch (err) {
    if (err instanceof NoPreviousDeploymentError || err instanceof StaleRollbackError) return refuse(err);
    throw err;
  }
  if (plan.kind === 'already-done') {
    logger.info('already rolled back', { strategy: e.strategy, deploymentId: e.deploymentId });
    return { status: 'ALREADY_DONE', strategy: e.strategy, currentDeploymentId: plan.current.deployment_id };
  }

  const restored = await deps.configVersions.get({ strategy: e.strategy, version: plan.to.config_version });
  if (!restored) return refuse(new NotFoundError(`config version ${plan.to.config_version} of ${e.strategy} (used by deployment ${plan.to.deployment_id}) does not exist`));

  // Claim the abandoned deployment before writing anything: of two rollbacks that planned from the
  // same history, only one moves it off the status both read, so only one restores. (A retry after
  // a crash past this point reads it rolled_back and claims it again.)
  const fromKey = { strategy: plan.from.strategy, deployed_at: plan.from.deployed_at };
  if (!(await deps.deployments.update(fromKey, { status: 'rolled_back' }, { status: plan.from.status }))) {
    const [current] = await deps.deployments.query(e.strategy, { newestFirst: true, limit: 1 });
    logger.info('rolled back concurrently', { strategy: e.strategy, deploymentId: plan.from.deployment_id });
    return { status: 'ALREADY_DONE', strategy: e.strategy, currentDeploymentId: current?.deployment_id ?? plan.from.deployment_id };
  }
  const latest = await deps.configVersions.latest(e.strategy);
  const now = deps.now().toISOString();
  const writes = rollbackWrites(plan, restored, latest?.version ?? 0, request, requestedAt, now);

  if (!(await deps.configVersions.putIfAbsent(writes.configVersion))) {
    // Someone appended a config version meanwhile (a registration, a promotion): give the claim
    // back so a retry finds the deployment as it was, and nothing is half-written.
    // (A deployment written without a status keeps rolled_back: a retry claims it from there.)
    if (plan.from.status) await deps.deployments.update(fromKey, { status: plan.from.status }, { status: 'rolled_back' });
    throw new ConflictError(`config version ${writes.configVersion.version} of ${e.strategy} was written concurrently; retry the rollback`);
  }
  await deps.deployments.putIfAbsent(writes.deployment);
  await deps.rollbacks.put(writes.record);

  // After the rollback is recorded: an MLflow outage must not block restoring trading, so a failed
  // alias move is reported (result and alert) rather than thrown.
  let champion: 'restored' | 'unchanged' | 'failed' = 'unchanged';
  let championNote = '';
  if (restored.model_name && restored.model_version) {
    try {
      await deps.mlflow.setAlias(restored.model_name, CHAMPION_ALIAS, restored.model_version);
      champion = 'restored';
      championNote = ` Champion alias of ${restored.model_name} moved back to v${restored.model_version}.`;
    } catch (err) {
      champion = 'failed';
      championNote = ` Champion alias of ${restored.model_name} NOT moved back to v${restored.model_version}: ${(err as Error).message}`;
      logger.error('champion alias not restored', { error: err as Error });
    }
  }

  const alerted = await alert(
    deps,
    champion === 'failed' ? 'critical' : 'warning',
    `${e.strategy} rolled back to ${plan.to.deployment_id}`,
    `${e.strategy}: ${plan.from.deployment_id} -> ${plan.to.deployment_id} (config v${restored.version} restored as v${writes.configVersion.version}). Reason: ${e.reason} (by ${e.requestedBy}).${championNote}`,
    { strategy: e.strategy, from: plan.from.deployment_id, to: plan.to.deployment_id, configVersion: writes.configVersion.version, champion },
  );
  logger.info('rolled back', { strategy: e.strategy, from: plan.from.deployment_id, to: plan.to.deployment_id });
  return {
    status: 'COMPLETED',
    strategy: e.strategy,
    fromDeploymentId: plan.from.deployment_id,
    toDeploymentId: writes.deployment.deployment_id,
    configVersion: writes.configVersion.version,
    restoredConfigVersion: restored.version,
    alerted,
    champion,
  };
}
