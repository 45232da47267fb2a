import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';

/** One scenario: prod dashboard (Fargate only, no consolidated instance). */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
const acct = 'arn:aws:ecs:eu-central-1:123456789012';

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-edge', stack: 'prod' });
  const { CloudwatchDashboard } = await import('./cloudwatch_dashboard.js');
  outputs = await runInStack(() => {
    const d = new CloudwatchDashboard('dashboard', {
      cfg: stackConfig(),
      region: 'eu-central-1',
      ecsClusterArn: `${acct}:cluster/tradai-cluster-prod`,
      ecsServiceArns: { 'backend-api': `${acct}:service/tradai-cluster-prod/tradai-backend-api-prod` },
      consolidatedAsgName: undefined,
      lambdaFunctionArns: { rollback: 'arn:aws:lambda:eu-central-1:123456789012:function:tradai-rollback-prod' },
      rdsInstanceIdentifier: 'tradai-mlflow-db-prod',
      apiId: 'api123',
      backtestStateMachineArn: 'arn:sm:backtest',
      retrainingStateMachineArn: 'arn:sm:retraining',
      alarmArns: ['arn:alarm:composite'],
    });
    return { url: d.url };
  });
  await pulumi.runtime.disconnect();
});

type Body = { widgets: { type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: string[] } }[] };

describe('CloudwatchDashboard', () => {
  it('is named from config and exports its console URL', () => {
    const dashboard = mocks.byType('aws:cloudwatch/dashboard:Dashboard')[0]!;
    expect(dashboard.inputs['dashboardName']).toBe('tradai-operations-prod');
    expect(outputs['url']).toBe('https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#dashboards/dashboard/tradai-operations-prod');
  });

  it('renders the ECS, Lambda, RDS, API Gateway and Step Functions widgets from resolved outputs', () => {
    const body = JSON.parse(String(mocks.byType('aws:cloudwatch/dashboard:Dashboard')[0]!.inputs['dashboardBody'])) as Body;
    const titles = body.widgets.map((w) => w.properties.title ?? '');
    for (const prefix of ['ECS services', 'Lambda', 'RDS', 'API Gateway', 'Step Functions: backtest', 'Step Functions: retraining']) {
      expect(titles.some((t) => t.startsWith(prefix))).toBe(true);
    }
    expect(titles.some((t) => t.startsWith('Consolidated EC2'))).toBe(false);
    const ecs = body.widgets.find((w) => w.properties.title === 'ECS services: CPU %')!;
    expect(ecs.properties.metrics![0]).toEqual(['AWS/ECS', 'CPUUtilization', 'ClusterName', 'tradai-cluster-prod', 'ServiceName', 'tradai-backend-api-prod', { label: 'backend-api' }]);
    const lambda = body.widgets.find((w) => w.properties.title === 'Lambda: errors')!;
    expect(lambda.properties.metrics![0]).toContain('tradai-rollback-prod');
    expect(body.widgets.find((w) => w.type === 'alarm')!.properties.alarms).toEqual(['arn:alarm:composite']);
  });
});
