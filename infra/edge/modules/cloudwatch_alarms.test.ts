import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { STALE_HEARTBEAT_METRIC } from '@tradai/contracts';
import { LAMBDA_NAMES, getResourceName } from '@tradai/infra-shared';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';

/** One scenario: prod alarms, heartbeat-monitor moved to a 5-minute schedule. */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:tradai-alerts-prod';
const BACKTEST = 'arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-backtest-workflow-prod';
const RETRAINING = 'arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-retraining-workflow-prod';

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-edge', stack: 'prod', config: { lambdaSchedules: '{"heartbeat-monitor":"rate(5 minutes)"}' } });
  const { CloudwatchAlarms } = await import('./cloudwatch_alarms.js');
  outputs = await runInStack(() => {
    const alarms = new CloudwatchAlarms('alarms', {
      cfg: stackConfig(),
      alertsTopicArn: TOPIC,
      rdsInstanceIdentifier: 'tradai-mlflow-db-prod',
      lambdaFunctionArns: Object.fromEntries(LAMBDA_NAMES.map((fn) => [fn, `arn:aws:lambda:eu-central-1:123456789012:function:${getResourceName(fn, 'prod')}`])),
      backtestStateMachineArn: BACKTEST,
      retrainingStateMachineArn: RETRAINING,
      apiId: 'api123',
      heartbeat: STALE_HEARTBEAT_METRIC,
    });
    return { composite: alarms.composite.arn, lambdaErrors: alarms.lambdaErrorAlarmArns };
  });
  await pulumi.runtime.disconnect();
});

const metricAlarms = () => mocks.byType('aws:cloudwatch/metricAlarm:MetricAlarm');
const alarm = (key: string) => mocks.find('aws:cloudwatch/metricAlarm:MetricAlarm', `alarms-${key}`).inputs;

describe('CloudwatchAlarms', () => {
  it('creates 18 Lambda + 2 Step Functions + 2 RDS + heartbeat + 5xx alarms and one composite', () => {
    expect(metricAlarms()).toHaveLength(24);
    expect(metricAlarms().filter((a) => a.inputs['namespace'] === 'AWS/Lambda')).toHaveLength(18);
    expect(metricAlarms().filter((a) => a.inputs['namespace'] === 'AWS/States')).toHaveLength(2);
    expect(mocks.byType('aws:cloudwatch/compositeAlarm:CompositeAlarm')).toHaveLength(1);
  });

  it('sends every alarm to the alerts topic; the composite also reports recovery', () => {
    for (const a of metricAlarms()) expect(a.inputs['alarmActions']).toEqual([TOPIC]);
    const composite = mocks.byType('aws:cloudwatch/compositeAlarm:CompositeAlarm')[0]!.inputs;
    expect(composite['alarmActions']).toEqual([TOPIC]);
    expect(composite['okActions']).toEqual([TOPIC]);
  });

  it('watches each function by its deployed name', () => {
    for (const fn of LAMBDA_NAMES) {
      expect(alarm(`${fn}-errors`)).toMatchObject({ name: getResourceName(`${fn}-errors`, 'prod'), metricName: 'Errors', dimensions: { FunctionName: getResourceName(fn, 'prod') } });
    }
  });

  it('watches both workflows and the RDS instance', () => {
    expect(alarm('backtest-workflow-failed')['dimensions']).toEqual({ StateMachineArn: BACKTEST });
    expect(alarm('retraining-workflow-failed')['dimensions']).toEqual({ StateMachineArn: RETRAINING });
    expect(alarm('rds-cpu')['dimensions']).toEqual({ DBInstanceIdentifier: 'tradai-mlflow-db-prod' });
    // prod allocates 50 GB: alarm under 5 GiB free.
    expect(alarm('rds-free-storage')['threshold']).toBe(5 * 1024 ** 3);
  });

  it('follows the heartbeat-monitor schedule override and treats silence as breaching', () => {
    expect(alarm('stale-heartbeats')).toMatchObject({ namespace: 'TradAI', metricName: 'StaleHeartbeats', dimensions: { Environment: 'prod' }, period: 300, treatMissingData: 'breaching' });
  });

  it('chooses missing-data treatment per alarm and says why in the description', () => {
    expect(alarm('api-5xx')).toMatchObject({ dimensions: { ApiId: 'api123' }, treatMissingData: 'notBreaching' });
    expect(alarm('rds-cpu')['treatMissingData']).toBe('missing');
    for (const a of metricAlarms()) expect(String(a.inputs['alarmDescription'])).toContain(`Missing data: ${String(a.inputs['treatMissingData'])}`);
  });

  it('ORs every child into the composite rule', () => {
    const rule = String(mocks.byType('aws:cloudwatch/compositeAlarm:CompositeAlarm')[0]!.inputs['alarmRule']);
    for (const a of metricAlarms()) expect(rule).toContain(`ALARM("${String(a.inputs['name'])}")`);
  });

  it('exports the composite ARN and one error-alarm ARN per function', () => {
    expect(outputs['composite']).toBe('arn:aws:cloudwatch:eu-central-1:123456789012:alarm:tradai-composite-prod');
    const errors = outputs['lambdaErrors'] as Record<string, string>;
    expect(Object.keys(errors).sort()).toEqual([...LAMBDA_NAMES].sort());
    expect(errors['rollback']).toBe('arn:aws:cloudwatch:eu-central-1:123456789012:alarm:tradai-rollback-errors-prod');
  });
});
