import { describe, expect, it } from 'vitest';
import { LAMBDA_NAMES, getResourceName } from '@tradai/infra-shared';
import { STALE_HEARTBEAT_METRIC, type LambdaName } from '@tradai/contracts';
import {
  COMPOSITE_RULE_MAX_CHARS,
  buildAlarmSpecs,
  compositeAlarmRule,
  functionNameFromArn,
  heartbeatAlarmTiming,
  lambdaFunctionNames,
  scheduleIntervalSeconds,
  stateMachineArn,
  type AlarmInputs,
} from './cloudwatch_alarms.logic.js';

const arnOf = (fn: string) => `arn:aws:lambda:eu-central-1:123456789012:function:${getResourceName(fn, 'dev')}`;
const inputs: AlarmInputs<string> = {
  env: 'dev',
  lambdaFunctionNames: Object.fromEntries(LAMBDA_NAMES.map((fn) => [fn, getResourceName(fn, 'dev')])) as Record<LambdaName, string>,
  rdsInstanceIdentifier: 'tradai-mlflow-db-dev',
  rdsAllocatedStorageGb: 20,
  backtestStateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-backtest-workflow-dev',
  retrainingStateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-retraining-workflow-dev',
  apiId: 'abc123',
  heartbeat: STALE_HEARTBEAT_METRIC,
  heartbeatSchedule: 'rate(1 minute)',
};

describe('buildAlarmSpecs', () => {
  const specs = buildAlarmSpecs(inputs);
  const by = (key: string) => specs.find((s) => s.key === key)!;

  it('has 18 Lambda + 2 Step Functions + 2 RDS + heartbeat + 5xx alarms with unique names', () => {
    expect(specs).toHaveLength(24);
    expect(specs.filter((s) => s.namespace === 'AWS/Lambda')).toHaveLength(18);
    expect(specs.filter((s) => s.namespace === 'AWS/States')).toHaveLength(2);
    expect(specs.filter((s) => s.namespace === 'AWS/RDS')).toHaveLength(2);
    expect(new Set(specs.map((s) => s.name)).size).toBe(24);
  });

  it('watches each function by its deployed name', () => {
    const a = by('backtest-consumer-errors');
    expect(a.name).toBe('tradai-backtest-consumer-errors-dev');
    expect(a.metricName).toBe('Errors');
    expect(a.dimensions).toEqual({ FunctionName: 'tradai-backtest-consumer-dev' });
    expect(a.treatMissingData).toBe('notBreaching');
  });

  it('watches both workflows for failed executions', () => {
    expect(by('backtest-workflow-failed').dimensions).toEqual({ StateMachineArn: inputs.backtestStateMachineArn });
    expect(by('retraining-workflow-failed').dimensions).toEqual({ StateMachineArn: inputs.retrainingStateMachineArn });
    expect(by('retraining-workflow-failed').metricName).toBe('ExecutionsFailed');
  });

  it('alarms on RDS CPU and on free storage under 10% of the allocated size', () => {
    expect(by('rds-cpu')).toMatchObject({ metricName: 'CPUUtilization', threshold: 80, comparisonOperator: 'GreaterThanThreshold', dimensions: { DBInstanceIdentifier: 'tradai-mlflow-db-dev' } });
    expect(by('rds-free-storage')).toMatchObject({ metricName: 'FreeStorageSpace', comparisonOperator: 'LessThanThreshold', threshold: 2 * 1024 ** 3 });
    expect(buildAlarmSpecs({ ...inputs, rdsAllocatedStorageGb: 50 }).find((s) => s.key === 'rds-free-storage')!.threshold).toBe(5 * 1024 ** 3);
  });

  it('alarms on the heartbeat metric heartbeat-monitor publishes, missing data breaching', () => {
    const hb = by('stale-heartbeats');
    expect(hb).toMatchObject({ namespace: 'TradAI', metricName: 'StaleHeartbeats', dimensions: { Environment: 'dev' }, period: 60, treatMissingData: 'breaching' });
  });

  it('alarms on HTTP API 5xx by api id', () => {
    expect(by('api-5xx')).toMatchObject({ namespace: 'AWS/ApiGateway', metricName: '5xx', dimensions: { ApiId: 'abc123' }, treatMissingData: 'notBreaching' });
  });

  it('gives every alarm a reason for its missing-data treatment', () => {
    for (const s of specs) expect(s.missingDataReason.length).toBeGreaterThan(20);
  });
});

describe('heartbeat timing', () => {
  it('follows rate() schedules and stays within one day of evaluation', () => {
    expect(scheduleIntervalSeconds('rate(5 minutes)')).toBe(300);
    expect(scheduleIntervalSeconds('rate(1 day)')).toBe(86_400);
    expect(scheduleIntervalSeconds('cron(0 * * * ? *)')).toBeUndefined();
    expect(heartbeatAlarmTiming('rate(5 minutes)')).toMatchObject({ period: 300, evaluationPeriods: 2, treatMissingData: 'breaching' });
    const daily = heartbeatAlarmTiming('rate(1 day)');
    expect(daily.period * daily.evaluationPeriods).toBeLessThanOrEqual(86_400);
  });

  it('does not treat gaps of a cron schedule as failures', () => {
    expect(heartbeatAlarmTiming('cron(0 */2 * * ? *)')).toMatchObject({ period: 3600, treatMissingData: 'notBreaching' });
  });
});

describe('composite rule', () => {
  it('ORs every child alarm by name', () => {
    expect(compositeAlarmRule(['a', 'b'])).toBe('ALARM("a") OR ALARM("b")');
    const rule = compositeAlarmRule(buildAlarmSpecs(inputs).map((s) => s.name));
    expect(rule.match(/ALARM\(/g)).toHaveLength(24);
  });

  it('refuses an empty or too long rule', () => {
    expect(() => compositeAlarmRule([])).toThrow('no child alarms');
    expect(() => compositeAlarmRule(Array.from({ length: 400 }, (_, i) => `alarm-with-a-long-name-${i}`))).toThrow(String(COMPOSITE_RULE_MAX_CHARS));
  });
});

describe('compute outputs', () => {
  it('maps lambda_function_arns to deployed names', () => {
    const names = lambdaFunctionNames(Object.fromEntries(LAMBDA_NAMES.map((fn) => [fn, arnOf(fn)])));
    expect(names['health-check']).toBe('tradai-health-check-dev');
  });

  it('names functions compute lacks and functions edge does not know', () => {
    const arns = Object.fromEntries(LAMBDA_NAMES.filter((fn) => fn !== 'rollback').map((fn) => [fn, arnOf(fn)]));
    expect(() => lambdaFunctionNames(arns)).toThrow('missing rollback');
    expect(() => lambdaFunctionNames({ ...arns, rollback: arnOf('rollback'), extra: arnOf('extra') })).toThrow('unknown extra');
  });

  it('parses function ARNs (with a qualifier) and refuses anything else', () => {
    expect(functionNameFromArn('arn:aws:lambda:eu-central-1:123456789012:function:f-1:$LATEST')).toBe('f-1');
    expect(() => functionNameFromArn('arn:aws:sqs:eu-central-1:123456789012:q')).toThrow('is not a Lambda function ARN');
  });

  it('builds state machine ARNs', () => {
    expect(stateMachineArn('aws', 'eu-central-1', '123456789012', 'wf')).toBe('arn:aws:states:eu-central-1:123456789012:stateMachine:wf');
  });
});
