import { LAMBDA_NAMES, getResourceName, type Environment } from '@tradai/infra-shared';
import type { CustomMetric, LambdaName } from '@tradai/contracts';

/** CloudWatch `treatMissingData` values. */
export type MissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/**
 * One metric alarm, independent of Pulumi: dimension values are `V` (strings in tests, Outputs in
 * the module). `missingDataReason` records why the missing-data treatment fits the metric.
 */
export interface AlarmSpec<V> {
  /** Stable key: logical resource name suffix and composite-rule entry. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, V | string>>;
  readonly statistic: 'Sum' | 'Average' | 'Minimum' | 'Maximum';
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly treatMissingData: MissingData;
  readonly missingDataReason: string;
}

/** The metric heartbeat-monitor publishes (STALE_HEARTBEAT_METRIC in @tradai/contracts, shared so publisher and alarm cannot drift). */
export type HeartbeatMetric = CustomMetric;

export interface AlarmInputs<V> {
  readonly env: Environment;
  /** function name -> its deployed function name (the FunctionName dimension), for all 18 functions. */
  readonly lambdaFunctionNames: Readonly<Record<LambdaName, V>>;
  readonly rdsInstanceIdentifier: V;
  readonly rdsAllocatedStorageGb: number;
  readonly backtestStateMachineArn: V;
  readonly retrainingStateMachineArn: V;
  readonly apiId: V;
  readonly heartbeat: HeartbeatMetric;
  /** heartbeat-monitor's schedule expression (tradai:lambdaSchedules may override it). */
  readonly heartbeatSchedule: string;
}

const FIVE_MINUTES = 300;
const ONE_DAY = 86_400;
const GIB = 1024 ** 3;
/** Free storage below this share of the allocated size alarms (storage autoscaling may also kick in at 10%). */
export const RDS_FREE_STORAGE_RATIO = 0.1;
export const RDS_CPU_PERCENT = 80;
/** 5xx responses per five minutes before the API alarm fires: a lone 502 during a deploy is noise. */
export const API_5XX_PER_5_MIN = 5;

/** Alarm names follow the resource naming: `tradai-<component>-<env>`. */
export const alarmName = (component: string, env: Environment) => getResourceName(component, env);

/**
 * Interval of a `rate(N unit)` schedule in seconds, or undefined for `cron(...)` (whose gaps vary).
 */
export function scheduleIntervalSeconds(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return undefined;
  const unit = m[2]!.startsWith('minute') ? 60 : m[2]!.startsWith('hour') ? 3600 : ONE_DAY;
  return Number(m[1]) * unit;
}

/**
 * Period and missing-data treatment of the stale-heartbeat alarm. heartbeat-monitor publishes a
 * datapoint every run (0 when all bots are fresh), so with a `rate()` schedule the period follows
 * it and a missing datapoint means the watchdog itself stopped: `breaching`. A `cron()` schedule
 * has uneven gaps, so there an hourly period treats gaps as `notBreaching` rather than paging on them.
 */
export function heartbeatAlarmTiming(schedule: string): Pick<AlarmSpec<never>, 'period' | 'evaluationPeriods' | 'datapointsToAlarm' | 'treatMissingData' | 'missingDataReason'> {
  const interval = scheduleIntervalSeconds(schedule);
  if (interval === undefined) {
    return {
      period: 3600,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      missingDataReason: `heartbeat-monitor runs on ${schedule}: gaps between runs are uneven, so a missing datapoint is not evidence of a failure`,
    };
  }
  // CloudWatch periods of a minute or more are multiples of 60 s, and period x evaluation periods <= 1 day.
  const period = Math.min(ONE_DAY, Math.max(60, Math.ceil(interval / 60) * 60));
  const evaluationPeriods = Math.max(1, Math.min(2, Math.floor(ONE_DAY / period)));
  return {
    period,
    evaluationPeriods,
    // Two silent or stale periods in a row: one late run is not an incident.
    datapointsToAlarm: evaluationPeriods,
    treatMissingData: 'breaching',
    missingDataReason: 'heartbeat-monitor publishes every run (0 when all bots are fresh): no datapoint means the watchdog stopped, which must alert',
  };
}

/**
 * Every metric alarm of the edge stack: 18 Lambda error alarms, 2 Step Functions failure alarms,
 * RDS CPU and free storage, stale heartbeats and API 5xx. Order is stable (composite rule, tests).
 */
export function buildAlarmSpecs<V>(input: AlarmInputs<V>): AlarmSpec<V>[] {
  const { env } = input;
  const specs: AlarmSpec<V>[] = [];
  for (const fn of LAMBDA_NAMES) {
    specs.push({
      key: `${fn}-errors`,
      name: alarmName(`${fn}-errors`, env),
      description: `Lambda ${fn} reported errors (${env})`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: input.lambdaFunctionNames[fn] },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      missingDataReason: 'Lambda publishes Errors only for periods with invocations: no invocations, no errors',
    });
  }
  const workflows = [
    ['backtest', input.backtestStateMachineArn],
    ['retraining', input.retrainingStateMachineArn],
  ] as const;
  for (const [workflow, arn] of workflows) {
    specs.push({
      key: `${workflow}-workflow-failed`,
      name: alarmName(`${workflow}-workflow-failed`, env),
      description: `${workflow} workflow executions failed (${env}); failures pass MarkFailed, so the workflow record says why`,
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensions: { StateMachineArn: arn },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      missingDataReason: 'Step Functions publishes execution metrics only when executions end: no executions, no failures',
    });
  }
  specs.push(
    {
      key: 'rds-cpu',
      name: alarmName('rds-cpu', env),
      description: `MLflow PostgreSQL CPU above ${RDS_CPU_PERCENT}% for 15 minutes (${env})`,
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      dimensions: { DBInstanceIdentifier: input.rdsInstanceIdentifier },
      statistic: 'Average',
      period: FIVE_MINUTES,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: RDS_CPU_PERCENT,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'missing',
      missingDataReason: 'RDS reports every minute while running; a gap means the instance is stopped or replaced, which is not high CPU, so the state is held',
    },
    {
      key: 'rds-free-storage',
      name: alarmName('rds-free-storage', env),
      description: `MLflow PostgreSQL free storage below ${RDS_FREE_STORAGE_RATIO * 100}% of ${input.rdsAllocatedStorageGb} GB (${env})`,
      namespace: 'AWS/RDS',
      metricName: 'FreeStorageSpace',
      dimensions: { DBInstanceIdentifier: input.rdsInstanceIdentifier },
      statistic: 'Minimum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: Math.round(input.rdsAllocatedStorageGb * RDS_FREE_STORAGE_RATIO * GIB),
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'missing',
      missingDataReason: 'RDS reports every minute while running; a gap means the instance is stopped or replaced, not that the disk filled, so the state is held',
    },
    {
      key: 'stale-heartbeats',
      name: alarmName('stale-heartbeats', env),
      description: `Trading bots with stale heartbeats (${env}), published by heartbeat-monitor`,
      namespace: input.heartbeat.namespace,
      metricName: input.heartbeat.metricName,
      dimensions: { [input.heartbeat.dimensionName]: env },
      statistic: 'Maximum',
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      ...heartbeatAlarmTiming(input.heartbeatSchedule),
    },
    {
      key: 'api-5xx',
      name: alarmName('api-5xx', env),
      description: `HTTP API answered ${API_5XX_PER_5_MIN} or more 5xx in five minutes (${env})`,
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensions: { ApiId: input.apiId },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: API_5XX_PER_5_MIN,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      missingDataReason: 'API Gateway publishes 5xx only for periods with requests: no traffic, no errors',
    },
  );
  const names = new Set(specs.map((s) => s.name));
  if (names.size !== specs.length) throw new Error('cloudwatch alarms: two alarms share a name');
  return specs;
}

/** AWS limit on a composite alarm rule's length. */
export const COMPOSITE_RULE_MAX_CHARS = 10_240;

/** `ALARM("a") OR ALARM("b") ...`: the composite fires while any child alarm does. */
export function compositeAlarmRule(childNames: readonly string[]): string {
  if (childNames.length === 0) throw new Error('composite alarm: no child alarms');
  const rule = childNames.map((n) => `ALARM("${n}")`).join(' OR ');
  if (rule.length > COMPOSITE_RULE_MAX_CHARS) {
    throw new Error(`composite alarm rule is ${rule.length} characters; AWS allows ${COMPOSITE_RULE_MAX_CHARS}`);
  }
  return rule;
}

/** The function name in a Lambda ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`). */
export function functionNameFromArn(arn: string): string {
  const m = /^arn:[\w-]+:lambda:[a-z0-9-]+:\d{12}:function:([\w-]+)(?::[\w$-]+)?$/.exec(arn);
  if (!m) throw new Error(`"${arn}" is not a Lambda function ARN`);
  return m[1]!;
}

/**
 * Compute's `lambda_function_arns` as function name -> deployed name, checked against the 18
 * functions edge alarms on: a function compute lacks or one edge does not know is an error, since
 * either would leave a function unwatched.
 */
export function lambdaFunctionNames(arns: Readonly<Record<string, string>>): Record<LambdaName, string> {
  const missing = LAMBDA_NAMES.filter((fn) => !(fn in arns));
  const unknown = Object.keys(arns).filter((k) => !(LAMBDA_NAMES as readonly string[]).includes(k));
  if (missing.length || unknown.length) {
    throw new Error(
      `tradai-compute lambda_function_arns does not match the 18 functions edge alarms on:${missing.length ? ` missing ${missing.join(', ')};` : ''}${unknown.length ? ` unknown ${unknown.join(', ')};` : ''}`,
    );
  }
  return Object.fromEntries(LAMBDA_NAMES.map((fn) => [fn, functionNameFromArn(arns[fn]!)])) as Record<LambdaName, string>;
}

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>`. */
export function stateMachineArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
}
