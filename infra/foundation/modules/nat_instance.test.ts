import { loadConfig } from '@tradai/infra-shared';
import { promiseOf, runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
let eni: string;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { NatInstance } = await import('./nat_instance.js');
  await runInStack(async () => {
    const nat = new NatInstance('nat', { cfg: loadConfig('dev'), subnetId: 'subnet-pub1', securityGroupId: 'sg-0nat', vpcCidr: '10.0.0.0/16' });
    eni = await promiseOf(nat.networkInterfaceId);
    return {};
  });
});

const instance = () => mocks.find('aws:ec2/instance:Instance', 'nat').inputs;

describe('NatInstance', () => {
  it('is a t4g.nano on the latest AL2023 arm64 AMI', () => {
    const lookup = mocks.invokes.find((i) => i.token === 'aws:ec2/getAmi:getAmi')!;
    const filters = lookup.inputs['filters'] as { name: string; values: string[] }[];
    expect(filters.find((f) => f.name === 'architecture')!.values).toEqual(['arm64']);
    expect(filters.find((f) => f.name === 'name')!.values[0]).toMatch(/^al2023-ami-/);
    expect(instance()['instanceType']).toBe('t4g.nano');
    expect(instance()['ami']).toBe('ami-0al2023arm64');
  });

  it('forwards traffic: source/dest check off, in the public subnet with the NAT group', () => {
    expect(instance()).toMatchObject({ sourceDestCheck: false, subnetId: 'subnet-pub1', vpcSecurityGroupIds: ['sg-0nat'], associatePublicIpAddress: true });
    expect(eni).toMatch(/^eni-0/);
  });

  it('requires IMDSv2 and encrypts its root volume', () => {
    expect(instance()['metadataOptions']).toMatchObject({ httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 });
    expect(instance()['rootBlockDevice']).toMatchObject({ encrypted: true });
  });

  it('enables forwarding and MASQUERADE for the VPC in its user data', () => {
    const userData = String(instance()['userData']);
    expect(userData.startsWith('#!/bin/bash')).toBe(true);
    expect(userData).toContain('net.ipv4.ip_forward = 1');
    expect(userData).toContain("VPC_CIDR='10.0.0.0/16'");
    expect(userData).toContain('-j MASQUERADE');
    expect(instance()['userDataReplaceOnChange']).toBe(true);
  });

  it('gets a stable Elastic IP', () => {
    const [eip] = mocks.byType('aws:ec2/eip:Eip');
    expect(eip!.inputs['domain']).toBe('vpc');
    expect(String(eip!.inputs['instance'])).toMatch(/^i-0/);
  });

  it('can be reached by Session Manager only: EC2 trust, SSM core policy', () => {
    const role = mocks.find('aws:iam/role:Role', 'nat-role').inputs;
    expect(role['name']).toBe('tradai-nat-instance-dev');
    const trust = JSON.parse(String(role['assumeRolePolicy']));
    expect(trust.Statement.map((s: { Principal: unknown }) => s.Principal)).toEqual([{ Service: 'ec2.amazonaws.com' }]);
    expect(mocks.byType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((a) => a.inputs['policyArn'])).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
    expect(instance()['iamInstanceProfile']).toBe('tradai-nat-instance-dev');
  });
});
