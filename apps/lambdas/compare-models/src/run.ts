import { CHAMPION_ALIAS, ConflictError, NotFoundError, type CompareModelsInput, type CompareModelsOutput, type MlflowClient, type RetrainingItem, type Table } from '@tradai/domain';
import { compareScores } from './compare.js';

export interface CompareDeps {
  readonly mlflow: MlflowClient;
  readonly retraining: Table<RetrainingItem>;
  readonly minImprovement: number;
  readonly now?: () => Date;
}

function fromRecord(r: RetrainingItem, metric: string, reason: string): CompareModelsOutput {
  return {
    strategy: r.strategy,
    startedAt: r.started_at,
    modelName: r.model_name!,
    decision: r.decision!,
    reason,
    metric,
    candidateVersion: r.candidate_version!,
    candidateMetric: r.candidate_metric!,
    championVersion: r.champion_version ?? null,
    championMetric: r.champion_metric ?? null,
  };
}

/**
 * Compares the candidate (given, or the newest registered version) with the `champion` alias on
 * `metric` and records the decision on the run's retraining_state record (conditional on it being
 * TRAINING with no decision yet). A duplicate delivery returns the recorded decision without calling MLflow.
 */
export async function compareModels(deps: CompareDeps, input: CompareModelsInput): Promise<CompareModelsOutput> {
  const key = { strategy: input.strategy, started_at: input.startedAt };
  const run = await deps.retraining.get(key);
  if (!run) throw new NotFoundError(`retraining run ${input.strategy}@${input.startedAt} not found in retraining_state`);
  if (run.decision) return fromRecord(run, input.metric, 'decision already recorded');
  if (run.status !== 'TRAINING') throw new ConflictError(`retraining run ${input.strategy}@${input.startedAt} is ${run.status}, not TRAINING`);

  const modelName = input.modelName ?? input.strategy;
  const candidateMv = input.candidateVersion
    ? await deps.mlflow.getModelVersion(modelName, input.candidateVersion)
    : await deps.mlflow.latestVersion(modelName);
  if (!candidateMv) throw new NotFoundError(`registered model ${modelName} has no versions in MLflow`);
  const championMv = await deps.mlflow.getModelVersionByAlias(modelName, CHAMPION_ALIAS);
  const score = async (runId: string | undefined) => (runId ? (await deps.mlflow.getRunMetrics(runId))[input.metric] : undefined);
  const candidate = { version: candidateMv.version, value: await score(candidateMv.run_id) };
  const champion = championMv ? { version: championMv.version, value: await score(championMv.run_id) } : undefined;
  if (candidate.value === undefined) throw new NotFoundError(`candidate ${modelName} v${candidate.version} has no metric "${input.metric}" in MLflow`);
  const { decision, reason } = compareScores(input.metric, candidate, champion, deps.minImprovement);

  const now = (deps.now?.() ?? new Date()).toISOString();
  const fields: Partial<RetrainingItem> = {
    model_name: modelName,
    candidate_version: candidate.version,
    candidate_metric: candidate.value,
    champion_version: champion?.version ?? null,
    champion_metric: champion?.value ?? null,
    decision,
    decided_at: now,
    ...(decision === 'reject' ? { status: 'REJECTED' as const, completed_at: now } : {}),
  };
  // A promotion leaves the run TRAINING, so the status alone cannot stop a second comparison that
  // read before this write: the decision itself is written once.
  const updated = await deps.retraining.update(key, fields, { status: 'TRAINING', decision: undefined });
  if (!updated) {
    const again = await deps.retraining.get(key);
    if (again?.decision) return fromRecord(again, input.metric, 'decision already recorded');
    throw new ConflictError(`retraining run ${input.strategy}@${input.startedAt} changed while comparing`);
  }
  return {
    strategy: input.strategy,
    startedAt: input.startedAt,
    modelName,
    decision,
    reason,
    metric: input.metric,
    candidateVersion: candidate.version,
    candidateMetric: candidate.value,
    championVersion: champion?.version ?? null,
    championMetric: champion?.value ?? null,
  };
}
