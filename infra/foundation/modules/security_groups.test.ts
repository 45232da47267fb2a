import { loadConfig } from '@tradai/infra-shared';
import { promiseOf, runInStack, setupStackTest, type PulumiMocks, type RecordedResource } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const INGRESS = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
const EGRESS = 'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule';
const privateCidrs = ['10.0.16.0/20', '10.0.32.0/20'];

let mocks: PulumiMocks;
/** env -> group key -> security group id */
const ids: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { SecurityGroups } = await import('./security_groups.js');
  await runInStack(async () => {
    // dev runs consolidated mode, prod does not: both in one plan, told apart by their ids.
    for (const env of ['dev', 'prod'] as const) {
      const sgs = new SecurityGroups(`sg-${env}`, { cfg: loadConfig(env), vpcId: 'vpc-0test', privateCidrs });
      ids[env] = Object.fromEntries(await Promise.all(Object.entries(sgs.groups).map(async ([k, g]) => [k, await promiseOf(g.id)] as const)));
    }
    return {};
  });
});

const groupsOf = (env: string) => mocks.byType('aws:ec2/securityGroup:SecurityGroup').filter((g) => String(g.inputs['name']).endsWith(`-${env}`));
const rulesOf = (env: string, type: string, key: string) => mocks.byType(type).filter((r) => r.inputs['securityGroupId'] === ids[env]![key]);
const allRules = (env: string) => [...mocks.byType(INGRESS), ...mocks.byType(EGRESS)].filter((r) => Object.values(ids[env]!).includes(String(r.inputs['securityGroupId'])));
const covers = (r: RecordedResource, port: number) => r.inputs['ipProtocol'] === '-1' || (Number(r.inputs['fromPort']) <= port && port <= Number(r.inputs['toPort']));

describe('SecurityGroups', () => {
  it('creates the six groups, plus the consolidated group only in consolidated mode', () => {
    expect(groupsOf('prod').map((g) => g.inputs['name']).sort()).toEqual(
      ['alb', 'ecs', 'lambda', 'nat', 'rds', 'vpc-endpoint'].map((k) => `tradai-${k}-sg-prod`).sort(),
    );
    expect(groupsOf('dev')).toHaveLength(7);
    expect(ids['dev']!['consolidated']).toBeDefined();
    expect(ids['prod']!['consolidated']).toBeUndefined();
    for (const g of groupsOf('dev')) {
      expect(g.inputs['vpcId']).toBe('vpc-0test');
      expect(String(g.inputs['description']).length).toBeGreaterThan(10);
      // no inline rules: every rule is its own resource
      expect(g.inputs['ingress'] ?? []).toEqual([]);
      expect(g.inputs['egress'] ?? []).toEqual([]);
    }
  });

  it('describes every rule', () => {
    for (const env of ['dev', 'prod']) {
      const rules = allRules(env);
      expect(rules.length).toBeGreaterThan(20);
      for (const r of rules) expect(String(r.inputs['description'] ?? '').trim().length).toBeGreaterThan(5);
    }
  });

  it('opens only the ALB to the internet, and only on 80 and 443', () => {
    for (const env of ['dev', 'prod']) {
      const open = mocks.byType(INGRESS).filter((r) => Object.values(ids[env]!).includes(String(r.inputs['securityGroupId'])) && (r.inputs['cidrIpv4'] === '0.0.0.0/0' || r.inputs['cidrIpv6'] === '::/0'));
      expect(open.every((r) => r.inputs['securityGroupId'] === ids[env]!['alb'])).toBe(true);
      expect(open.map((r) => [r.inputs['ipProtocol'], r.inputs['fromPort'], r.inputs['toPort']]).sort()).toEqual([['tcp', 443, 443], ['tcp', 80, 80]]);
    }
  });

  it('lets RDS be reached only on 5432 from ECS, Lambda and (dev) the consolidated host', () => {
    const dev = ids['dev']!;
    const rds = rulesOf('dev', INGRESS, 'rds');
    expect(rds.map((r) => r.inputs['referencedSecurityGroupId']).sort()).toEqual([dev['ecs'], dev['lambda'], dev['consolidated']].sort());
    for (const r of rds) expect([r.inputs['ipProtocol'], r.inputs['fromPort'], r.inputs['toPort'], r.inputs['cidrIpv4']]).toEqual(['tcp', 5432, 5432, undefined]);
    expect(rulesOf('dev', EGRESS, 'rds')).toEqual([]);
    const prodRds = rulesOf('prod', INGRESS, 'rds');
    expect(prodRds.map((r) => r.inputs['referencedSecurityGroupId']).sort()).toEqual([ids['prod']!['ecs'], ids['prod']!['lambda']].sort());
  });

  it('lets the ALB reach the services it routes to, and only those ports', () => {
    const toEcs = rulesOf('prod', EGRESS, 'alb').filter((r) => r.inputs['referencedSecurityGroupId'] === ids['prod']!['ecs']);
    for (const port of [8000, 8002, 8003, 5000]) expect(toEcs.some((r) => covers(r, port))).toBe(true);
    for (const port of [8004, 8005, 8006, 5432]) expect(toEcs.some((r) => covers(r, port))).toBe(false);
  });

  it('has the NAT accept HTTPS only, from the private subnets only', () => {
    const nat = rulesOf('dev', INGRESS, 'nat');
    expect(nat.map((r) => r.inputs['cidrIpv4']).sort()).toEqual(privateCidrs);
    for (const r of nat) expect([r.inputs['fromPort'], r.inputs['toPort']]).toEqual([443, 443]);
  });

  it('gives Lambda and RDS no ingress from CIDR blocks', () => {
    expect(rulesOf('dev', INGRESS, 'lambda')).toEqual([]);
    expect(rulesOf('dev', INGRESS, 'rds').some((r) => r.inputs['cidrIpv4'])).toBe(false);
  });

  it('tags every rule', () => {
    for (const r of allRules('dev')) expect(r.inputs['tags']).toMatchObject({ Application: 'tradai', Environment: 'dev' });
  });
});
