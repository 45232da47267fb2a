import { loadConfig } from '@tradai/infra-shared';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
const routeTableIds = ['rtb-private1', 'rtb-private2', 'rtb-database'];
const privateSubnetIds = ['subnet-priv1', 'subnet-priv2'];

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { VpcEndpoints } = await import('./vpc_endpoints.js');
  await runInStack(async () => {
    new VpcEndpoints('vpce', { cfg: loadConfig('dev'), vpcId: 'vpc-0test', routeTableIds, privateSubnetIds, securityGroupId: 'sg-0vpce' });
    return {};
  });
});

const endpoints = (type: string) => mocks.byType('aws:ec2/vpcEndpoint:VpcEndpoint').filter((e) => e.inputs['vpcEndpointType'] === type);

describe('VpcEndpoints', () => {
  it('adds S3 and DynamoDB gateway endpoints to the private and database route tables', () => {
    const gw = endpoints('Gateway');
    expect(gw.map((e) => e.inputs['serviceName']).sort()).toEqual(['com.amazonaws.eu-central-1.dynamodb', 'com.amazonaws.eu-central-1.s3']);
    for (const e of gw) expect(e.inputs['routeTableIds']).toEqual(routeTableIds);
  });

  it('adds ECR api/dkr, Logs and STS interface endpoints with private DNS in the private subnets behind the endpoint group', () => {
    const ifc = endpoints('Interface');
    expect(ifc.map((e) => e.inputs['serviceName']).sort()).toEqual(
      ['ecr.api', 'ecr.dkr', 'logs', 'sts'].map((s) => `com.amazonaws.eu-central-1.${s}`),
    );
    for (const e of ifc) {
      expect(e.inputs).toMatchObject({ privateDnsEnabled: true, subnetIds: privateSubnetIds, securityGroupIds: ['sg-0vpce'], vpcId: 'vpc-0test' });
    }
  });

  it('names every endpoint from config', () => {
    const names = mocks.byType('aws:ec2/vpcEndpoint:VpcEndpoint').map((e) => (e.inputs['tags'] as Record<string, string>)['Name']);
    expect(names).toContain('tradai-vpce-ecr-api-dev');
    expect(names.every((n) => /^tradai-vpce-[a-z0-9-]+-dev$/.test(n!))).toBe(true);
  });
});
