import { ENV, LAMBDA_ACCESS, LAMBDA_NAMES, functionEnvName, lambdaEnvNames, tableEnvName, type LambdaName, type TableKey } from '@tradai/contracts';
import {
  LAMBDA_FUNCTIONS,
  SCHEDULED_LAMBDAS,
  getMlflowTrackingUri,
  getResourceName,
  getSdNamespace,
  type Environment,
  type ScheduledLambda,
  type TradaiConfig,
} from '@tradai/infra-shared';
import type { Workflow } from './arns.js';

/** Functions created after the state machines: their environment carries a workflow ARN. */
export const DEFERRED_LAMBDAS: readonly LambdaName[] = LAMBDA_NAMES.filter((n) => LAMBDA_FUNCTIONS[n].deferred);
export const IMMEDIATE_LAMBDAS: readonly LambdaName[] = LAMBDA_NAMES.filter((n) => !LAMBDA_FUNCTIONS[n].deferred);

/** Upstream values a function environment is built from; `V` is string in tests, an Output in the stack. */
export interface LambdaEnvRefs<V> {
  readonly env: Environment;
  readonly tableNames: Readonly<Record<TableKey, V>>;
  readonly configsBucket: V;
  readonly resultsBucket: V;
  readonly alertsTopicArn: V;
  readonly clusterArn: V;
  /** persistent cognito_m2m_secret_arn (functions with LAMBDA_ACCESS m2mScopes). */
  readonly m2mSecretArn: V;
  /** Only deferred functions get these; a non-deferred function asking for one is a wiring error. */
  readonly workflowArns?: Readonly<Partial<Record<Workflow, V>>>;
}

/**
 * A function's environment: exactly the names lambdaEnvNames(name) lists (the handler's env
 * parser requires each), values from the upstream stacks, this stack and the settings defaults
 * of LAMBDA_ACCESS. Throws naming the variable no value is known for.
 */
export function lambdaEnvironment<V>(name: LambdaName, refs: LambdaEnvRefs<V>): Record<string, V | string> {
  const known = new Map<string, V | string>([
    [ENV.environment, refs.env],
    [ENV.configsBucket, refs.configsBucket],
    [ENV.resultsBucket, refs.resultsBucket],
    [ENV.alertsTopicArn, refs.alertsTopicArn],
    [ENV.ecsClusterArn, refs.clusterArn],
    [ENV.m2mSecretArn, refs.m2mSecretArn],
    [ENV.serviceDiscoveryNamespace, getSdNamespace(refs.env)],
    [ENV.mlflowTrackingUri, getMlflowTrackingUri(refs.env)],
  ]);
  for (const [t, v] of Object.entries(refs.tableNames) as [TableKey, V][]) known.set(tableEnvName(t), v);
  for (const f of LAMBDA_NAMES) known.set(functionEnvName(f), getResourceName(f, refs.env));
  if (refs.workflowArns?.backtest !== undefined) known.set(ENV.backtestWorkflowArn, refs.workflowArns.backtest);
  if (refs.workflowArns?.retraining !== undefined) known.set(ENV.retrainingWorkflowArn, refs.workflowArns.retraining);
  for (const [k, v] of Object.entries(LAMBDA_ACCESS[name].settings ?? {})) known.set(k, v);
  const env: Record<string, V | string> = {};
  for (const variable of lambdaEnvNames(name)) {
    if (!known.has(variable)) {
      const hint = variable.endsWith('_WORKFLOW_ARN') ? ' (a workflow ARN: the function must be deferred, created after the state machines)' : '';
      throw new Error(`Lambda ${name}: no value for environment variable ${variable}${hint}`);
    }
    env[variable] = known.get(variable)!;
  }
  return env;
}

/** One EventBridge Scheduler schedule. */
export interface SchedulePlan {
  readonly lambda: ScheduledLambda;
  readonly name: string;
  readonly expression: string;
  /** Retry policy of the scheduler's delivery to Lambda. */
  readonly retry: { readonly maximumRetryAttempts: number; readonly maximumEventAgeInSeconds: number };
}

const UNIT_SECONDS: Record<string, number> = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 };

/** Seconds between runs of a `rate(...)` expression; undefined for `cron(...)`. */
export function ratePeriodSeconds(expression: string): number | undefined {
  const m = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : undefined;
}

/**
 * How long a failed delivery or async invocation stays worth retrying: until the next run would
 * start anyway (a heartbeat check from 10 minutes ago is useless), between the 60 s minimum and
 * one hour. Cron schedules (every few hours or daily) keep one hour.
 */
export function maxEventAgeSeconds(expression: string): number {
  const period = ratePeriodSeconds(expression) ?? 3600;
  return Math.max(60, Math.min(period, 3600));
}

/** The six schedules with their (possibly overridden, tradai:lambdaSchedules) expressions. */
export function schedulePlan(cfg: TradaiConfig): SchedulePlan[] {
  return SCHEDULED_LAMBDAS.map((lambda) => {
    const expression = cfg.schedules[lambda];
    return {
      lambda,
      name: getResourceName(`${lambda}-schedule`, cfg.environment),
      expression,
      retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: maxEventAgeSeconds(expression) },
    };
  });
}

/**
 * The backtest queue mapping: up to 10 messages per batch (one StartExecution each), partial
 * batch failures so one bad message is retried alone, and at most 5 concurrent consumers so a
 * burst of submissions cannot start hundreds of ECS tasks at once.
 */
export const BACKTEST_QUEUE_MAPPING = {
  batchSize: 10,
  maximumBatchingWindowInSeconds: 5,
  functionResponseTypes: ['ReportBatchItemFailures'],
  scalingConfig: { maximumConcurrency: 5 },
} as const;

/** Lambda's own retries of a failed asynchronous invocation before it goes to the DLQ. */
export const ASYNC_MAX_RETRY_ATTEMPTS = 2;
