import { parseLayerOutputs, outputKeys } from '@tradai/infra-shared';
import { runProgram, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev', config: { alertEmails: '["ops@example.com","oncall@example.com"]' } });
  outputs = await runProgram(() => import('./index.js'));
});

const counts = () => mocks.countsByType();

describe('tradai-foundation (dev)', () => {
  it('exports exactly the contract keys, consolidated group included, with valid values', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('foundation').sort());
    const parsed = parseLayerOutputs('foundation', outputs);
    expect(parsed.consolidated_security_group_id).toMatch(/^sg-/);
    expect(parsed.public_subnet_ids).toHaveLength(2);
    expect(parsed.private_subnet_ids).toHaveLength(2);
    expect(parsed.database_subnet_ids).toHaveLength(2);
    expect(parsed.rds_database_name).toBe('mlflow');
    expect(parsed.rds_instance_identifier).toBe('tradai-mlflow-db-dev');
    expect(parsed.rds_secret_arn).toMatch(/^arn:aws:secretsmanager:/);
    expect(parsed.backtest_queue_arn).toBe('arn:aws:sqs:eu-central-1:123456789012:tradai-backtest-queue-dev');
    expect(parsed.sns_alerts_topic_arn).toBe('arn:aws:sns:eu-central-1:123456789012:tradai-alerts-dev');
  });

  it('has the seed counts: 6 subnets, 6 + 1 security groups, 3 NACLs, 1 NAT instance, 2 gateway endpoints (interface endpoints off in dev)', () => {
    const c = counts();
    expect(c['aws:ec2/vpc:Vpc']).toBe(1);
    expect(c['aws:ec2/subnet:Subnet']).toBe(6);
    expect(c['aws:ec2/securityGroup:SecurityGroup']).toBe(7);
    expect(c['aws:ec2/networkAcl:NetworkAcl']).toBe(3);
    expect(c['aws:ec2/networkAclAssociation:NetworkAclAssociation']).toBe(6);
    expect(c['aws:ec2/instance:Instance']).toBe(1);
    // tradai:interfaceEndpoints defaults to none in dev: only the free S3 and DynamoDB gateway endpoints.
    expect(c['aws:ec2/vpcEndpoint:VpcEndpoint']).toBe(2);
    expect(mocks.byType('aws:ec2/vpcEndpoint:VpcEndpoint').every((e) => e.inputs['vpcEndpointType'] === 'Gateway')).toBe(true);
    expect(c['aws:ec2/flowLog:FlowLog']).toBe(1);
    expect(c['aws:rds/instance:Instance']).toBe(1);
    expect(c['aws:sqs/queue:Queue']).toBe(2);
    expect(c['aws:sns/topic:Topic']).toBe(2);
    expect(c['aws:secretsmanager/secretRotation:SecretRotation']).toBe(1);
    expect(c['aws:sns/topicSubscription:TopicSubscription']).toBe(2);
  });

  it('routes the private subnets through the NAT instance ENI', () => {
    const nat = mocks.byType('aws:ec2/route:Route').filter((r) => r.inputs['networkInterfaceId']);
    expect(nat).toHaveLength(2);
    expect(new Set(nat.map((r) => r.inputs['networkInterfaceId'])).size).toBe(1);
    expect(String(nat[0]!.inputs['networkInterfaceId'])).toMatch(/^eni-0/);
  });

  it('places the NAT instance in the first public subnet and RDS in the database subnets', () => {
    const nat = mocks.find('aws:ec2/instance:Instance', 'nat').inputs;
    expect(nat['subnetId']).toBe((outputs['public_subnet_ids'] as string[])[0]);
    expect(mocks.byType('aws:rds/subnetGroup:SubnetGroup')[0]!.inputs['subnetIds']).toEqual(outputs['database_subnet_ids']);
  });

  it('wires the rotation alert to the alerts topic and the RDS secret', () => {
    expect(mocks.byType('aws:cloudwatch/eventTarget:EventTarget')[0]!.inputs['arn']).toBe(outputs['sns_alerts_topic_arn']);
    expect(mocks.byType('aws:secretsmanager/secretRotation:SecretRotation')[0]!.inputs['secretId']).toBe(outputs['rds_secret_arn']);
  });

  it('uses dev sizes and retention', () => {
    expect(mocks.byType('aws:rds/instance:Instance')[0]!.inputs).toMatchObject({ instanceClass: 'db.t4g.micro', multiAz: false, deletionProtection: false });
    for (const g of mocks.byType('aws:cloudwatch/logGroup:LogGroup')) expect(g.inputs['retentionInDays']).toBe(30);
  });

  it('puts every AWS resource under a foundation component and tags the taggable ones', () => {
    const untaggable = new Set([
      'aws:ec2/route:Route',
      'aws:ec2/routeTableAssociation:RouteTableAssociation',
      'aws:ec2/networkAclAssociation:NetworkAclAssociation',
      'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
      'aws:iam/rolePolicy:RolePolicy',
      'aws:sqs/queuePolicy:QueuePolicy',
      'aws:sqs/redriveAllowPolicy:RedriveAllowPolicy',
      'aws:sns/topicPolicy:TopicPolicy',
      'aws:sns/topicSubscription:TopicSubscription',
      'aws:kms/alias:Alias',
      'aws:secretsmanager/secretRotation:SecretRotation',
      'aws:cloudwatch/eventTarget:EventTarget',
    ]);
    for (const r of mocks.resources.filter((x) => x.type.startsWith('aws:'))) {
      expect(r.parent, `${r.type} ${r.name}`).toMatch(/^tradai:foundation:/);
      if (!untaggable.has(r.type)) expect(r.inputs['tags'], `${r.type} ${r.name}`).toMatchObject({ Application: 'tradai', Environment: 'dev' });
    }
  });
});
