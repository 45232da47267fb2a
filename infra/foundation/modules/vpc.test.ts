import { loadConfig } from '@tradai/infra-shared';
import { promiseOf, runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
let ids: { vpc: string; igw: string; private: string[]; database: string[]; public: string[]; endpointRts: string[] };
const rtOf = (subnetId: string) => mocks.byType('aws:ec2/routeTableAssociation:RouteTableAssociation').find((a) => a.inputs['subnetId'] === subnetId)!.inputs['routeTableId'];

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { Vpc } = await import('./vpc.js');
  await runInStack(async () => {
    const v = new Vpc('vpc', { cfg: loadConfig('dev') });
    v.routePrivateTrafficVia('eni-0nat');
    ids = {
      vpc: await promiseOf(v.vpc.id),
      igw: await promiseOf(v.internetGateway.id),
      public: await promiseOf(v.subnetIds('public')),
      private: await promiseOf(v.subnetIds('private')),
      database: await promiseOf(v.subnetIds('database')),
      endpointRts: await Promise.all(v.endpointRouteTableIds.map((o) => promiseOf(o))),
    };
    return {};
  });
});

describe('Vpc', () => {
  it('is 10.0.0.0/16 with DNS support for private endpoints, named from config', () => {
    const [vpc] = mocks.byType('aws:ec2/vpc:Vpc');
    expect(vpc!.inputs).toMatchObject({ cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
    expect((vpc!.inputs['tags'] as Record<string, string>)['Name']).toBe('tradai-vpc-dev');
    expect(vpc!.parent).toBe('tradai:foundation:Vpc::vpc');
  });

  it('has 6 subnets: 2 public, 2 private, 2 database, each tier across two AZs', () => {
    const subnets = mocks.byType('aws:ec2/subnet:Subnet');
    expect(subnets).toHaveLength(6);
    for (const tier of ['public', 'private', 'database']) {
      const tierSubnets = subnets.filter((s) => (s.inputs['tags'] as Record<string, string>)['Tier'] === tier);
      expect(tierSubnets).toHaveLength(2);
      expect(tierSubnets.map((s) => s.inputs['availabilityZone']).sort()).toEqual(['eu-central-1a', 'eu-central-1b']);
    }
    expect(subnets.map((s) => s.inputs['cidrBlock'])).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.16.0/20', '10.0.32.0/20', '10.0.48.0/24', '10.0.49.0/24']);
    expect(subnets.every((s) => s.inputs['mapPublicIpOnLaunch'] === false)).toBe(true);
    expect(mocks.invokes.some((i) => i.token === 'aws:index/getAvailabilityZones:getAvailabilityZones')).toBe(true);
  });

  it('routes public subnets to the internet gateway', () => {
    const rt = rtOf(ids.public[0]!);
    expect(rtOf(ids.public[1]!)).toBe(rt);
    const routes = mocks.byType('aws:ec2/route:Route').filter((r) => r.inputs['routeTableId'] === rt);
    expect(routes.map((r) => [r.inputs['destinationCidrBlock'], r.inputs['gatewayId']])).toEqual([['0.0.0.0/0', ids.igw]]);
  });

  it('routes private subnets through the NAT instance network interface, one route table per AZ', () => {
    const rts = ids.private.map(rtOf);
    expect(new Set(rts).size).toBe(2);
    for (const rt of rts) {
      const routes = mocks.byType('aws:ec2/route:Route').filter((r) => r.inputs['routeTableId'] === rt);
      expect(routes.map((r) => [r.inputs['destinationCidrBlock'], r.inputs['networkInterfaceId'], r.inputs['gatewayId']])).toEqual([['0.0.0.0/0', 'eni-0nat', undefined]]);
    }
  });

  it('gives the database tier no route out of the VPC', () => {
    const rt = rtOf(ids.database[0]!);
    expect(rtOf(ids.database[1]!)).toBe(rt);
    expect(mocks.byType('aws:ec2/route:Route').filter((r) => r.inputs['routeTableId'] === rt)).toEqual([]);
    expect(ids.endpointRts).toHaveLength(3);
    expect(ids.endpointRts).toContain(rt);
  });

  it('takes over the default security group with no rules at all', () => {
    const [sg] = mocks.byType('aws:ec2/defaultSecurityGroup:DefaultSecurityGroup');
    expect(sg!.inputs['vpcId']).toBe(ids.vpc);
    expect(sg!.inputs['ingress'] ?? []).toEqual([]);
    expect(sg!.inputs['egress'] ?? []).toEqual([]);
  });

  it('tags everything with the standard tags', () => {
    for (const type of ['aws:ec2/vpc:Vpc', 'aws:ec2/subnet:Subnet', 'aws:ec2/routeTable:RouteTable', 'aws:ec2/internetGateway:InternetGateway']) {
      for (const r of mocks.byType(type)) expect(r.inputs['tags']).toMatchObject({ Application: 'tradai', Environment: 'dev', ManagedBy: 'pulumi' });
    }
  });
});
