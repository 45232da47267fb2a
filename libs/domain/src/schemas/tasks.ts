import * as z from 'zod/mini';
import { isoTimestamp, parameters, positiveInt, strategyName, workflowId, workflowStatus } from './common.js';

/**
 * Inputs of the Lambda tasks the Step Functions workflows call (the ASL templates pass exactly
 * these fields in `Parameters`). Extra fields are ignored, so a state may pass `$` whole.
 */

/** backtest: ValidateStrategy. Output: {@link ValidateStrategyOutput}. */
export const ValidateStrategyInput = z.object({
  workflowId,
  strategy: strategyName,
  /** Defaults to the strategy's latest config version. */
  configVersion: z.optional(positiveInt),
  parameters: z._default(parameters, {}),
});
export type ValidateStrategyInput = z.output<typeof ValidateStrategyInput>;

export interface ValidateStrategyOutput {
  readonly workflowId: string;
  readonly strategy: string;
  readonly configVersion: number;
  /** Image reference to run (repo URI pinned by digest), for the RunBacktest container override. */
  readonly image: string;
  readonly configKey: string;
  /** Declared defaults merged with the request's parameters. */
  readonly parameters: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Error as a Step Functions `Catch` (ResultPath `$.error`) delivers it, or a plain message.
 */
export const TaskError = z.union([
  z.string(),
  z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }),
]);

/** both workflows: MarkRunning / MarkSucceeded / MarkFailed. Output: {@link UpdateStatusOutput}. */
export const UpdateStatusInput = z.object({
  workflowId,
  status: workflowStatus,
  error: z.optional(TaskError),
  /**
   * Set by the retraining workflow, whose executions have no QUEUED record: a missing record is
   * then created (implicitly from QUEUED). Without it a missing record is an error.
   */
  workflowType: z.optional(z.enum(['backtest', 'retraining'])),
  strategy: z.optional(strategyName),
});
export type UpdateStatusInput = z.output<typeof UpdateStatusInput>;

export interface UpdateStatusOutput {
  readonly workflowId: string;
  readonly previousStatus: string;
  readonly status: string;
  /** False when the record already had this status (duplicate delivery): nothing changed. */
  readonly changed: boolean;
  readonly notified: boolean;
}

/** backtest: ConsumeResults. Output: the stored BacktestMetrics. */
export const ConsumeResultsInput = z.object({
  workflowId,
  /** Key in the results bucket; by convention `backtests/<workflowId>/result.json`. */
  resultKey: z.string().check(z.minLength(1), z.maxLength(1024)),
});
export type ConsumeResultsInput = z.output<typeof ConsumeResultsInput>;

/** Input of the retraining state machine (drift-monitor, API route 17, schedule). */
export const RetrainingWorkflowInput = z.object({
  strategy: strategyName,
  /** Registered model name in MLflow; defaults to the strategy name. */
  modelName: z.optional(z.string().check(z.minLength(1))),
  trigger: z._default(z.enum(['drift', 'schedule', 'manual']), 'manual'),
  /** Skip the retraining-needed check (manual retrain). */
  force: z._default(z.boolean(), false),
});
export type RetrainingWorkflowInput = z.output<typeof RetrainingWorkflowInput>;

/**
 * retraining: CheckRetrainingNeeded. `startedAt` should be `$$.Execution.StartTime`: it keys the
 * retraining_state record, so a redelivered task finds the same record instead of adding one.
 */
export const CheckRetrainingInput = z.object({
  strategy: strategyName,
  workflowId: z.optional(workflowId),
  startedAt: z.optional(isoTimestamp),
  force: z._default(z.boolean(), false),
});
export type CheckRetrainingInput = z.output<typeof CheckRetrainingInput>;

export interface CheckRetrainingOutput {
  readonly strategy: string;
  readonly startedAt: string;
  /** The Choice state branches on this. */
  readonly retrain: boolean;
  readonly reasons: readonly string[];
  readonly drift: number | null;
  readonly modelAgeDays: number | null;
}

/** retraining: CompareModels. Output: {@link CompareModelsOutput}. */
export const CompareModelsInput = z.object({
  strategy: strategyName,
  startedAt: isoTimestamp,
  modelName: z.optional(z.string().check(z.minLength(1))),
  /** Defaults to the newest version of the registered model (the one training just registered). */
  candidateVersion: z.optional(z.string().check(z.regex(/^[0-9]+$/, 'must be a model version number'))),
  /** Run metric to compare, higher is better. */
  metric: z._default(z.string().check(z.minLength(1)), 'sharpe'),
});
export type CompareModelsInput = z.output<typeof CompareModelsInput>;

export interface CompareModelsOutput {
  readonly strategy: string;
  readonly startedAt: string;
  readonly modelName: string;
  /** The Choice state branches on this. */
  readonly decision: 'promote' | 'reject';
  readonly reason: string;
  readonly metric: string;
  readonly candidateVersion: string;
  readonly candidateMetric: number;
  readonly championVersion: string | null;
  readonly championMetric: number | null;
}

/** retraining: PromoteModel (after decision = promote). Output: {@link PromoteModelOutput}. */
export const PromoteModelInput = z.object({
  strategy: strategyName,
  startedAt: isoTimestamp,
  modelName: z.optional(z.string().check(z.minLength(1))),
  candidateVersion: z.string().check(z.regex(/^[0-9]+$/, 'must be a model version number')),
});
export type PromoteModelInput = z.output<typeof PromoteModelInput>;

export interface PromoteModelOutput {
  readonly strategy: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly deploymentId: string;
  readonly configVersion: number;
  /** False when this version had already been promoted (duplicate delivery). */
  readonly changed: boolean;
}
