import { loadConfig } from '@tradai/infra-shared';
import { promiseOf, runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

type Rule = { ruleNo: number; protocol: string; action: string; cidrBlock: string; fromPort: number; toPort: number };
const privateCidrs = ['10.0.16.0/20', '10.0.32.0/20'];
const subnetIds = {
  public: ['subnet-pub1', 'subnet-pub2'],
  private: ['subnet-priv1', 'subnet-priv2'],
  database: ['subnet-db1', 'subnet-db2'],
};

let mocks: PulumiMocks;
const aclIds: Record<string, string> = {};

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { NetworkAcls } = await import('./nacl.js');
  await runInStack(async () => {
    const nacls = new NetworkAcls('nacl', { cfg: loadConfig('dev'), vpcId: 'vpc-0test', vpcCidr: '10.0.0.0/16', privateCidrs, subnetIds });
    for (const [tier, acl] of Object.entries(nacls.acls)) aclIds[tier] = await promiseOf(acl.id);
    return {};
  });
});

const acl = (tier: string) => mocks.byType('aws:ec2/networkAcl:NetworkAcl').find((a) => (a.inputs['tags'] as Record<string, string>)['Tier'] === tier)!;

describe('NetworkAcls', () => {
  it('creates one NACL per tier, named from config', () => {
    const acls = mocks.byType('aws:ec2/networkAcl:NetworkAcl');
    expect(acls.map((a) => (a.inputs['tags'] as Record<string, string>)['Name']).sort()).toEqual(['tradai-database-nacl-dev', 'tradai-private-nacl-dev', 'tradai-public-nacl-dev']);
    for (const a of acls) expect(a.inputs['vpcId']).toBe('vpc-0test');
  });

  it('attaches each subnet to its own tier NACL, and every subnet exactly once', () => {
    const assoc = mocks.byType('aws:ec2/networkAclAssociation:NetworkAclAssociation');
    expect(assoc).toHaveLength(6);
    for (const [tier, ids] of Object.entries(subnetIds)) {
      for (const id of ids) expect(assoc.filter((a) => a.inputs['subnetId'] === id).map((a) => a.inputs['networkAclId'])).toEqual([aclIds[tier]]);
    }
  });

  it('lets the database tier be reached only from the private subnets on 5432, replies only back to them', () => {
    const db = acl('database');
    const ingress = db.inputs['ingress'] as Rule[];
    const egress = db.inputs['egress'] as Rule[];
    expect(ingress.map((r) => [r.cidrBlock, r.protocol, r.fromPort, r.toPort, r.action]).sort()).toEqual(privateCidrs.map((c) => [c, 'tcp', 5432, 5432, 'allow']));
    expect(egress.map((r) => [r.cidrBlock, r.protocol, r.fromPort, r.toPort]).sort()).toEqual(privateCidrs.map((c) => [c, 'tcp', 1024, 65535]));
  });

  it('opens the public tier to the internet on 80/443 and replies only', () => {
    const fromInternet = (acl('public').inputs['ingress'] as Rule[]).filter((r) => r.cidrBlock === '0.0.0.0/0');
    expect(fromInternet.every((r) => r.protocol !== '-1')).toBe(true);
    expect(fromInternet.map((r) => `${r.fromPort}-${r.toPort}`).sort()).toEqual(['1024-65535', '1024-65535', '443-443', '80-80']);
  });
});
