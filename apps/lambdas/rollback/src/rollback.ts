import type { ConfigVersionItem, DeploymentItem, RollbackItem } from '@tradai/domain';

/** Nothing to go back to: the strategy has fewer than two usable deployments. */
export class NoPreviousDeploymentError extends Error {
  override readonly name = 'NoPreviousDeploymentError';
}

/** The request names a deployment that is not the current one (and was not already rolled back). */
export class StaleRollbackError extends Error {
  override readonly name = 'StaleRollbackError';
}

export interface RollbackRequest {
  readonly strategy: string;
  readonly reason: string;
  readonly requestedBy: string;
  /** The deployment the caller considers bad; when set, it must be the current one. */
  readonly deploymentId?: string;
}

export type RollbackPlan =
  /** This deployment was already rolled back (duplicate delivery / repeated alarm): do nothing. */
  | { readonly kind: 'already-done'; readonly current: DeploymentItem }
  | {
      readonly kind: 'restore';
      /** The deployment being abandoned (current). */
      readonly from: DeploymentItem;
      /** The deployment being restored. */
      readonly to: DeploymentItem;
    };

/**
 * Decides what to restore. `history` is the strategy's deployments, any order. The current
 * deployment is the newest; the target is the newest older one that was not itself rolled back
 * and differs from the current one (a deployment identical to the current one — same config
 * version and image — would restore nothing).
 */
export function planRollback(request: RollbackRequest, history: readonly DeploymentItem[]): RollbackPlan {
  const sorted = [...history].sort((a, b) => b.deployed_at.localeCompare(a.deployed_at));
  const current = sorted[0];
  if (!current) throw new NoPreviousDeploymentError(`strategy ${request.strategy} has no deployments: nothing to roll back`);
  if (request.deploymentId && request.deploymentId !== current.deployment_id) {
    const named = sorted.find((d) => d.deployment_id === request.deploymentId);
    if (named?.status === 'rolled_back') return { kind: 'already-done', current };
    throw new StaleRollbackError(
      named
        ? `deployment ${request.deploymentId} of ${request.strategy} is no longer current (current: ${current.deployment_id}); refusing to roll back the wrong one`
        : `deployment ${request.deploymentId} does not exist for strategy ${request.strategy}`,
    );
  }
  const to = sorted.slice(1).find((d) => d.status !== 'rolled_back' && (d.config_version !== current.config_version || d.image !== current.image));
  if (!to) throw new NoPreviousDeploymentError(`strategy ${request.strategy} has no previous deployment to restore (current: ${current.deployment_id})`);
  return { kind: 'restore', from: current, to };
}

export interface RollbackWrites {
  readonly configVersion: ConfigVersionItem;
  readonly deployment: DeploymentItem;
  readonly record: RollbackItem;
}

/**
 * The items a rollback writes: a new config version (latest + 1) carrying the restored version's
 * content and pointing at it (`restored_from`), a new deployment on that version, and the
 * COMPLETED rollback record.
 */
export function rollbackWrites(
  plan: Extract<RollbackPlan, { kind: 'restore' }>,
  restoredConfig: ConfigVersionItem,
  latestVersion: number,
  request: RollbackRequest,
  requestedAt: string,
  now: string,
): RollbackWrites {
  const version = latestVersion + 1;
  const deploymentId = `rollback-${plan.from.strategy}-v${version}`;
  const configVersion: ConfigVersionItem = {
    strategy: restoredConfig.strategy,
    version,
    config_key: restoredConfig.config_key,
    image: restoredConfig.image,
    ...(restoredConfig.image_tag ? { image_tag: restoredConfig.image_tag } : {}),
    ...(restoredConfig.model_name ? { model_name: restoredConfig.model_name } : {}),
    ...(restoredConfig.model_version ? { model_version: restoredConfig.model_version } : {}),
    ...(restoredConfig.git_sha ? { git_sha: restoredConfig.git_sha } : {}),
    created_at: now,
    source: 'rollback',
    restored_from: restoredConfig.version,
  };
  const deployment: DeploymentItem = {
    strategy: plan.from.strategy,
    deployed_at: now,
    deployment_id: deploymentId,
    config_version: version,
    ...(plan.to.model_name ? { model_name: plan.to.model_name } : {}),
    ...(plan.to.model_version ? { model_version: plan.to.model_version } : {}),
    image: restoredConfig.image,
    source: 'rollback',
    status: 'active',
    previous_deployment_id: plan.from.deployment_id,
    restored_deployment_id: plan.to.deployment_id,
  };
  const record: RollbackItem = {
    strategy: plan.from.strategy,
    requested_at: requestedAt,
    reason: request.reason,
    requested_by: request.requestedBy,
    from_deployment_id: plan.from.deployment_id,
    to_deployment_id: plan.to.deployment_id,
    to_config_version: version,
    status: 'COMPLETED',
  };
  return { configVersion, deployment, record };
}
