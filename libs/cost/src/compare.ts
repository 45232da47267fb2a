import { EC2_CONSOLIDATED_CONFIG, LAYERS, SERVICES, getDesiredCount, type Environment, type Layer } from '@tradai/infra-shared';
import { T, serviceKeyOf, type PlanGraph } from '@tradai/policy';
import type { CostLine, CostReport } from './estimate.js';
import { ec2Monthly, ebsMonthly, fargateMonthly, monthly, natGatewayMonthly, publicIpv4Monthly, relativeDifference, round2 } from './pricing.js';
import { HOURS_PER_MONTH } from './prices.js';
import { USAGE_ASSUMPTIONS } from './usage.js';

/** The seed's figures agree with ours when within this relative difference. */
export const SEED_TOLERANCE = 0.2;

/**
 * us-east-1 on-demand rates (https://aws.amazon.com/<service>/pricing/, 2025-06): the seed's
 * round figures match these, which is how its differences from Frankfurt are explained.
 */
export const US_EAST_1 = { t4gNano: 0.0042, t3Small: 0.0208, natGatewayHour: 0.045, fargateVcpu: 0.04048, fargateMemory: 0.004445 } as const;

/** Fargate's smallest task: what "four Fargate services" costs at the minimum size. */
const MIN_TASK = { cpu: 256, memory: 512 } as const;

export interface NatComparison {
  /** NAT instance lines from the plan (instance, its Elastic IP). */
  readonly natInstance: { readonly names: readonly string[]; readonly monthly: number };
  /** The same egress through one NAT Gateway per NAT instance, with the assumed data. */
  readonly natGateway: { readonly count: number; readonly monthly: number; readonly basis: string };
  readonly saving: number;
}

export interface ConsolidationComparison {
  /** What this environment runs the four core services on. */
  readonly mode: 'consolidated-ec2' | 'fargate';
  readonly services: readonly string[];
  /** The EC2 host (from the plan when consolidated, else priced from EC2_CONSOLIDATED_CONFIG). */
  readonly host: { readonly monthly: number; readonly basis: string };
  /** The services as Fargate tasks (SERVICES cpu/memory, desired counts of this environment). */
  readonly fargateOnDemand: { readonly monthly: number; readonly basis: string };
  readonly fargateSpot: { readonly monthly: number; readonly basis: string };
  /** In Fargate mode: what the plan's own ECS services for the four cost (its Spot mix included). */
  readonly inPlan?: { readonly monthly: number; readonly basis: string };
  /** Fargate on-demand minus the host: what consolidated mode saves (or would save). */
  readonly saving: number;
}

export interface SeedCheck {
  readonly figure: string;
  readonly seed: number;
  readonly ours: number;
  readonly basis: string;
  /** Relative difference from the seed (0.17 = 17 % more). */
  readonly difference: number;
  readonly withinTolerance: boolean;
  readonly explanation: string;
}

const linesFor = (report: CostReport, names: readonly string[], types: readonly string[]) => report.resources.filter((l) => names.includes(l.name) && types.includes(l.type));
const sum = (lines: readonly CostLine[]) => round2(lines.reduce((s, l) => s + l.monthly, 0));

/** NAT instances in the plan (source/destination check off, or named nat) against NAT Gateways. */
export function compareNat(graph: PlanGraph, report: CostReport): NatComparison | undefined {
  const instances = graph.ofType(...T.ec2Instance).filter((i) => i.inputs['sourceDestCheck'] === false || /nat/i.test(i.name));
  if (instances.length === 0) return undefined;
  const eips = graph.ofType(...T.eip).filter((e) => instances.some((i) => graph.refersTo(e.inputs['instance'], i)));
  const ours = [...linesFor(report, instances.map((i) => i.name), T.ec2Instance), ...linesFor(report, eips.map((e) => e.name), T.eip)];
  const usage = USAGE_ASSUMPTIONS[graph.environment];
  const gateway = natGatewayMonthly(usage.natGb);
  const gatewayMonthly = round2(instances.length * (gateway.fixed + gateway.usage));
  return {
    natInstance: { names: ours.map((l) => l.name), monthly: sum(ours) },
    natGateway: { count: instances.length, monthly: gatewayMonthly, basis: `${instances.length} x (gateway-hours ${round2(gateway.fixed)} + ${usage.natGb} GB processed ${round2(gateway.usage)})` },
    saving: round2(gatewayMonthly - sum(ours)),
  };
}

/** The four consolidated services priced both ways, from SERVICES and EC2_CONSOLIDATED_CONFIG. */
export function compareConsolidation(graph: PlanGraph, report: CostReport): ConsolidationComparison {
  const env = graph.environment;
  const services = EC2_CONSOLIDATED_CONFIG.services;
  const tasks = services.map((s) => ({ s, count: getDesiredCount(s, env), task: { cpu: SERVICES[s].cpu, memory: SERVICES[s].memory } }));
  const onDemand = round2(tasks.reduce((t, x) => t + fargateMonthly(x.task, x.count), 0));
  const spot = round2(tasks.reduce((t, x) => t + fargateMonthly(x.task, x.count, SERVICES[x.s].spot ? x.count : 0), 0));
  const taskText = tasks.map((x) => `${x.s} ${x.count > 1 ? `${x.count} x ` : ''}${x.task.cpu / 1024}/${x.task.memory / 1024}`).join(', ');

  const hostResources = [...graph.ofType(...T.autoscalingGroup), ...graph.ofType(...T.ec2Instance)].filter((r) => /consolidated/i.test(r.name));
  const hostLines = report.resources.filter((l) => hostResources.some((r) => r.name === l.name && r.type === l.type));
  const consolidated = hostLines.length > 0;
  const cfg = EC2_CONSOLIDATED_CONFIG;
  const host = consolidated
    ? { monthly: sum(hostLines), basis: hostLines.map((l) => `${l.name}: ${l.basis}`).join('; ') }
    : {
        monthly: round2(ec2Monthly(cfg.instanceType) + ebsMonthly(cfg.volumeSizeGb, cfg.volumeType)),
        basis: `${cfg.instanceType} x 730 h + ${cfg.volumeSizeGb} GB ${cfg.volumeType} (EC2_CONSOLIDATED_CONFIG, not deployed here)`,
      };
  const planned = consolidated ? [] : consolidatedServiceLines(graph, report);
  return {
    mode: consolidated ? 'consolidated-ec2' : 'fargate',
    services,
    host,
    ...(planned.length ? { inPlan: { monthly: sum(planned), basis: planned.map((l) => `${l.name}: ${l.basis}`).join('; ') } } : {}),
    fargateOnDemand: { monthly: onDemand, basis: `${taskText} (vCPU/GB, SERVICES) on-demand x 730 h` },
    fargateSpot: { monthly: spot, basis: 'the same on FARGATE_SPOT where SERVICES allows it' },
    saving: round2(onDemand - host.monthly),
  };
}

const check = (figure: string, seed: number, ours: number, basis: string, explanation: string): SeedCheck => {
  const difference = relativeDifference(ours, seed);
  return { figure, seed, ours: round2(ours), basis, difference: Math.round(difference * 1000) / 1000, withinTolerance: Math.abs(difference) <= SEED_TOLERANCE, explanation };
};

/**
 * The seed's cost figures (seed §5 and §6: NAT instance ~$3 vs NAT Gateway ~$32, consolidated
 * t3.small ~$15 vs ~$37 for four Fargate services) recomputed from the price table, each on the
 * seed's basis and with the difference explained.
 */
export function seedChecks(): SeedCheck[] {
  // The seed compares the modes where consolidation applies (dev/staging): one task per service.
  const env: Environment = 'dev';
  const natInstance = ec2Monthly('t4g.nano');
  const natAllIn = natInstance + ebsMonthly(8) + publicIpv4Monthly();
  const gateway = natGatewayMonthly(0).fixed;
  const host = ec2Monthly(EC2_CONSOLIDATED_CONFIG.instanceType);
  const hostAllIn = host + ebsMonthly(EC2_CONSOLIDATED_CONFIG.volumeSizeGb, EC2_CONSOLIDATED_CONFIG.volumeType);
  const services = EC2_CONSOLIDATED_CONFIG.services;
  const configSized = services.reduce((t, s) => t + fargateMonthly({ cpu: SERVICES[s].cpu, memory: SERVICES[s].memory }, getDesiredCount(s, env)), 0);
  const minimumSized = services.length * fargateMonthly(MIN_TASK);
  const seedBasis = services.length * (MIN_TASK.cpu / 1024 * US_EAST_1.fargateVcpu + (MIN_TASK.memory / 1024) * US_EAST_1.fargateMemory) * HOURS_PER_MONTH;
  const vcpus = services.reduce((t, s) => t + (SERVICES[s].cpu / 1024) * getDesiredCount(s, env), 0);
  const gbs = services.reduce((t, s) => t + (SERVICES[s].memory / 1024) * getDesiredCount(s, env), 0);
  return [
    check(
      'NAT instance (t4g.nano), instance-hours',
      3,
      natInstance,
      't4g.nano x 730 h, eu-central-1',
      `Frankfurt rate; us-east-1 gives $${round2(monthly(US_EAST_1.t4gNano))}. All-in the NAT instance is $${round2(natAllIn)}: 8 GB gp3 root ($${round2(ebsMonthly(8))}) and its public IPv4 ($${round2(publicIpv4Monthly())}, charged since 2024-02, after the seed's figure).`,
    ),
    check(
      'NAT Gateway, gateway-hours',
      32,
      gateway,
      'one NAT Gateway x 730 h, eu-central-1, no data',
      `The seed's ~$32 is the us-east-1 rate ($${US_EAST_1.natGatewayHour}/h = $${round2(monthly(US_EAST_1.natGatewayHour))}); Frankfurt is $0.052/h. Data processing adds $0.052/GB, and a gateway per AZ doubles it.`,
    ),
    check(
      'Consolidated host (t3.small), instance-hours',
      15,
      host,
      `${EC2_CONSOLIDATED_CONFIG.instanceType} x 730 h, eu-central-1`,
      `Frankfurt rate; us-east-1 gives $${round2(monthly(US_EAST_1.t3Small))}. With its ${EC2_CONSOLIDATED_CONFIG.volumeSizeGb} GB ${EC2_CONSOLIDATED_CONFIG.volumeType} volume the host is $${round2(hostAllIn)}.`,
    ),
    check(
      'Four Fargate services, minimum task size',
      37,
      minimumSized,
      `${services.length} x 0.25 vCPU / 0.5 GB on-demand x 730 h, eu-central-1`,
      `The seed's ~$37 is four minimum-size tasks at us-east-1 rates ($${round2(seedBasis)}).`,
    ),
    check(
      'Four Fargate services, sized as SERVICES',
      37,
      configSized,
      `${services.join(', ')} = ${vcpus} vCPU / ${gbs} GB on-demand x 730 h, eu-central-1`,
      `Outside the seed's figure on purpose: SERVICES gives backend-api and mlflow 0.5 vCPU / 1 GB each (${vcpus} vCPU / ${gbs} GB in all, ${vcpus / (services.length * 0.25)}x the minimum), and Frankfurt is ~15 % dearer than us-east-1. On Spot the same tasks cost ~70 % less.`,
    ),
  ];
}

export interface EnvironmentDiff {
  readonly from: Environment;
  readonly to: Environment;
  readonly total: { readonly from: number; readonly to: number; readonly delta: number };
  readonly byLayer: Readonly<Record<Layer, { readonly from: number; readonly to: number; readonly delta: number }>>;
  /** Resource kinds whose cost differs most, largest first. */
  readonly drivers: readonly { readonly type: string; readonly from: number; readonly to: number; readonly delta: number }[];
}

/** What changes between two environments' estimates, by layer and by resource kind. */
export function compareEnvironments(a: CostReport, b: CostReport): EnvironmentDiff {
  const byType = (r: CostReport) => {
    const m = new Map<string, number>();
    for (const l of r.resources) m.set(l.type, (m.get(l.type) ?? 0) + l.monthly);
    return m;
  };
  const ta = byType(a);
  const tb = byType(b);
  const drivers = [...new Set([...ta.keys(), ...tb.keys()])]
    .map((type) => ({ type, from: round2(ta.get(type) ?? 0), to: round2(tb.get(type) ?? 0), delta: round2((tb.get(type) ?? 0) - (ta.get(type) ?? 0)) }))
    .filter((d) => Math.abs(d.delta) >= 0.01)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
  return {
    from: a.environment,
    to: b.environment,
    total: { from: a.monthlyTotal, to: b.monthlyTotal, delta: round2(b.monthlyTotal - a.monthlyTotal) },
    byLayer: Object.fromEntries(LAYERS.map((l) => [l, { from: a.byLayer[l].monthly, to: b.byLayer[l].monthly, delta: round2(b.byLayer[l].monthly - a.byLayer[l].monthly) }])) as EnvironmentDiff['byLayer'],
    drivers,
  };
}

/** Lines of the four consolidated services when they run as ECS services (prod). */
export function consolidatedServiceLines(graph: PlanGraph, report: CostReport): CostLine[] {
  const names = graph
    .ofType(...T.ecsService)
    .filter((s) => {
      const key = serviceKeyOf(s);
      return key !== undefined && (EC2_CONSOLIDATED_CONFIG.services as readonly string[]).includes(key);
    })
    .map((s) => s.name);
  return linesFor(report, names, T.ecsService);
}
