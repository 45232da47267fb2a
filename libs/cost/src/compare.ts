import { EC2_CONSOLIDATED_CONFIG, INTERFACE_ENDPOINT_MODES, LAYERS, SERVICES, getDesiredCount, type Environment, type InterfaceEndpointMode, type Layer } from '@tradai/infra-shared';
import { T, serviceKeyOf, type PlanGraph } from '@tradai/policy';
import type { CostLine, CostReport } from './estimate.js';
import { ec2Monthly, ebsMonthly, fargateMonthly, interfaceEndpointMonthly, monthly, natGatewayMonthly, publicIpv4Monthly, regionalTransfer, relativeDifference, round2 } from './pricing.js';
import { HOURS_PER_MONTH, ec2Hourly } from './prices.js';
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
  /** The same egress through one NAT Gateway per NAT instance, with the assumed data and the gateway's own public IPv4. */
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
  /**
   * Consolidated mode: what one instance refresh adds while the new host runs beside the old one
   * (launch before terminate), at most the launch hook's timeout plus the warm-up, from the plan.
   */
  readonly refresh?: { readonly launchBeforeTerminate: boolean; readonly overlapMinutesMax: number; readonly costMax: number };
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
  // A public NAT gateway holds an Elastic IP, billed like any public IPv4 (the instance's EIP is in `ours`).
  const ipv4 = publicIpv4Monthly();
  const gatewayMonthly = round2(instances.length * (gateway.fixed + gateway.usage + ipv4));
  return {
    natInstance: { names: ours.map((l) => l.name), monthly: sum(ours) },
    natGateway: {
      count: instances.length,
      monthly: gatewayMonthly,
      basis: `${instances.length} x (gateway-hours ${round2(gateway.fixed)} + ${usage.natGb} GB processed ${round2(gateway.usage)} + its public IPv4 ${round2(ipv4)})`,
    },
    saving: round2(gatewayMonthly - sum(ours)),
  };
}

export interface EndpointOption {
  readonly mode: InterfaceEndpointMode;
  readonly monthly: number;
  readonly basis: string;
}

export interface EndpointComparison {
  /** What the plan has: its interface endpoints and the AZs they span. */
  readonly planned: { readonly mode: InterfaceEndpointMode; readonly endpoints: number; readonly monthly: number };
  /** Every tradai:interfaceEndpoints mode priced with the same traffic (usage.endpointGb), cheapest first. */
  readonly options: readonly EndpointOption[];
  readonly cheapest: InterfaceEndpointMode;
}

/** The interface endpoint services foundation creates (INTERFACE_ENDPOINTS there): what `none` removes. */
export const INTERFACE_ENDPOINT_COUNT = 4;

/**
 * The interface endpoints (tradai:interfaceEndpoints) priced three ways with the same traffic:
 * - multi-az: an ENI per AZ; the traffic stays in its AZ;
 * - single-az: one ENI; the other AZ's half of the traffic crosses AZs (charged both ways);
 * - none: the traffic leaves through the NAT instance, which charges no processing; the half from
 *   the other AZ crosses to it, and NAT-to-service traffic on public IPv4 is charged as regional
 *   transfer (both conservative: AWS does not charge some in-region service traffic at all).
 * Returns undefined when the plan has no NAT instance and no interface endpoint (nothing to compare).
 */
export function compareEndpoints(graph: PlanGraph, report: CostReport): EndpointComparison | undefined {
  const endpoints = graph.ofType(...T.vpcEndpoint).filter((e) => e.inputs['vpcEndpointType'] === 'Interface');
  const hasNat = graph.ofType(...T.ec2Instance).some((i) => i.inputs['sourceDestCheck'] === false || /nat/i.test(i.name));
  if (endpoints.length === 0 && !hasNat) return undefined;
  const azs = new Set(graph.ofType('aws:ec2/subnet:Subnet').map((s) => String(s.inputs['availabilityZone'] ?? ''))).size || 2;
  const gb = USAGE_ASSUMPTIONS[graph.environment].endpointGb;
  const count = INTERFACE_ENDPOINT_COUNT;
  const perEndpoint = gb / count;
  const crossAz = (share: number) => regionalTransfer(gb * share, 2);
  const priced: Record<InterfaceEndpointMode, EndpointOption> = {
    'multi-az': (() => {
      const e = interfaceEndpointMonthly(azs, perEndpoint);
      return { mode: 'multi-az', monthly: round2(count * (e.fixed + e.usage)), basis: `${count} endpoints x ${azs} AZ x 730 h + ${gb} GB processed` };
    })(),
    'single-az': (() => {
      const e = interfaceEndpointMonthly(1, perEndpoint);
      const other = (azs - 1) / azs;
      return { mode: 'single-az', monthly: round2(count * (e.fixed + e.usage) + crossAz(other)), basis: `${count} endpoints x 1 AZ x 730 h + ${gb} GB processed + ${round2(gb * other)} GB across AZs` };
    })(),
    none: (() => {
      const other = (azs - 1) / azs;
      return { mode: 'none', monthly: round2(crossAz(other) + regionalTransfer(gb, 1)), basis: `${gb} GB through the NAT instance (no processing charge): ${round2(gb * other)} GB across AZs + ${gb} GB to public service endpoints` };
    })(),
  };
  const planned = endpoints.length === 0 ? 'none' : endpoints.every((e) => (e.inputs['subnetIds'] as unknown[] | undefined)?.length === 1) ? 'single-az' : 'multi-az';
  const options = [...INTERFACE_ENDPOINT_MODES].map((m) => priced[m]).sort((a, b) => a.monthly - b.monthly);
  const lines = report.resources.filter((l) => endpoints.some((e) => e.name === l.name && e.type === l.type));
  return { planned: { mode: planned, endpoints: endpoints.length, monthly: sum(lines) }, options, cheapest: options[0]!.mode };
}

/** The refresh settings of the host's group as planned: overlap minutes and their cost. */
function refreshOf(groups: readonly { inputs: Record<string, unknown> }[]): ConsolidationComparison['refresh'] {
  const group = groups[0];
  if (!group) return undefined;
  const prefs = ((group.inputs['instanceRefresh'] as { preferences?: Record<string, unknown> } | undefined)?.preferences ?? {}) as Record<string, unknown>;
  const launchBeforeTerminate = Number(prefs['maxHealthyPercentage'] ?? 100) > 100 && Number(prefs['minHealthyPercentage'] ?? 90) >= 100;
  if (!launchBeforeTerminate) return { launchBeforeTerminate, overlapMinutesMax: 0, costMax: 0 };
  const hooks = ((group.inputs['initialLifecycleHooks'] as { lifecycleTransition?: string; heartbeatTimeout?: number }[] | undefined) ?? []).filter(
    (h) => h.lifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING',
  );
  // Without a hook the new host counts as healthy once EC2 says so; the grace period bounds the boot.
  const bootSeconds = hooks.length ? Math.max(...hooks.map((h) => Number(h.heartbeatTimeout ?? 3600))) : Number(group.inputs['healthCheckGracePeriod'] ?? 300);
  const minutes = (bootSeconds + Number(prefs['instanceWarmup'] ?? 0)) / 60;
  return { launchBeforeTerminate, overlapMinutesMax: minutes, costMax: refreshOverlapCost(minutes) };
}

/** Extra cost of one instance refresh of the consolidated host: the new host runs beside the old one for `minutes`. */
export function refreshOverlapCost(minutes: number): number {
  const cfg = EC2_CONSOLIDATED_CONFIG;
  const hours = minutes / 60;
  // Fractions of a cent per refresh: four decimals, or every refresh would read $0.01.
  return Math.round(hours * (ec2Hourly(cfg.instanceType) + ebsMonthly(cfg.volumeSizeGb, cfg.volumeType) / HOURS_PER_MONTH) * 1e4) / 1e4;
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
  const refresh = consolidated ? refreshOf(graph.ofType(...T.autoscalingGroup).filter((r) => /consolidated/i.test(r.name))) : undefined;
  return {
    ...(refresh ? { refresh } : {}),
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
