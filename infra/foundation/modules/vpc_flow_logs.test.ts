import { loadConfig } from '@tradai/infra-shared';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { VpcFlowLogs } = await import('./vpc_flow_logs.js');
  await runInStack(async () => {
    new VpcFlowLogs('fl-dev', { cfg: loadConfig('dev'), vpcId: 'vpc-0dev' });
    new VpcFlowLogs('fl-prod', { cfg: loadConfig('prod'), vpcId: 'vpc-0prod' });
    return {};
  });
});

describe('VpcFlowLogs', () => {
  it('logs ALL traffic of the VPC to its CloudWatch log group through its role', () => {
    const fl = mocks.find('aws:ec2/flowLog:FlowLog', 'fl-dev').inputs;
    expect(fl).toMatchObject({ vpcId: 'vpc-0dev', trafficType: 'ALL', logDestinationType: 'cloud-watch-logs' });
    expect(fl['logDestination']).toBe('arn:aws:logs:eu-central-1:123456789012:log-group:/aws/vpc/flow-logs/tradai-vpc-dev');
    expect(fl['iamRoleArn']).toBe('arn:aws:iam::123456789012:role/tradai-vpc-flow-logs-dev');
  });

  it('keeps logs 30 days in dev and 90 in prod', () => {
    expect(mocks.find('aws:cloudwatch/logGroup:LogGroup', 'fl-dev-logs').inputs['retentionInDays']).toBe(30);
    expect(mocks.find('aws:cloudwatch/logGroup:LogGroup', 'fl-prod-logs').inputs['retentionInDays']).toBe(90);
  });

  it('lets only the flow-logs service of this account assume the role', () => {
    const trust = JSON.parse(String(mocks.find('aws:iam/role:Role', 'fl-dev-role').inputs['assumeRolePolicy']));
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
      Action: ['sts:AssumeRole'],
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });

  it('lets the role write only to its own log group', () => {
    const policy = JSON.parse(String(mocks.find('aws:iam/rolePolicy:RolePolicy', 'fl-dev-policy').inputs['policy']));
    const group = 'arn:aws:logs:eu-central-1:123456789012:log-group:/aws/vpc/flow-logs/tradai-vpc-dev';
    const write = policy.Statement.find((s: { Action: string[] }) => s.Action.includes('logs:PutLogEvents'));
    expect(write.Resource).toEqual([group, `${group}:log-stream:*`]);
    for (const s of policy.Statement) expect(s.Action.some((a: string) => a === '*' || a.endsWith(':*'))).toBe(false);
  });
});
