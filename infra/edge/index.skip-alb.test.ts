import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputKeys } from '@tradai/infra-shared';
import { runProgram, setupStackTest, upstreamFixtures, type PulumiMocks } from '@tradai/infra-shared/testing';

/** staging with tradai:skipAlb: compute exports no ALB outputs. */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  const stackOutputs = upstreamFixtures('edge', 'staging');
  const compute = stackOutputs['organization/tradai-compute/staging']!;
  for (const key of ['alb_arn', 'alb_dns_name', 'alb_https_listener_arn', 'alb_http_listener_arn']) delete compute[key];
  mocks = await setupStackTest({ project: 'tradai-edge', stack: 'staging', config: { skipAlb: 'true' }, stackOutputs });
  outputs = await runProgram(() => import('./index.js'));
  await pulumi.runtime.disconnect();
});

describe('tradai-edge with tradai:skipAlb', () => {
  it('still exports every edge key', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('edge').sort());
  });

  it('serves only the SQS-backed backtest submission: no VPC Link, no ALB integrations', () => {
    const routes = mocks.byType('aws:apigatewayv2/route:Route');
    expect(routes.map((r) => r.inputs['routeKey'])).toEqual(['POST /api/v1/backtests']);
    expect(mocks.byType('aws:apigatewayv2/vpcLink:VpcLink')).toHaveLength(0);
    expect(mocks.byType('aws:apigatewayv2/integration:Integration').map((i) => i.inputs['integrationSubtype'])).toEqual(['SQS-SendMessage']);
    expect(mocks.byType('aws:apigatewayv2/stage:Stage')[0]!.inputs['routeSettings']).toEqual([{ routeKey: 'POST /api/v1/backtests', throttlingRateLimit: 10, throttlingBurstLimit: 20 }]);
  });

  it('creates the WebACL without an association and keeps every alarm', () => {
    expect(mocks.byType('aws:wafv2/webAcl:WebAcl')).toHaveLength(1);
    expect(mocks.byType('aws:wafv2/webAclAssociation:WebAclAssociation')).toHaveLength(0);
    expect(mocks.byType('aws:cloudwatch/metricAlarm:MetricAlarm')).toHaveLength(24);
  });
});
