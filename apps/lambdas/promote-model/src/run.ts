import { CHAMPION_ALIAS, ConflictError, NotFoundError, type ConfigVersionRepo, type DeploymentItem, type MlflowClient, type PromoteModelInput, type PromoteModelOutput, type RetrainingItem, type Table } from '@tradai/domain';
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
 * and a duplicate delivery after success changes nothing.
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
    const current = await deps.configVersions.latest(input.strategy);
    if (!current) throw new NotFoundError(`strategy ${input.strategy} has no config version to promote a model into`);
    const config =
      current.deployment_id === deploymentId
        ? current // appended by an earlier attempt of this promotion
        : await deps.configVersions.append(nextConfigVersion(current, modelName, input.candidateVersion, deploymentId, now));
    const previous = await deps.deployments.latest(input.strategy);
    deployment = deploymentRecord({ strategy: input.strategy, deploymentId, config, modelName, modelVersion: input.candidateVersion, previous, now });
    await deps.deployments.putIfAbsent(deployment);
  }

  await deps.mlflow.setAlias(modelName, CHAMPION_ALIAS, input.candidateVersion);
  await deps.mlflow.setModelVersionTag(modelName, input.candidateVersion, 'tradai_deployment_id', deploymentId);
  const done = await deps.retraining.update(key, { status: 'PROMOTED', completed_at: now, deployment_id: deploymentId }, { status: 'TRAINING' });
  if (!done) throw new ConflictError(`retraining run ${input.strategy}@${input.startedAt} changed while promoting`);
  return { strategy: input.strategy, modelName, modelVersion: input.candidateVersion, deploymentId, configVersion: deployment.config_version, changed: true };
}
