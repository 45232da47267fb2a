import * as pulumi from '@pulumi/pulumi';
import { loadConfig, type InterfaceEndpointMode } from '@tradai/infra-shared';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { interfaceEndpointSubnets } from './vpc_endpoints.logic.js';

let mocks: PulumiMocks;
const routeTableIds = ['rtb-private1', 'rtb-private2', 'rtb-database'];
const privateSubnetIds = ['subnet-priv1', 'subnet-priv2'];

/** Three VPCs' worth of endpoints in one program, one per tradai:interfaceEndpoints mode (names prefixed by mode). */
beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { VpcEndpoints } = await import('./vpc_endpoints.js');
  await runInStack(async () => {
    for (const mode of ['multi-az', 'single-az', 'none'] as const) {
      const cfg = { ...loadConfig('dev'), interfaceEndpoints: mode };
      new VpcEndpoints(`vpce-${mode}`, { cfg, vpcId: 'vpc-0test', routeTableIds, privateSubnetIds, securityGroupId: 'sg-0vpce' });
    }
    return {};
  });
  await pulumi.runtime.disconnect();
});

const endpoints = (mode: InterfaceEndpointMode, type: string) =>
  mocks.byType('aws:ec2/vpcEndpoint:VpcEndpoint').filter((e) => e.name.startsWith(`vpce-${mode}-`) && e.inputs['vpcEndpointType'] === type);

describe('VpcEndpoints', () => {
  it('adds S3 and DynamoDB gateway endpoints to the private and database route tables, whatever the mode', () => {
    for (const mode of ['multi-az', 'single-az', 'none'] as const) {
      const gw = endpoints(mode, 'Gateway');
      expect(gw.map((e) => e.inputs['serviceName']).sort()).toEqual(['com.amazonaws.eu-central-1.dynamodb', 'com.amazonaws.eu-central-1.s3']);
      for (const e of gw) expect(e.inputs['routeTableIds']).toEqual(routeTableIds);
    }
  });

  it('multi-az: ECR api/dkr, Logs and STS interface endpoints with private DNS in every private subnet', () => {
    const ifc = endpoints('multi-az', 'Interface');
    expect(ifc.map((e) => e.inputs['serviceName']).sort()).toEqual(['ecr.api', 'ecr.dkr', 'logs', 'sts'].map((s) => `com.amazonaws.eu-central-1.${s}`));
    for (const e of ifc) {
      expect(e.inputs).toMatchObject({ privateDnsEnabled: true, subnetIds: privateSubnetIds, securityGroupIds: ['sg-0vpce'], vpcId: 'vpc-0test' });
    }
  });

  it('single-az: the same four endpoints, one ENI each in the first private subnet', () => {
    const ifc = endpoints('single-az', 'Interface');
    expect(ifc).toHaveLength(4);
    for (const e of ifc) expect(e.inputs['subnetIds']).toEqual(['subnet-priv1']);
  });

  it('none: no interface endpoint at all (the traffic takes the NAT instance)', () => {
    expect(endpoints('none', 'Interface')).toHaveLength(0);
  });

  it('names every endpoint from config', () => {
    const names = endpoints('multi-az', 'Interface').map((e) => (e.inputs['tags'] as Record<string, string>)['Name']);
    expect(names).toContain('tradai-vpce-ecr-api-dev');
    expect(names.every((n) => /^tradai-vpce-[a-z0-9-]+-dev$/.test(n!))).toBe(true);
  });
});

describe('interfaceEndpointSubnets', () => {
  it('places ENIs per mode and refuses an empty subnet list', () => {
    expect(interfaceEndpointSubnets('multi-az', ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(interfaceEndpointSubnets('single-az', ['a', 'b'])).toEqual(['a']);
    expect(interfaceEndpointSubnets('none', ['a', 'b'])).toEqual([]);
    expect(() => interfaceEndpointSubnets('multi-az', [])).toThrow('no private subnet');
  });
});
