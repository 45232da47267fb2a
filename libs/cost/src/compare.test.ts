import { describe, expect, it } from 'vitest';
import { smallPlan } from './__fixtures__/small-plan.js';
import { SEED_TOLERANCE, compareConsolidation, compareEndpoints, compareEnvironments, compareNat, refreshOverlapCost, seedChecks } from './compare.js';
import { estimateCost } from './estimate.js';
import { costReport } from './index.js';
import { formatCostReport, formatEnvironmentDiff } from './report.js';

describe('seed figures', () => {
  const checks = Object.fromEntries(seedChecks().map((c) => [c.figure, c]));

  it('agrees with the seed within 20 % on the seed\'s own basis', () => {
    expect(SEED_TOLERANCE).toBe(0.2);
    for (const figure of ['NAT instance (t4g.nano), instance-hours', 'NAT Gateway, gateway-hours', 'Consolidated host (t3.small), instance-hours', 'Four Fargate services, minimum task size']) {
      expect(checks[figure]!.withinTolerance, figure).toBe(true);
    }
    expect(checks['NAT instance (t4g.nano), instance-hours']!.ours).toBe(3.5);
    expect(checks['NAT Gateway, gateway-hours']!.ours).toBe(37.96);
    expect(checks['Consolidated host (t3.small), instance-hours']!.ours).toBe(17.52);
    expect(checks['Four Fargate services, minimum task size']!.ours).toBe(41.45);
  });

  it('flags the SERVICES-sized Fargate figure and explains it', () => {
    const c = checks['Four Fargate services, sized as SERVICES']!;
    expect(c.ours).toBe(62.17);
    expect(c.withinTolerance).toBe(false);
    expect(c.explanation).toContain('1.5 vCPU / 3 GB');
    expect(checks['Four Fargate services, minimum task size']!.explanation).toContain('$36.04');
  });
});

describe('comparisons', () => {
  it('prices the NAT instance against a NAT Gateway, the gateway\'s own public IPv4 included', () => {
    const graph = smallPlan('dev', true);
    const nat = compareNat(graph, estimateCost(graph))!;
    expect(nat.natInstance).toEqual({ names: ['nat', 'nat-eip'], monthly: 7.92 });
    // 0.052 x 730 hours + 10 GB x 0.052 + 0.005 x 730 for its Elastic IP.
    expect(nat.natGateway.monthly).toBe(42.13);
    expect(nat.natGateway.basis).toContain('its public IPv4 3.65');
    expect(nat.saving).toBe(34.21);
  });

  it('prices the interface endpoints in every mode with the same traffic, whatever the plan has', () => {
    const options = (mode: 'multi-az' | 'single-az' | 'none') => {
      const graph = smallPlan('dev', true, mode);
      return compareEndpoints(graph, estimateCost(graph))!;
    };
    const multi = options('multi-az');
    expect(multi.planned).toEqual({ mode: 'multi-az', endpoints: 4, monthly: 70.28 });
    const byMode = Object.fromEntries(multi.options.map((o) => [o.mode, o.monthly]));
    // 4 x 2 AZ x 0.012 x 730 + 20 GB x 0.01; one AZ: half that + 10 GB across AZs both ways;
    // none: 10 GB across AZs both ways + 20 GB to the services' public addresses.
    expect(byMode).toEqual({ 'multi-az': 70.28, 'single-az': 35.44, none: 0.4 });
    expect(multi.cheapest).toBe('none');
    expect(multi.options.map((o) => o.mode)).toEqual(['none', 'single-az', 'multi-az']);
    expect(options('single-az').planned).toMatchObject({ mode: 'single-az', endpoints: 4, monthly: 35.24 });
    // The same options whatever is planned: only the plan's own line differs.
    expect(options('none').planned).toEqual({ mode: 'none', endpoints: 0, monthly: 0 });
    expect(options('none').options).toEqual(multi.options);
  });

  it('says what an instance refresh of the consolidated host costs while both hosts run', () => {
    const graph = smallPlan('dev', true);
    const refresh = compareConsolidation(graph, estimateCost(graph)).refresh!;
    expect(refresh.launchBeforeTerminate).toBe(true);
    expect(refresh.overlapMinutesMax).toBe(16.5);
    // 16.5 min of a t3.small ($0.024/h) and its 30 GB gp3 volume.
    expect(refresh.costMax).toBe(refreshOverlapCost(16.5));
    expect(refresh.costMax).toBeCloseTo((16.5 / 60) * (0.024 + (30 * 0.0952) / 730), 4);
    expect(compareConsolidation(smallPlan('prod', false), estimateCost(smallPlan('prod', false))).refresh).toBeUndefined();
  });

  it('shows what consolidated mode saves in dev, and would save in prod', () => {
    const devGraph = smallPlan('dev', true);
    const dev = compareConsolidation(devGraph, estimateCost(devGraph));
    expect(dev.mode).toBe('consolidated-ec2');
    expect(dev.host.monthly).toBe(20.38);
    expect(dev.fargateOnDemand.monthly).toBe(62.17);
    expect(dev.saving).toBe(41.79);
    expect(dev.fargateSpot.monthly).toBeLessThan(dev.fargateOnDemand.monthly);

    const prodGraph = smallPlan('prod', false);
    const prod = compareConsolidation(prodGraph, estimateCost(prodGraph));
    expect(prod.mode).toBe('fargate');
    expect(prod.host.basis).toContain('not deployed here');
    // Two backend-api tasks in prod.
    expect(prod.fargateOnDemand.monthly).toBe(82.9);
    expect(prod.inPlan!.monthly).toBeCloseTo(82.9, 1);
  });

  it('shows the dev vs prod difference by layer and by kind', () => {
    const diff = compareEnvironments(estimateCost(smallPlan('dev', true)), estimateCost(smallPlan('prod', false)));
    expect(diff.total.delta).toBeCloseTo(diff.total.to - diff.total.from, 2);
    expect(diff.byLayer.foundation.delta).toBeGreaterThan(50);
    expect(diff.drivers[0]!.type).toBe('aws:ecs/service:Service');
    expect(diff.drivers.some((d) => d.type === 'aws:autoscaling/group:Group' && d.delta === -20.38)).toBe(true);
    const text = formatEnvironmentDiff(diff);
    expect(text).toMatch(/^dev \$\d+\.\d\d -> prod \$\d+\.\d\d per month \(\+\$\d+\.\d\d\)/);
    expect(text).toContain('rds.Instance');
  });
});

describe('formatCostReport', () => {
  it('prints totals, fixed and usage tables, assumptions, comparisons and the seed check', () => {
    const text = formatCostReport(costReport(smallPlan('dev', true)));
    expect(text).toMatch(/^Monthly cost estimate, dev \(eu-central-1, USD, on-demand list prices as of \d{4}-\d{2}\): \$[\d.]+ = \$[\d.]+ fixed \+ \$[\d.]+ usage-based/);
    for (const heading of ['BY LAYER', 'FIXED COSTS', 'USAGE-BASED COSTS', 'ASSUMPTIONS', 'COMPARISONS', 'SEED FIGURES']) expect(text).toContain(heading);
    expect(text).toMatch(/foundation\s+ec2.Instance nat\s+\$4.27/);
    expect(text).toContain('NAT: instance $7.92 (nat + nat-eip) vs 1 NAT Gateway $42.13');
    expect(text).toContain('Interface endpoints (tradai:interfaceEndpoints): this plan none, 0 endpoints $0.00');
    expect(text).toMatch(/none +\$0\.40 .*\(cheapest\)/);
    expect(text).toContain('two hosts for at most 17 min, $0.0077 per refresh');
    expect(text).toContain('consolidated mode saves $41.79/month');
    expect(text).toContain('UNPRICED (1): appsync.GraphQLApi mystery');
  });
});
