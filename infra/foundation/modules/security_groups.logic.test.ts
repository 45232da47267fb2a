import { SERVICES, SERVICE_NAMES, type SecurityRuleSpec } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { ALB_SERVICES, buildSecurityRules, servicePortGroups, type GroupKey } from './security_groups.logic.js';

const ids = { alb: 'sg-alb', ecs: 'sg-ecs', lambda: 'sg-lambda', rds: 'sg-rds', nat: 'sg-nat', 'vpc-endpoint': 'sg-vpce' } as const;
const names = Object.fromEntries(
  (['alb', 'ecs', 'lambda', 'rds', 'nat', 'vpc-endpoint', 'consolidated'] as const).map((k) => [k, `tradai-${k}-sg-dev`]),
) as Record<GroupKey, string>;
const privateCidrs = ['10.0.16.0/20', '10.0.32.0/20'];
const idToKey = new Map<string, GroupKey>([...Object.entries(ids).map(([k, v]) => [v, k as GroupKey] as const), ['sg-host', 'consolidated']]);

const withHost = buildSecurityRules({ ids: { ...ids, consolidated: 'sg-host' }, privateCidrs, names });
const withoutHost = buildSecurityRules({ ids, privateCidrs, names });

const all = (rules: typeof withHost) => Object.entries(rules).flatMap(([group, list]) => list!.map((r) => ({ group: group as GroupKey, ...r })));
const covers = (r: SecurityRuleSpec, port: number) => r.protocol === '-1' || (r.fromPort <= port && port <= r.toPort);

describe('servicePortGroups', () => {
  it('merges contiguous ports and keeps every service port covered once', () => {
    const groups = servicePortGroups(SERVICE_NAMES);
    expect(groups.map((g) => `${g.range.from}-${g.range.to}`)).toEqual(['5000-5000', '8000-8000', '8002-8006']);
    for (const s of SERVICE_NAMES) {
      expect(groups.filter((g) => g.range.from <= SERVICES[s].port && SERVICES[s].port <= g.range.to)).toHaveLength(1);
    }
  });

  it('covers exactly the ALB services for the load balancer', () => {
    const ports = servicePortGroups(ALB_SERVICES).flatMap((g) => Array.from({ length: g.range.to - g.range.from + 1 }, (_, i) => g.range.from + i));
    expect(ports.sort()).toEqual(ALB_SERVICES.map((s) => SERVICES[s].port).sort());
  });
});

describe('buildSecurityRules', () => {
  it('makes rules for the six groups, plus the consolidated host only when asked', () => {
    expect(Object.keys(withoutHost).sort()).toEqual(['alb', 'ecs', 'lambda', 'nat', 'rds', 'vpc-endpoint']);
    expect(Object.keys(withHost)).toContain('consolidated');
    expect(all(withoutHost).some((r) => r.sourceSecurityGroupId === 'sg-host')).toBe(false);
  });

  it('describes every rule', () => {
    for (const r of all(withHost)) expect(r.description.trim().length).toBeGreaterThan(5);
  });

  it('opens only the ALB to the internet, and only on 80 and 443', () => {
    const open = all(withHost).filter((r) => r.type === 'ingress' && (r.cidrBlocks?.includes('0.0.0.0/0') || r.ipv6CidrBlocks?.includes('::/0')));
    expect(open.map((r) => r.group)).toEqual(['alb', 'alb']);
    expect(open.map((r) => [r.protocol, r.fromPort, r.toPort]).sort()).toEqual([['tcp', 443, 443], ['tcp', 80, 80]]);
  });

  it('lets only ECS, Lambda and the consolidated host reach RDS, only on 5432', () => {
    const rds = withHost.rds!;
    expect(rds.every((r) => r.type === 'ingress')).toBe(true); // no egress at all
    expect(rds.map((r) => r.sourceSecurityGroupId).sort()).toEqual(['sg-ecs', 'sg-host', 'sg-lambda']);
    for (const r of rds) expect([r.protocol, r.fromPort, r.toPort, r.cidrBlocks]).toEqual(['tcp', 5432, 5432, undefined]);
    expect(withoutHost.rds!.map((r) => r.sourceSecurityGroupId).sort()).toEqual(['sg-ecs', 'sg-lambda']);
  });

  it('never reaches RDS on 5432 from anything else', () => {
    const toRds = all(withHost).filter((r) => r.type === 'egress' && r.sourceSecurityGroupId === 'sg-rds');
    expect(toRds.map((r) => r.group).sort()).toEqual(['consolidated', 'ecs', 'lambda']);
  });

  it('pairs every group-to-group ingress with an egress on the peer (to this group or HTTPS anywhere)', () => {
    const rules = all(withHost);
    const idOf = (k: GroupKey) => [...idToKey].find(([, key]) => key === k)![0];
    for (const r of rules.filter((x) => x.type === 'ingress' && x.sourceSecurityGroupId)) {
      const peer = idToKey.get(r.sourceSecurityGroupId!)!;
      const matching = rules.filter(
        (e) =>
          e.group === peer &&
          e.type === 'egress' &&
          (e.sourceSecurityGroupId === idOf(r.group) || e.cidrBlocks?.includes('0.0.0.0/0')) &&
          e.fromPort <= r.fromPort &&
          r.toPort <= e.toPort,
      );
      expect(matching.length, `${r.group} ingress "${r.description}" has no egress on ${peer}`).toBeGreaterThan(0);
    }
  });

  it('has the NAT accept HTTPS from the private subnets only', () => {
    const ingress = withHost.nat!.filter((r) => r.type === 'ingress');
    expect(ingress.flatMap((r) => r.cidrBlocks)).toEqual(privateCidrs);
    for (const r of ingress) expect(covers(r, 443) && r.fromPort === r.toPort).toBe(true);
  });

  it('gives the interface endpoints HTTPS from workloads only and no egress', () => {
    const vpce = withHost['vpc-endpoint']!;
    expect(vpce.every((r) => r.type === 'ingress' && r.fromPort === 443 && r.toPort === 443 && !r.cidrBlocks)).toBe(true);
    expect(vpce.map((r) => r.sourceSecurityGroupId).sort()).toEqual(['sg-ecs', 'sg-host', 'sg-lambda']);
  });

  it('gives Lambda no ingress', () => {
    expect(withHost.lambda!.filter((r) => r.type === 'ingress')).toEqual([]);
  });

  it('names rules uniquely within a group', () => {
    for (const list of Object.values(withHost)) expect(new Set(list!.map((r) => r.name)).size).toBe(list!.length);
  });
});
