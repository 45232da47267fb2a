import { LAMBDA_ACCESS, LAMBDA_NAMES, TABLE_KEYS, lambdaEnvNames, type TableKey } from '@tradai/contracts';
import { LAMBDA_SCHEDULES, SCHEDULED_LAMBDAS, loadConfig } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { DEFERRED_LAMBDAS, IMMEDIATE_LAMBDAS, lambdaEnvironment, maxEventAgeSeconds, ratePeriodSeconds, schedulePlan, type LambdaEnvRefs } from './lambda_funcs.logic.js';

const refs: LambdaEnvRefs<string> = {
  env: 'staging',
  tableNames: Object.fromEntries(TABLE_KEYS.map((t) => [t, `tbl-${t}`])) as Record<TableKey, string>,
  configsBucket: 'bkt-configs',
  resultsBucket: 'bkt-results',
  alertsTopicArn: 'arn:alerts',
  clusterArn: 'arn:cluster',
  m2mSecretArn: 'arn:secret:m2m',
  workflowArns: { backtest: 'arn:sm:backtest', retraining: 'arn:sm:retraining' },
};

describe('lambdaEnvironment', () => {
  it.each(LAMBDA_NAMES)('%s gets exactly lambdaEnvNames, each with a value', (name) => {
    const env = lambdaEnvironment(name, refs);
    expect(Object.keys(env)).toEqual(lambdaEnvNames(name));
    for (const [k, v] of Object.entries(env)) expect(v, k).toMatch(/\S/);
    expect(env['TRADAI_ENVIRONMENT']).toBe('staging');
    for (const [k, v] of Object.entries(LAMBDA_ACCESS[name].settings ?? {})) expect(env[k]).toBe(v);
  });

  it('wires values from their sources', () => {
    expect(lambdaEnvironment('backtest-consumer', refs)).toEqual({
      TRADAI_ENVIRONMENT: 'staging',
      IDEMPOTENCY_TABLE: 'tbl-idempotency',
      WORKFLOW_STATE_TABLE: 'tbl-workflow_state',
      BACKTEST_WORKFLOW_ARN: 'arn:sm:backtest',
    });
    expect(lambdaEnvironment('deployment-verifier', refs)['ROLLBACK_FUNCTION_NAME']).toBe('tradai-rollback-staging');
    expect(lambdaEnvironment('health-check', refs)['SERVICE_DISCOVERY_NAMESPACE']).toBe('tradai-staging.local');
    expect(lambdaEnvironment('compare-models', refs)['MLFLOW_TRACKING_URI']).toBe('http://mlflow.tradai-staging.local:5000/mlflow');
    expect(lambdaEnvironment('orphan-cleanup', refs)['ECS_CLUSTER_ARN']).toBe('arn:cluster');
    expect(lambdaEnvironment('data-collection-trigger', refs)['COGNITO_M2M_SECRET_ARN']).toBe('arn:secret:m2m');
    expect(lambdaEnvironment('health-check', refs)).not.toHaveProperty('COGNITO_M2M_SECRET_ARN');
  });

  it('a function needing a workflow ARN cannot be created before the state machines', () => {
    const early = { ...refs, workflowArns: undefined };
    expect(() => lambdaEnvironment('drift-monitor', early)).toThrow('Lambda drift-monitor: no value for environment variable RETRAINING_WORKFLOW_ARN (a workflow ARN: the function must be deferred');
    for (const name of IMMEDIATE_LAMBDAS) expect(() => lambdaEnvironment(name, early)).not.toThrow();
  });

  it('deferred functions are exactly the ones that start workflows', () => {
    expect([...DEFERRED_LAMBDAS].sort()).toEqual(LAMBDA_NAMES.filter((n) => LAMBDA_ACCESS[n].startsWorkflows?.length).sort());
    expect(IMMEDIATE_LAMBDAS.length + DEFERRED_LAMBDAS.length).toBe(18);
  });
});

describe('schedules', () => {
  it('six schedules with the seed expressions by default', () => {
    const plan = schedulePlan(loadConfig('dev'));
    expect(plan.map((p) => p.lambda)).toEqual([...SCHEDULED_LAMBDAS]);
    expect(Object.fromEntries(plan.map((p) => [p.lambda, p.expression]))).toEqual(LAMBDA_SCHEDULES);
    expect(plan.find((p) => p.lambda === 'health-check')!.name).toBe('tradai-health-check-schedule-dev');
  });

  it('tradai:lambdaSchedules overrides one expression and keeps the others', () => {
    const plan = schedulePlan(loadConfig('prod', { lambdaSchedules: '{"health-check":"rate(2 minutes)","drift-monitor":"cron(0 3 * * ? *)"}' }));
    const by = Object.fromEntries(plan.map((p) => [p.lambda, p]));
    expect(by['health-check']!.expression).toBe('rate(2 minutes)');
    expect(by['health-check']!.retry.maximumEventAgeInSeconds).toBe(120);
    expect(by['drift-monitor']!.expression).toBe('cron(0 3 * * ? *)');
    expect(by['orphan-cleanup']!.expression).toBe(LAMBDA_SCHEDULES['orphan-cleanup']);
  });

  it('a late event is dropped once the next run is due (60 s .. 1 h)', () => {
    expect(ratePeriodSeconds('rate(1 minute)')).toBe(60);
    expect(ratePeriodSeconds('rate(6 hours)')).toBe(21_600);
    expect(ratePeriodSeconds('cron(0 6 * * ? *)')).toBeUndefined();
    expect(maxEventAgeSeconds('rate(1 minute)')).toBe(60);
    expect(maxEventAgeSeconds('rate(15 minutes)')).toBe(900);
    expect(maxEventAgeSeconds('rate(1 day)')).toBe(3600);
    expect(maxEventAgeSeconds('cron(0 */6 * * ? *)')).toBe(3600);
  });
});
