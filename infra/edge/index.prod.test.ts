import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputKeys } from '@tradai/infra-shared';
import { fixtureOutputs, runProgram, setupStackTest, upstreamFixtures, type PulumiMocks } from '@tradai/infra-shared/testing';

/** prod with a certificate on the ALB (fixture HTTPS listener), a custom domain and geo blocking. */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
const DOMAIN = { domainName: 'api.tradai.example.com', certificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/abc-123' };

beforeAll(async () => {
  mocks = await setupStackTest({
    project: 'tradai-edge',
    stack: 'prod',
    config: { customDomain: JSON.stringify(DOMAIN), geoBlockCountries: '["KP"]' },
    stackOutputs: upstreamFixtures('edge', 'prod'),
  });
  outputs = await runProgram(() => import('./index.js'));
  await pulumi.runtime.disconnect();
});

const persistent = fixtureOutputs('persistent', 'prod');
const foundation = fixtureOutputs('foundation', 'prod');
const compute = fixtureOutputs('compute', 'prod');

describe('tradai-edge prod', () => {
  it('exports exactly the edge keys of the contract, from the resources it created', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('edge').sort());
    const composite = mocks.byType('aws:cloudwatch/compositeAlarm:CompositeAlarm')[0]!;
    expect(outputs['composite_alarm_arn']).toBe(`arn:aws:cloudwatch:eu-central-1:123456789012:alarm:${String(composite.inputs['alarmName'])}`);
    expect(outputs['waf_web_acl_arn']).toMatch(/:regional\/webacl\/tradai-waf-prod\//);
    expect(String(outputs['api_gateway_endpoint']).endsWith(`${String(outputs['api_gateway_id'])}.execute-api.eu-central-1.amazonaws.com`)).toBe(true);
  });

  it('has no CORS block in prod', () => {
    expect(mocks.byType('aws:apigatewayv2/api:Api')[0]!.inputs['corsConfiguration']).toBeUndefined();
  });

  it('reaches the HTTPS listener, verifying the custom domain, and maps the domain', () => {
    const alb = mocks.byType('aws:apigatewayv2/integration:Integration').filter((i) => i.inputs['connectionType'] === 'VPC_LINK');
    expect(alb).toHaveLength(4);
    for (const i of alb) expect(i.inputs).toMatchObject({ integrationUri: compute.alb_https_listener_arn, tlsConfig: { serverNameToVerify: DOMAIN.domainName } });
    expect(mocks.byType('aws:apigatewayv2/apiMapping:ApiMapping')).toHaveLength(1);
  });

  it('reads Cognito, the queue and the topic from the upstream stacks', () => {
    const authorizer = mocks.byType('aws:apigatewayv2/authorizer:Authorizer')[0]!;
    expect(authorizer.inputs['jwtConfiguration']).toEqual({
      issuer: `https://${persistent.cognito_user_pool_endpoint}`,
      audiences: [persistent.cognito_user_pool_client_id, persistent.cognito_m2m_client_id],
    });
    const sqs = mocks.find('aws:apigatewayv2/integration:Integration', 'api-sqs-backtest');
    expect((sqs.inputs['requestParameters'] as Record<string, string>)['QueueUrl']).toBe(foundation.backtest_queue_url);
    for (const a of mocks.byType('aws:cloudwatch/metricAlarm:MetricAlarm')) expect(a.inputs['alarmActions']).toEqual([foundation.sns_alerts_topic_arn]);
  });

  it('builds the retraining state machine ARN from the name, region and account', () => {
    const alarm = mocks.find('aws:cloudwatch/metricAlarm:MetricAlarm', 'alarms-retraining-workflow-failed');
    expect(alarm.inputs['dimensions']).toEqual({ StateMachineArn: `arn:aws:states:eu-central-1:123456789012:stateMachine:${compute.retraining_workflow_name}` });
    expect(mocks.find('aws:cloudwatch/metricAlarm:MetricAlarm', 'alarms-backtest-workflow-failed').inputs['dimensions']).toEqual({ StateMachineArn: compute.backtest_workflow_arn });
  });

  it('blocks the configured countries and keeps logs 90 days', () => {
    const rules = mocks.byType('aws:wafv2/webAcl:WebAcl')[0]!.inputs['rules'] as { name: string }[];
    expect(rules[0]!.name).toBe('geo-block');
    for (const lg of mocks.byType('aws:cloudwatch/logGroup:LogGroup')) expect(lg.inputs['retentionInDays']).toBe(90);
  });

  it('shows no consolidated instance on the prod dashboard', () => {
    const body = String(mocks.byType('aws:cloudwatch/dashboard:Dashboard')[0]!.inputs['dashboardBody']);
    expect(body).not.toContain('Consolidated EC2');
    expect(body).toContain(compute.ecs_cluster_arn.split('/').pop()!);
  });
});
