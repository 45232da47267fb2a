import { distributionsFromMetrics, MlflowError, type MlflowClient } from '@tradai/domain';
import type { Distributions } from './drift.js';

/** MLflow search filter of the monitoring runs the live bots log their observed distributions to. */
export const MONITORING_RUN_FILTER = "tags.`tradai.run_type` = 'monitoring'";

export interface DistributionPair {
  readonly reference: Distributions;
  readonly current: Distributions;
  readonly referenceRunId: string;
  readonly currentRunId: string;
}

/**
 * Where drift-monitor reads distributions (metrics `dist.<feature>.<bin>`, see drift.ts):
 * - reference: the run that produced the deployed model version (model version -> run_id);
 * - current: the newest run in the same experiment tagged `tradai.run_type = monitoring`.
 */
export async function modelDistributions(mlflow: Pick<MlflowClient, 'getModelVersion' | 'getRun' | 'searchRuns'>, modelName: string, version: string): Promise<DistributionPair> {
  const mv = await mlflow.getModelVersion(modelName, version);
  if (!mv.run_id) throw new MlflowError(`model ${modelName} version ${version} has no source run`, 0);
  const ref = await mlflow.getRun(mv.run_id);
  const [cur] = await mlflow.searchRuns([ref.experimentId], MONITORING_RUN_FILTER, 1);
  if (!cur) throw new MlflowError(`no monitoring run (tag tradai.run_type=monitoring) in experiment ${ref.experimentId} of model ${modelName}`, 0);
  return {
    reference: distributionsFromMetrics(ref.metrics, ref.runId),
    current: distributionsFromMetrics(cur.metrics, cur.runId),
    referenceRunId: ref.runId,
    currentRunId: cur.runId,
  };
}
