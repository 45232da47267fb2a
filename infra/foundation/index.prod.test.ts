import { outputKeys, parseLayerOutputs } from '@tradai/infra-shared';
import { runProgram, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'prod' });
  outputs = await runProgram(() => import('./index.js'));
});

describe('tradai-foundation (prod)', () => {
  it('exports the contract keys without the consolidated group (Fargate in prod)', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('foundation').filter((k) => k !== 'consolidated_security_group_id').sort());
    expect(() => parseLayerOutputs('foundation', outputs)).not.toThrow();
  });

  it('keeps the four interface endpoints in every private subnet (tradai:interfaceEndpoints defaults to multi-az in prod)', () => {
    const ifc = mocks.byType('aws:ec2/vpcEndpoint:VpcEndpoint').filter((e) => e.inputs['vpcEndpointType'] === 'Interface');
    expect(ifc).toHaveLength(4);
    const privateSubnets = outputs['private_subnet_ids'] as string[];
    expect(privateSubnets.length).toBeGreaterThan(1);
    for (const e of ifc) expect(e.inputs['subnetIds']).toEqual(privateSubnets);
  });

  it('has exactly the six security groups', () => {
    expect(mocks.byType('aws:ec2/securityGroup:SecurityGroup').map((g) => g.inputs['name']).sort()).toEqual(
      ['alb', 'ecs', 'lambda', 'nat', 'rds', 'vpc-endpoint'].map((k) => `tradai-${k}-sg-prod`).sort(),
    );
  });

  it('runs the prod database: db.t4g.small, 50 GB, multi-AZ, 14-day backups, deletion protection, final snapshot', () => {
    expect(mocks.byType('aws:rds/instance:Instance')[0]!.inputs).toMatchObject({
      identifier: 'tradai-mlflow-db-prod',
      instanceClass: 'db.t4g.small',
      allocatedStorage: 50,
      multiAz: true,
      backupRetentionPeriod: 14,
      deletionProtection: true,
      skipFinalSnapshot: false,
      storageEncrypted: true,
      publiclyAccessible: false,
    });
  });

  it('keeps logs 90 days', () => {
    const groups = mocks.byType('aws:cloudwatch/logGroup:LogGroup');
    expect(groups.length).toBe(3);
    for (const g of groups) expect(g.inputs['retentionInDays']).toBe(90);
  });

  it('subscribes nobody when tradai:alertEmails is not set', () => {
    expect(mocks.byType('aws:sns/topicSubscription:TopicSubscription')).toEqual([]);
  });
});
