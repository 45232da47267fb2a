import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { ScheduledEvent, isAwsError, parseEvent, strategyName, type DeploymentItem, type DriftItem, type RetrainingWorkflowInput, type Table } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import * as z from 'zod/mini';
import { driftScore, exceedsThreshold, retrainingExecutionName } from './drift.js';
import type { DistributionPair } from './mlflow.js';

const logger = createLogger('drift-monitor');

/** Scheduled (every deployed strategy) or invoked for one strategy. */
export const DriftEvent = z.extend(ScheduledEvent, { strategy: z.optional(strategyName) });

export interface Deps {
  readonly deployments: Table<DeploymentItem>;
  readonly drift: Table<DriftItem>;
  readonly sfn: SFNClient;
  readonly retrainingWorkflowArn: string;
  /** Reference and current distributions of a deployed model version (MLflow in production). */
  readonly distributions: (modelName: string, version: string) => Promise<DistributionPair>;
  readonly threshold: number;
  readonly now: () => Date;
}

export interface StrategyDrift {
  readonly strategy: string;
  readonly drift: number;
  readonly exceeded: boolean;
  /** started = this run started it; already-started = today's execution exists (a re-run or retry). */
  readonly retraining?: 'started' | 'already-started';
  readonly executionName?: string;
}

/** The current deployment of each strategy that serves a model (newest record per strategy). */
export function currentModelDeployments(all: readonly DeploymentItem[]): DeploymentItem[] {
  const latest = new Map<string, DeploymentItem>();
  for (const d of all) {
    // Strategy names start with [a-z0-9]; other partitions (e.g. `_platform`) are not strategies.
    if (!/^[a-z0-9]/.test(d.strategy)) continue;
    const cur = latest.get(d.strategy);
    if (!cur || d.deployed_at > cur.deployed_at) latest.set(d.strategy, d);
  }
  return [...latest.values()].filter((d) => d.model_version);
}

async function measure(d: DeploymentItem, deps: Deps, now: Date): Promise<StrategyDrift> {
  const modelName = d.model_name ?? d.strategy;
  const pair = await deps.distributions(modelName, d.model_version!);
  const score = driftScore(pair.reference, pair.current);
  const prediction = score.features.prediction;
  const dataScores = Object.entries(score.features).filter(([k]) => k !== 'prediction').map(([, v]) => v);
  const exceeded = exceedsThreshold(score.score, deps.threshold);
  const item: DriftItem = {
    strategy: d.strategy,
    measured_at: now.toISOString(),
    drift: score.score,
    ...(dataScores.length ? { data_drift: Math.max(...dataScores) } : {}),
    ...(prediction !== undefined ? { model_drift: prediction } : {}),
    retraining_started: false,
  };
  // Recorded before starting: the retraining workflow's first step reads this measurement.
  await deps.drift.put(item);
  if (!exceeded) return { strategy: d.strategy, drift: score.score, exceeded };

  const executionName = retrainingExecutionName(d.strategy, now);
  const input: RetrainingWorkflowInput = { strategy: d.strategy, modelName, trigger: 'drift', force: false };
  let retraining: 'started' | 'already-started' = 'started';
  try {
    await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.retrainingWorkflowArn, name: executionName, input: JSON.stringify(input) }));
  } catch (err) {
    if (!isAwsError(err, 'ExecutionAlreadyExists')) throw err;
    retraining = 'already-started';
  }
  await deps.drift.update({ strategy: d.strategy, measured_at: item.measured_at }, { retraining_started: true });
  return { strategy: d.strategy, drift: score.score, exceeded, retraining, executionName };
}

/**
 * Measures drift for each deployed model, records it, and starts the retraining workflow for
 * those past the threshold (once per strategy per day). One strategy's failure (MLflow, Step
 * Functions) does not stop the others; the run then throws naming each.
 */
export async function run(event: unknown, deps: Deps): Promise<StrategyDrift[]> {
  const e = parseEvent(DriftEvent, event, 'drift-monitor event');
  const all = e.strategy ? await deps.deployments.query(e.strategy) : await deps.deployments.scan();
  const targets = currentModelDeployments(all);
  const now = deps.now();
  const results: StrategyDrift[] = [];
  const failures: string[] = [];
  for (const d of targets) {
    try {
      results.push(await measure(d, deps, now));
    } catch (err) {
      failures.push(`${d.strategy}: ${(err as Error).message}`);
      logger.error('drift measurement failed', { strategy: d.strategy, error: err as Error });
    }
  }
  logger.info('drift measured', { results });
  if (failures.length) throw new Error(`drift-monitor failed for ${failures.length} of ${targets.length} strategies: ${failures.join('; ')}`);
  return results;
}
