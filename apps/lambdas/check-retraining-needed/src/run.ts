import type { CheckRetrainingInput, CheckRetrainingOutput, DriftItem, RetrainingItem, Table } from '@tradai/domain';
import { currentModel, decideRetraining, type RetrainingThresholds } from './decide.js';

export interface CheckDeps {
  readonly drift: Table<DriftItem>;
  readonly retraining: Table<RetrainingItem>;
  readonly thresholds: RetrainingThresholds;
  readonly now?: () => Date;
}

/** How many past runs are searched for the model in service. */
const HISTORY_LIMIT = 50;

function output(item: RetrainingItem): CheckRetrainingOutput {
  return {
    strategy: item.strategy,
    startedAt: item.started_at,
    retrain: item.status !== 'SKIPPED',
    reasons: item.reasons ?? [],
    drift: item.drift ?? null,
    modelAgeDays: item.model_age_days ?? null,
  };
}

/**
 * Decides and records the run in retraining_state under (strategy, startedAt): TRAINING or
 * SKIPPED. The record is put only if absent, so a redelivered task returns the first decision.
 */
export async function checkRetraining(deps: CheckDeps, input: CheckRetrainingInput): Promise<CheckRetrainingOutput> {
  const now = deps.now?.() ?? new Date();
  const startedAt = input.startedAt ?? now.toISOString();
  const existing = await deps.retraining.get({ strategy: input.strategy, started_at: startedAt });
  if (existing) return output(existing);
  const [drift, history] = await Promise.all([
    deps.drift.latest(input.strategy),
    deps.retraining.query(input.strategy, { newestFirst: true, limit: HISTORY_LIMIT }),
  ]);
  const decision = decideRetraining({ drift, current: currentModel(history), now, thresholds: deps.thresholds, force: input.force });
  const item: RetrainingItem = {
    strategy: input.strategy,
    started_at: startedAt,
    status: decision.retrain ? 'TRAINING' : 'SKIPPED',
    workflow_id: input.workflowId,
    reasons: decision.reasons,
    drift: decision.drift,
    model_age_days: decision.modelAgeDays,
  };
  if (!(await deps.retraining.putIfAbsent(item))) {
    return output((await deps.retraining.get({ strategy: input.strategy, started_at: startedAt }))!);
  }
  return output(item);
}
