import type { DriftItem, RetrainingItem } from '@tradai/domain';

/** Thresholds from the environment (DRIFT_THRESHOLD, MAX_MODEL_AGE_DAYS). */
export interface RetrainingThresholds {
  /** Retrain when the latest drift score is strictly above this. */
  readonly driftThreshold: number;
  /** Retrain when the current model was trained more than this many days ago. */
  readonly maxModelAgeDays: number;
}

export interface RetrainingDecision {
  readonly retrain: boolean;
  /** Every reason that applied (or, when not retraining, why each check passed). */
  readonly reasons: string[];
  readonly drift: number | null;
  readonly modelAgeDays: number | null;
}

const DAY_MS = 86_400_000;

/** The record of the model now in service: the newest PROMOTED run (age counts from its completion). */
export function currentModel(history: readonly RetrainingItem[]): RetrainingItem | undefined {
  return [...history].filter((r) => r.status === 'PROMOTED').sort((a, b) => b.started_at.localeCompare(a.started_at))[0];
}

/**
 * Decides whether to retrain: drift above the threshold, a model older than the maximum age, no
 * trained model at all, or `force`. Pure: the caller reads the latest drift and the history.
 */
export function decideRetraining(args: {
  readonly drift: DriftItem | undefined;
  readonly current: RetrainingItem | undefined;
  readonly now: Date;
  readonly thresholds: RetrainingThresholds;
  readonly force?: boolean;
}): RetrainingDecision {
  const { thresholds: t } = args;
  const reasons: string[] = [];
  const ok: string[] = [];
  const drift = args.drift?.drift ?? null;
  if (drift === null) ok.push('no drift measurement yet');
  else if (drift > t.driftThreshold) reasons.push(`drift ${drift} > threshold ${t.driftThreshold}`);
  else ok.push(`drift ${drift} <= threshold ${t.driftThreshold}`);

  let modelAgeDays: number | null = null;
  if (!args.current) {
    reasons.push('no trained model on record');
  } else {
    const trainedAt = Date.parse(args.current.completed_at ?? args.current.started_at);
    modelAgeDays = Math.round(((args.now.getTime() - trainedAt) / DAY_MS) * 100) / 100;
    if (modelAgeDays > t.maxModelAgeDays) reasons.push(`model age ${modelAgeDays} d > max ${t.maxModelAgeDays} d`);
    else ok.push(`model age ${modelAgeDays} d <= max ${t.maxModelAgeDays} d`);
  }
  if (args.force) reasons.push('forced');
  const retrain = reasons.length > 0;
  return { retrain, reasons: retrain ? reasons : ok, drift, modelAgeDays };
}
