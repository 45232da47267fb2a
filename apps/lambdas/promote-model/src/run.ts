import { CHAMPION_ALIAS, ConflictError, NotFoundError, type ConfigVersionItem, type ConfigVersionRepo, type DeploymentItem, type MlflowClient, type PromoteModelInput, type PromoteModelOutput, type RetrainingItem, type Table } from '@tradai/domain';
import { assertPromotable, deploymentIdFor, deploymentRecord, nextConfigVersion } from './promotion.js';

export interface PromoteDeps {
  readonly mlflow: MlflowClient;
  readonly retraining: Table<RetrainingItem>;
  readonly deployments: Table<DeploymentItem>;
  readonly configVersions: ConfigVersionRepo;
  readonly now?: () => Date;
}

/**
 * Promotes the candidate compare-models chose: appends a config version carrying the model,
 * records the deployment (status verifying), points the MLflow `champion` alias at the version,
 * and marks the retraining run PROMOTED. Each step first looks for its own earlier result, so a
 * retry after a failure part-way (e.g. MLflow down) completes the promotion without duplicates,
 * and a duplicate delivery after success changes nothing. Two concurrent attempts converge on the
 * same config version and deployment record; the conditional TRAINING -> PROMOTED update lets
 * exactly one report the promotion, the other gets a ConflictError.
 */
export async function promoteModel(deps: PromoteDeps, input: PromoteModelInput): Promise<PromoteModelOutput> {
  const key = { strategy: input.strategy, started_at: input.startedAt };
  const run = await deps.retraining.get(key);
  if (!run) throw new NotFoundError(`retraining run ${input.strategy}@${input.startedAt} not found in retraining_state`);
  assertPromotable(run, input.candidateVersion);
  const modelName = input.modelName ?? run.model_name ?? input.strategy;
  const deploymentId = deploymentIdFor(input.strategy, input.startedAt);
  const now = (deps.now?.() ?? new Date()).toISOString();

  const [existing] = await deps.deployments.query(deploymentId, { index: 'deployment_id-index', limit: 1 });
  if (run.status === 'PROMOTED' && existing) {
    return { strategy: input.strategy, modelName, modelVersion: input.candidateVersion, deploymentId, configVersion: existing.config_version, changed: false };
  }
  if (run.status !== 'TRAINING') throw new ConflictError(`retraining run ${input.strategy}@${input.startedAt} is ${run.status}, not TRAINING`);

  // Fail before writing anything when the model version is gone or MLflow is unreachable.
  await deps.mlflow.getModelVersion(modelName, input.candidateVersion);

  let deployment = existing;
  if (!deployment) {
    const config = await promotionConfig(deps.configVersions, input.strategy, deploymentId, (current) => nextConfigVersion(current, modelName, input.candidateVersion, deploymentId, now));
    const previous = await deps.deployments.latest(input.strategy);
    deployment = deploymentRecord({ strategy: input.strategy, deploymentId, config, modelName, modelVersion: input.candidateVersion, previous });
    if (!(await deps.deployments.putIfAbsent(deployment))) {
      // Same key = same config version = this promotion, recorded by a concurrent attempt.
      const other = await deps.deployments.get({ strategy: deployment.strategy, deployed_at: deployment.deployed_at });
      if (other?.deployment_id !== deploymentId) {
        throw new ConflictError(`deployment ${deployment.strategy}@${deployment.deployed_at} is ${other?.deployment_id ?? 'gone'}, not ${deploymentId}`);
      }
      deployment = other;
    }
  }

  await deps.mlflow.setAlias(modelName, CHAMPION_ALIAS, input.candidateVersion);
  await deps.mlflow.setModelVersionTag(modelName, input.candidateVersion, 'tradai_deployment_id', deploymentId);
  const done = await deps.retraining.update(key, { status: 'PROMOTED', completed_at: now, deployment_id: deploymentId }, { status: 'TRAINING' });
  if (!done) {
    const latestRun = await deps.retraining.get(key);
    throw new ConflictError(
      latestRun?.status === 'PROMOTED' && latestRun.deployment_id === deploymentId
        ? `retraining run ${input.strategy}@${input.startedAt} was promoted by a concurrent attempt`
        : `retraining run ${input.strategy}@${input.startedAt} changed while promoting (now ${latestRun?.status ?? 'deleted'})`,
    );
  }
  return { strategy: input.strategy, modelName, modelVersion: input.candidateVersion, deploymentId, configVersion: deployment.config_version, changed: true };
}

/** Attempts at appending the promotion's config version before giving up to the caller's retry. */
export const MAX_APPEND_ATTEMPTS = 5;

/**
 * The config version carrying this promotion: the one an earlier or concurrent attempt of the
 * same promotion appended (found by its deployment_id), else version latest+1, appended with a
 * conditional put. Of two concurrent attempts one appends and the other finds that version on
 * its next read, so a promotion never adds two versions.
 */
async function promotionConfig(
  repo: ConfigVersionRepo,
  strategy: string,
  deploymentId: string,
  build: (current: ConfigVersionItem) => Omit<ConfigVersionItem, 'version'>,
): Promise<ConfigVersionItem> {
  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
    const current = await repo.latest(strategy);
    if (!current) throw new NotFoundError(`strategy ${strategy} has no config version to promote a model into`);
    if (current.deployment_id === deploymentId) return current;
    const next: ConfigVersionItem = { ...build(current), version: current.version + 1 };
    if (await repo.table.putIfAbsent(next)) return next;
  }
  throw new ConflictError(`config_versions ${strategy}: version taken by other writers ${MAX_APPEND_ATTEMPTS} times in a row; retry the promotion`);
}
