import {
  CommonPorts,
  EC2_CONSOLIDATED_CONFIG,
  PortRange,
  SERVICES,
  SERVICE_NAMES,
  SecurityRuleBuilder,
  type SecurityRuleSpec,
  type ServiceName,
} from '@tradai/infra-shared';

/**
 * The security group graph of the platform (pure). Every flow is written twice, as the source's
 * egress and the destination's ingress, so no group relies on a default allow. Group ids are a
 * type parameter: strings in tests, Pulumi Outputs in the stack.
 */

export const SECURITY_GROUPS = ['alb', 'ecs', 'lambda', 'rds', 'nat', 'vpc-endpoint'] as const;
export type BaseGroupKey = (typeof SECURITY_GROUPS)[number];
export type GroupKey = BaseGroupKey | 'consolidated';

/** What each group is for: the AWS description of the group itself. */
export const GROUP_DESCRIPTIONS: Readonly<Record<GroupKey, string>> = {
  alb: 'Application Load Balancer: HTTP/HTTPS from the internet and the API Gateway VPC Link',
  ecs: 'ECS tasks (Fargate services and the strategy task)',
  lambda: 'Lambda functions attached to the VPC',
  rds: 'PostgreSQL (MLflow metadata): only from ECS, Lambda and the consolidated host',
  nat: 'NAT instance: HTTPS from the private subnets to the internet',
  'vpc-endpoint': 'Interface VPC endpoints (ECR, CloudWatch Logs, STS): HTTPS from workloads',
  consolidated: 'Consolidated EC2 host running the four core services (dev/staging)',
};

/** Component name passed to getResourceName: `alb` -> `tradai-alb-sg-dev`. */
export const groupComponent = (key: GroupKey): string => `${key}-sg`;

export interface PortGroup {
  readonly range: PortRange;
  readonly services: readonly ServiceName[];
}

/**
 * The services' ports merged into contiguous ranges (8002..8006 is one rule, not five), so a
 * group stays far below the 60-rules quota and adding a service on the next port adds no rule.
 */
export function servicePortGroups(services: readonly ServiceName[]): PortGroup[] {
  const byPort = new Map<number, ServiceName[]>();
  for (const s of services) byPort.set(SERVICES[s].port, [...(byPort.get(SERVICES[s].port) ?? []), s]);
  const ports = [...byPort.keys()].sort((a, b) => a - b);
  const groups: { from: number; to: number; services: ServiceName[] }[] = [];
  for (const port of ports) {
    const last = groups.at(-1);
    if (last && port === last.to + 1) {
      last.to = port;
      last.services.push(...byPort.get(port)!);
    } else {
      groups.push({ from: port, to: port, services: [...byPort.get(port)!] });
    }
  }
  return groups.map((g) => ({ range: new PortRange(g.from, g.to), services: g.services }));
}

const portLabel = (r: PortRange) => (r.isSinglePort ? `${r.from}` : `${r.from}-${r.to}`);

/** Services behind the ALB, and those the consolidated host runs. */
export const ALB_SERVICES: readonly ServiceName[] = SERVICE_NAMES.filter((s) => SERVICES[s].alb);
export const CONSOLIDATED_SERVICES: readonly ServiceName[] = EC2_CONSOLIDATED_CONFIG.services;

export interface SecurityRulesInput<S> {
  /** Group ids; `consolidated` present exactly when consolidated mode is on. */
  readonly ids: Readonly<Record<BaseGroupKey, S>> & { readonly consolidated?: S };
  /** CIDRs of the private subnets (the NAT instance's clients). */
  readonly privateCidrs: readonly string[];
  /** Resource names of the groups (rule names and errors are prefixed with them). */
  readonly names: Readonly<Record<GroupKey, string>>;
}

/**
 * Every rule of every group, built with SecurityRuleBuilder (descriptions required, internet
 * ingress limited to 80/443, duplicates refused).
 */
export function buildSecurityRules<S>({ ids, privateCidrs, names }: SecurityRulesInput<S>): Partial<Record<GroupKey, SecurityRuleSpec<S>[]>> {
  const consolidated = ids.consolidated;
  const allServices = servicePortGroups(SERVICE_NAMES);
  const albServices = servicePortGroups(ALB_SERVICES);
  const hostServices = servicePortGroups(CONSOLIDATED_SERVICES);
  const pg = CommonPorts.POSTGRES;

  const alb = new SecurityRuleBuilder<S>(names.alb)
    .ingressFromInternet(CommonPorts.HTTPS, 'HTTPS from the internet')
    .ingressFromInternet(CommonPorts.HTTP, 'HTTP from the internet (redirected to HTTPS)')
    // The API Gateway VPC Link ENIs carry this group (edge): they reach the listeners through it.
    .egressToSg(ids.alb, CommonPorts.HTTPS, 'VPC Link to the load balancer on HTTPS')
    .egressToSg(ids.alb, CommonPorts.HTTP, 'VPC Link to the load balancer on HTTP');
  for (const g of albServices) alb.egressToSg(ids.ecs, g.range, `To ECS tasks ${portLabel(g.range)} (${g.services.join(' ')})`);
  if (consolidated !== undefined) {
    for (const g of servicePortGroups(CONSOLIDATED_SERVICES.filter((s) => SERVICES[s].alb))) {
      alb.egressToSg(consolidated, g.range, `To the consolidated host ${portLabel(g.range)} (${g.services.join(' ')})`);
    }
  }

  const ecs = new SecurityRuleBuilder<S>(names.ecs);
  for (const g of albServices) ecs.ingressFromSg(ids.alb, g.range, `From the load balancer ${portLabel(g.range)} (${g.services.join(' ')})`);
  for (const g of allServices) {
    ecs.ingressFromSg(ids.ecs, g.range, `Service to service ${portLabel(g.range)}`);
    ecs.ingressFromSg(ids.lambda, g.range, `From Lambda functions ${portLabel(g.range)} (health checks, triggers)`);
    if (consolidated !== undefined) ecs.ingressFromSg(consolidated, g.range, `From the consolidated host ${portLabel(g.range)}`);
    ecs.egressToSg(ids.ecs, g.range, `To other services ${portLabel(g.range)}`);
  }
  if (consolidated !== undefined) {
    for (const g of hostServices) ecs.egressToSg(consolidated, g.range, `To the consolidated host ${portLabel(g.range)} (${g.services.join(' ')})`);
  }
  ecs.egressToSg(ids.rds, pg, 'To PostgreSQL').egressHttpsToInternet('HTTPS to AWS APIs, registries and exchanges');

  const lambda = new SecurityRuleBuilder<S>(names.lambda)
    .egressHttpsToInternet('HTTPS to AWS APIs and endpoints')
    .egressToSg(ids.rds, pg, 'To PostgreSQL');
  for (const g of allServices) lambda.egressToSg(ids.ecs, g.range, `To ECS services ${portLabel(g.range)}`);
  if (consolidated !== undefined) {
    for (const g of hostServices) lambda.egressToSg(consolidated, g.range, `To the consolidated host ${portLabel(g.range)} (${g.services.join(' ')})`);
  }

  const rds = new SecurityRuleBuilder<S>(names.rds)
    .ingressFromSg(ids.ecs, pg, 'PostgreSQL from ECS tasks')
    .ingressFromSg(ids.lambda, pg, 'PostgreSQL from Lambda functions');
  if (consolidated !== undefined) rds.ingressFromSg(consolidated, pg, 'PostgreSQL from the consolidated host');

  const nat = new SecurityRuleBuilder<S>(names.nat);
  privateCidrs.forEach((cidr, i) => nat.ingressFromCidr(cidr, CommonPorts.HTTPS, `HTTPS from private subnet ${i + 1} to forward`));
  nat.egressHttpsToInternet('HTTPS forwarded to the internet');

  const endpoints = new SecurityRuleBuilder<S>(names['vpc-endpoint'])
    .ingressFromSg(ids.ecs, CommonPorts.HTTPS, 'HTTPS from ECS tasks')
    .ingressFromSg(ids.lambda, CommonPorts.HTTPS, 'HTTPS from Lambda functions');
  if (consolidated !== undefined) endpoints.ingressFromSg(consolidated, CommonPorts.HTTPS, 'HTTPS from the consolidated host');

  const rules: Partial<Record<GroupKey, SecurityRuleSpec<S>[]>> = {
    alb: alb.build(),
    ecs: ecs.build(),
    lambda: lambda.build(),
    rds: rds.build(),
    nat: nat.build(),
    'vpc-endpoint': endpoints.build(),
  };

  if (consolidated !== undefined) {
    const host = new SecurityRuleBuilder<S>(names.consolidated);
    for (const g of servicePortGroups(CONSOLIDATED_SERVICES.filter((s) => SERVICES[s].alb))) {
      host.ingressFromSg(ids.alb, g.range, `From the load balancer ${portLabel(g.range)} (${g.services.join(' ')})`);
    }
    for (const g of hostServices) {
      host.ingressFromSg(ids.lambda, g.range, `From Lambda functions ${portLabel(g.range)}`);
      host.ingressFromSg(ids.ecs, g.range, `From ECS tasks ${portLabel(g.range)}`);
    }
    for (const g of allServices) host.egressToSg(ids.ecs, g.range, `To ECS services ${portLabel(g.range)}`);
    host.egressToSg(ids.rds, pg, 'To PostgreSQL').egressHttpsToInternet('HTTPS to ECR, S3, AWS APIs and exchanges');
    rules.consolidated = host.build();
  }
  return rules;
}
