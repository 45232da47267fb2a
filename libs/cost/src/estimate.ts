import { LAMBDA_FUNCTIONS, LAMBDA_NAMES, LAMBDA_SCHEDULES, LAYERS, getResourceName, type Environment, type Layer } from '@tradai/infra-shared';
import { T, dlqUsers, parseJsonInput, type LocatedResource, type PlanGraph } from '@tradai/policy';
import { physicalName } from '@tradai/infra-shared/testing';
import { MINUTES_PER_MONTH, PRICES, PRICES_AS_OF, PRICE_REGION, ec2Hourly } from './prices.js';
import {
  albMonthly,
  dynamoMonthly,
  ebsMonthly,
  fargateHourly,
  fargateMonthly,
  interfaceEndpointMonthly,
  lambdaMonthly,
  logsMonthly,
  monthly,
  natGatewayMonthly,
  publicIpv4Monthly,
  rdsMonthly,
  round2,
  s3Monthly,
  sfnMonthly,
  spotTaskCount,
  wafMonthly,
  type CapacityProviderStrategy,
} from './pricing.js';
import { invocationsPerMonth } from './schedule.js';
import { USAGE_ASSUMPTIONS, type UsageAssumptions } from './usage.js';

/** One priced resource: its always-on part, its usage-driven part, and how both were computed. */
export interface CostLine {
  readonly layer: Layer;
  readonly type: string;
  readonly name: string;
  readonly monthly: number;
  /** Charged whether or not anything happens (hours, per-resource fees). */
  readonly fixed: number;
  /** Driven by the usage assumptions. */
  readonly usage: number;
  readonly basis: string;
}

export interface LayerTotal {
  readonly monthly: number;
  readonly fixed: number;
  readonly usage: number;
}

/** What dist/synth/<env>/cost.json holds (plus the comparisons added by compare.ts). */
export interface CostReport {
  readonly environment: Environment;
  readonly currency: 'USD';
  readonly region: string;
  readonly pricesAsOf: string;
  readonly monthlyTotal: number;
  readonly fixedTotal: number;
  readonly usageTotal: number;
  readonly byLayer: Readonly<Record<Layer, LayerTotal>>;
  readonly resources: readonly CostLine[];
  /** Resource kinds AWS does not charge for (VPC, IAM, routes, ...), counted. */
  readonly noCharge: Readonly<Record<string, number>>;
  /** AWS resources this estimator has no price for: listed so a new cost never hides. */
  readonly unpriced: readonly { readonly type: string; readonly name: string; readonly reason: string }[];
  readonly assumptions: UsageAssumptions;
}

type Part = { readonly fixed?: number; readonly usage?: number; readonly basis: string };
type Pricer = (r: LocatedResource, ctx: CostContext) => Part | undefined;

interface CostContext {
  readonly env: Environment;
  readonly graph: PlanGraph;
  readonly usage: UsageAssumptions;
}

/** Kinds with no charge of their own (their cost, if any, is priced on the resource they configure). */
const NO_CHARGE = new Set<string>([
  'aws:ec2/vpc:Vpc',
  'aws:ec2/subnet:Subnet',
  'aws:ec2/routeTable:RouteTable',
  'aws:ec2/route:Route',
  'aws:ec2/routeTableAssociation:RouteTableAssociation',
  'aws:ec2/internetGateway:InternetGateway',
  'aws:ec2/securityGroup:SecurityGroup',
  'aws:ec2/defaultSecurityGroup:DefaultSecurityGroup',
  'aws:ec2/securityGroupRule:SecurityGroupRule',
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule',
  'aws:ec2/networkAcl:NetworkAcl',
  'aws:ec2/networkAclRule:NetworkAclRule',
  'aws:ec2/networkAclAssociation:NetworkAclAssociation',
  'aws:ec2/defaultNetworkAcl:DefaultNetworkAcl',
  'aws:ec2/defaultRouteTable:DefaultRouteTable',
  'aws:ec2/eipAssociation:EipAssociation',
  'aws:ec2/flowLog:FlowLog',
  'aws:ec2/launchTemplate:LaunchTemplate',
  'aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation',
  'aws:iam/role:Role',
  'aws:iam/policy:Policy',
  'aws:iam/rolePolicy:RolePolicy',
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  'aws:iam/instanceProfile:InstanceProfile',
  'aws:iam/openIdConnectProvider:OpenIdConnectProvider',
  'aws:iam/serviceLinkedRole:ServiceLinkedRole',
  'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  'aws:s3/bucketVersioning:BucketVersioning',
  'aws:s3/bucketLogging:BucketLogging',
  'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  'aws:s3/bucketPolicy:BucketPolicy',
  'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  'aws:s3/bucketNotification:BucketNotification',
  'aws:ecr/lifecyclePolicy:LifecyclePolicy',
  'aws:ecr/repositoryPolicy:RepositoryPolicy',
  'aws:sqs/queuePolicy:QueuePolicy',
  'aws:sqs/redrivePolicy:RedrivePolicy',
  'aws:sqs/redriveAllowPolicy:RedriveAllowPolicy',
  'aws:sns/topicPolicy:TopicPolicy',
  'aws:sns/topicSubscription:TopicSubscription',
  'aws:kms/alias:Alias',
  'aws:cloudwatch/eventRule:EventRule',
  'aws:cloudwatch/eventTarget:EventTarget',
  'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
  'aws:scheduler/schedule:Schedule',
  'aws:scheduler/scheduleGroup:ScheduleGroup',
  'aws:lambda/permission:Permission',
  'aws:lambda/eventSourceMapping:EventSourceMapping',
  'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig',
  'aws:ecs/clusterCapacityProviders:ClusterCapacityProviders',
  'aws:ecs/taskDefinition:TaskDefinition',
  'aws:lb/listener:Listener',
  'aws:lb/listenerRule:ListenerRule',
  'aws:lb/targetGroup:TargetGroup',
  'aws:lb/targetGroupAttachment:TargetGroupAttachment',
  'aws:apigatewayv2/route:Route',
  'aws:apigatewayv2/integration:Integration',
  'aws:apigatewayv2/authorizer:Authorizer',
  'aws:apigatewayv2/stage:Stage',
  'aws:apigatewayv2/vpcLink:VpcLink',
  'aws:apigatewayv2/apiMapping:ApiMapping',
  'aws:apigatewayv2/domainName:DomainName',
  // Public ACM certificates are free; the validation CNAME and the alias A record cost nothing
  // beyond the hosted zone, which tradai:apiDomain names and this plan does not create.
  'aws:acm/certificate:Certificate',
  'aws:acm/certificateValidation:CertificateValidation',
  'aws:route53/record:Record',
  'aws:cognito/userPoolDomain:UserPoolDomain',
  'aws:cognito/resourceServer:ResourceServer',
  'aws:wafv2/ipSet:IpSet',
  'aws:wafv2/webAclAssociation:WebAclAssociation',
  'aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration',
  'aws:secretsmanager/secretVersion:SecretVersion',
  'aws:secretsmanager/secretRotation:SecretRotation',
  'aws:rds/subnetGroup:SubnetGroup',
  'aws:rds/parameterGroup:ParameterGroup',
  'aws:codeartifact/repository:Repository',
  'aws:codeartifact/domainPermissions:DomainPermissions',
  'aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy',
  'aws:autoscaling/lifecycleHook:LifecycleHook',
  // Items are billed as the table's storage and requests.
  'aws:dynamodb/tableItem:TableItem',
]);

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const fmt = (n: number) => (n >= 1000 ? Math.round(n).toLocaleString('en-US') : Number(n.toFixed(2)).toString());
/** A unit price: cents for amounts from $1, else up to four significant decimals ($0.0048, $0.027). */
const usd = (n: number) => `$${n >= 1 || n === 0 || Number.isInteger(Math.round(n * 1e6) / 1e4) ? n.toFixed(2) : Number(n.toPrecision(3)).toString()}`;
/** AMIs this platform uses (AL2023) have an 8 GB root volume when a program does not size it. */
const DEFAULT_ROOT_GB = 8;
/** A Lambda SQS event source mapping long-polls with five pollers (20 s waits) while idle. */
const ESM_POLL_REQUESTS = 5 * 3 * MINUTES_PER_MONTH;

function ebsOf(devices: Record<string, unknown>[], what: string): { cost: number; text: string } {
  const parts = devices.map((d) => ({ gb: num(d['volumeSize']) ?? DEFAULT_ROOT_GB, type: str(d['volumeType']) ?? 'gp3' }));
  const cost = parts.reduce((s, d) => s + ebsMonthly(d.gb, d.type), 0);
  return { cost, text: parts.map((d) => `${d.gb} GB ${d.type} ${what}`).join(' + ') };
}

/** Component of a `tradai-<component>-<env>` physical name. */
const componentOf = (r: LocatedResource, env: Environment) => {
  const physical = physicalName(r.name, r.inputs);
  const m = new RegExp(`^tradai-(.+)-${env}$`).exec(physical);
  return m ? m[1]! : physical;
};

/** Workflow executions per month, by what the state machine is (name decides: backtest, retraining). */
function executionsOf(sm: LocatedResource, usage: UsageAssumptions): number {
  const name = physicalName(sm.name, sm.inputs);
  if (name.includes('backtest')) return usage.backtestsPerMonth;
  if (name.includes('retraining')) return usage.retrainingsPerMonth;
  return 0;
}

/** States in an ASL definition, nested branches included (an upper bound on transitions per run). */
export function countStates(definition: unknown): number {
  let n = 0;
  const walk = (states: unknown) => {
    for (const raw of Object.values(obj(states))) {
      const s = obj(raw);
      n += 1;
      for (const b of arr(s['Branches'])) walk(obj(b)['States']);
      walk(obj(s['ItemProcessor'] ?? s['Iterator'])['States']);
    }
  };
  walk(obj(definition)['States']);
  return n;
}

/** Invocations per month of one function, and why. */
function lambdaInvocations(fn: LocatedResource, ctx: CostContext): { count: number; why: string } {
  const { graph, usage, env } = ctx;
  const physical = physicalName(fn.name, fn.inputs);
  const key = LAMBDA_NAMES.find((n) => getResourceName(n, env) === physical || n === fn.name);
  if (!key) {
    // Not one of the 18 (the RDS secret rotation function): rotation runs its four steps monthly.
    return physical.includes('rotation') ? { count: 4, why: '4 rotation steps/month' } : { count: usage.onDemandInvocationsPerMonth, why: `${usage.onDemandInvocationsPerMonth} on-demand calls/month (assumed)` };
  }
  const trigger = LAMBDA_FUNCTIONS[key].trigger;
  switch (trigger) {
    case 'schedule': {
      // The schedule the plan actually wires (a config override wins over LAMBDA_SCHEDULES).
      const viaTarget = graph
        .ofType(...T.eventTarget)
        .filter((t) => graph.refersTo(t.inputs['arn'], fn))
        .map((t) => graph.resolve(t.inputs['rule'], ...T.eventRule))
        .map((rule) => str(rule?.inputs['scheduleExpression']))
        .find(Boolean);
      const viaScheduler = graph
        .ofType(...T.schedule)
        .filter((s) => graph.refersTo(obj(s.inputs['target'])['arn'], fn))
        .map((s) => str(s.inputs['scheduleExpression']))
        .find(Boolean);
      const expression = viaTarget ?? viaScheduler ?? LAMBDA_SCHEDULES[key as keyof typeof LAMBDA_SCHEDULES];
      return { count: invocationsPerMonth(expression), why: `${expression}` };
    }
    case 'sqs':
      return { count: usage.backtestsPerMonth, why: `${usage.backtestsPerMonth} backtests/month from SQS` };
    case 'workflow': {
      // Each Task state naming the function is one invocation per execution of that workflow.
      let count = 0;
      const parts: string[] = [];
      for (const sm of graph.ofType(...T.stateMachine)) {
        const def = typeof sm.inputs['definition'] === 'string' ? (sm.inputs['definition'] as string) : JSON.stringify(sm.inputs['definition'] ?? '');
        const uses = def.split(physical).length - 1;
        if (uses > 0) {
          const runs = executionsOf(sm, usage);
          count += uses * runs;
          parts.push(`${uses} state${uses > 1 ? 's' : ''} x ${runs} runs of ${componentOf(sm, env)}`);
        }
      }
      return { count, why: parts.join(' + ') || 'no workflow references it' };
    }
    case 'sns-alerts':
      return { count: usage.alertsPerMonth, why: `${usage.alertsPerMonth} alerts/month` };
    case 'sns-registration':
      return { count: usage.registrationsPerMonth, why: `${usage.registrationsPerMonth} registrations/month` };
    case 'invoke':
      return { count: usage.onDemandInvocationsPerMonth, why: `${usage.onDemandInvocationsPerMonth} on-demand calls/month` };
  }
}

/** What a log group collects, from its name (`/aws/lambda/...`, `/aws/vpc/flow-logs/...`, `/ecs/...`). */
export function logGroupKind(name: string): 'lambda' | 'flow' | 'ecs' | 'other' {
  if (name.startsWith('/aws/lambda/')) return 'lambda';
  if (/(^|\/)(vpc\/)?flow-?logs?(\/|$)|vpc-flow/i.test(name)) return 'flow';
  if (name.startsWith('/ecs/') || name.startsWith('/aws/ecs/')) return 'ecs';
  return 'other';
}

const isConsumedByEsm = (q: LocatedResource, graph: PlanGraph) => graph.referencing(q, T.eventSourceMapping, 'eventSourceArn').length > 0;

const BASE_PRICERS: Readonly<Record<string, Pricer>> = {
  'aws:ec2/instance:Instance': (r, { graph }) => {
    const type = str(r.inputs['instanceType']) ?? 't3.micro';
    const compute = monthly(ec2Hourly(type));
    const disks = ebsOf([obj(r.inputs['rootBlockDevice']), ...arr(r.inputs['ebsBlockDevices']).map(obj)], 'EBS');
    // An Elastic IP attached to the instance replaces its auto-assigned address (priced on the EIP).
    const eip = graph.ofType(...T.eip).some((e) => graph.refersTo(e.inputs['instance'], r));
    const ip = r.inputs['associatePublicIpAddress'] === true && !eip ? publicIpv4Monthly() : 0;
    return { fixed: compute + disks.cost + ip, basis: `${type} ${usd(ec2Hourly(type))}/h x 730 h + ${disks.text}${ip ? ' + public IPv4' : ''}` };
  },
  'aws:ec2/eip:Eip': () => ({ fixed: publicIpv4Monthly(), basis: `public IPv4 ${usd(PRICES.publicIpv4.usd)}/h x 730 h` }),
  'aws:autoscaling/group:Group': (r, { graph }) => {
    const spec = obj(r.inputs['launchTemplate']);
    const ref = spec['id'] ?? spec['name'] ?? obj(obj(obj(r.inputs['mixedInstancesPolicy'])['launchTemplate'])['launchTemplateSpecification'])['launchTemplateId'];
    const lt = graph.resolve(ref, ...T.launchTemplate);
    if (!lt) return undefined;
    const count = num(r.inputs['desiredCapacity']) ?? num(r.inputs['minSize']) ?? 1;
    const type = str(lt.inputs['instanceType']) ?? 't3.micro';
    const mappings = arr(lt.inputs['blockDeviceMappings']).map((m) => obj(obj(m)['ebs']));
    const disks = ebsOf(mappings.length ? mappings : [{}], 'EBS');
    return { fixed: count * (monthly(ec2Hourly(type)) + disks.cost), basis: `${count} x ${type} ${usd(ec2Hourly(type))}/h x 730 h + ${disks.text} (launch template ${lt.name})` };
  },
  'aws:ecs/service:Service': (r, { graph }) => {
    const desired = num(r.inputs['desiredCount']) ?? 1;
    const strategies = arr(r.inputs['capacityProviderStrategies']).map(obj) as unknown as CapacityProviderStrategy[];
    const launchType = str(r.inputs['launchType']);
    const fargate = launchType === 'FARGATE' || (strategies.length > 0 && strategies.every((s) => s.capacityProvider.startsWith('FARGATE'))) || (!launchType && strategies.length === 0);
    if (!fargate) return { fixed: 0, basis: 'runs on EC2 capacity (priced with the host)' };
    if (desired === 0) return { fixed: 0, basis: 'desiredCount 0' };
    const td = graph.resolve(r.inputs['taskDefinition'], ...T.taskDefinition);
    const cpu = num(td?.inputs['cpu']);
    const memory = num(td?.inputs['memory']);
    if (!cpu || !memory) return undefined;
    const spot = spotTaskCount(desired, strategies);
    const text = `${desired} task${desired > 1 ? 's' : ''} x ${cpu / 1024} vCPU/${memory / 1024} GB${spot ? ` (${spot} on Spot)` : ''} x 730 h`;
    return { fixed: fargateMonthly({ cpu, memory }, desired, spot), basis: text };
  },
  'aws:ecs/cluster:Cluster': (r, { graph }) => {
    const insights = arr(r.inputs['settings']).map(obj).find((s) => s['name'] === 'containerInsights')?.['value'];
    if (insights !== 'enabled' && insights !== 'enhanced') return { fixed: 0, basis: 'no charge (Container Insights off)' };
    const services = graph.referencing(r, T.ecsService, 'cluster').length;
    // Standard Container Insights publishes ~13 cluster and ~11 per-service metrics (uncertain).
    const metrics = 13 + 11 * services;
    return { fixed: metrics * PRICES.customMetric.usd, basis: `Container Insights ~${metrics} metrics (13 + 11 x ${services} services) x ${usd(PRICES.customMetric.usd)}` };
  },
  'aws:rds/instance:Instance': (r) => {
    const instanceClass = str(r.inputs['instanceClass']) ?? 'db.t4g.micro';
    const storageGb = num(r.inputs['allocatedStorage']) ?? 20;
    const multiAz = r.inputs['multiAz'] === true;
    const { instance, storage } = rdsMonthly({ instanceClass, storageGb, multiAz });
    const secret = r.inputs['manageMasterUserPassword'] === true ? PRICES.secret.usd : 0;
    return {
      fixed: instance + storage + secret,
      basis: `${instanceClass}${multiAz ? ' Multi-AZ (x2)' : ''} + ${storageGb} GB gp3${multiAz ? ' x2' : ''}${secret ? ' + managed master secret' : ''}`,
    };
  },
  'aws:lb/loadBalancer:LoadBalancer': (r, { usage }) => {
    if ((r.inputs['loadBalancerType'] ?? 'application') !== 'application') return undefined;
    const { fixed, usage: lcu } = albMonthly(usage.albLcu);
    return { fixed, usage: lcu, basis: `ALB ${usd(PRICES.albHour.usd)}/h x 730 h + ${usage.albLcu} LCU avg x ${usd(PRICES.albLcu.usd)}/LCU-h` };
  },
  'aws:ec2/natGateway:NatGateway': (_r, { usage }) => {
    const { fixed, usage: data } = natGatewayMonthly(usage.natGb);
    return { fixed, usage: data, basis: `NAT Gateway ${usd(PRICES.natGatewayHour.usd)}/h x 730 h + ${usage.natGb} GB x ${usd(PRICES.natGatewayData.usd)}` };
  },
  'aws:ec2/vpcEndpoint:VpcEndpoint': (r, { graph, usage }) => {
    if ((r.inputs['vpcEndpointType'] ?? 'Gateway') !== 'Interface') return { fixed: 0, basis: 'gateway endpoint: no charge' };
    const azs = Math.max(1, arr(r.inputs['subnetIds']).length);
    const interfaces = graph.ofType(...T.vpcEndpoint).filter((e) => e.inputs['vpcEndpointType'] === 'Interface').length;
    const gb = usage.endpointGb / interfaces;
    const { fixed, usage: data } = interfaceEndpointMonthly(azs, gb);
    return { fixed, usage: data, basis: `${azs} AZ x ${usd(PRICES.interfaceEndpointHour.usd)}/h x 730 h + ${fmt(gb)} GB (${usage.endpointGb} GB over ${interfaces} endpoints)` };
  },
  'aws:cloudwatch/metricAlarm:MetricAlarm': (r) => {
    const queries = arr(r.inputs['metricQueries']).map(obj);
    const metrics = queries.length ? queries.filter((q) => q['metric']).length || 1 : 1;
    const highRes = (num(r.inputs['period']) ?? 60) < 60;
    const price = highRes ? PRICES.alarmHighResolution.usd : PRICES.alarmStandard.usd;
    return { fixed: metrics * price, basis: `${metrics} metric${metrics > 1 ? 's' : ''} x ${usd(price)}${highRes ? ' (high resolution)' : ''}` };
  },
  'aws:cloudwatch/compositeAlarm:CompositeAlarm': () => ({ fixed: PRICES.alarmComposite.usd, basis: `composite alarm ${usd(PRICES.alarmComposite.usd)}` }),
  'aws:cloudwatch/dashboard:Dashboard': () => ({ fixed: PRICES.dashboard.usd, basis: `dashboard ${usd(PRICES.dashboard.usd)} (free tier of 3 not applied)` }),
  'aws:cloudwatch/logGroup:LogGroup': (r, { usage }) => {
    const name = physicalName(r.name, r.inputs);
    const gb = logGroupKind(name) === 'lambda' ? usage.logsGb.lambdaPerFunction : logGroupKind(name) === 'flow' ? usage.logsGb.flowLogs : logGroupKind(name) === 'ecs' ? usage.logsGb.ecsPerGroup : usage.logsGb.other;
    const retention = num(r.inputs['retentionInDays']);
    const { ingest, storage } = logsMonthly(gb, retention);
    return { usage: ingest + storage, basis: `${gb} GB/month ingested x ${usd(PRICES.logsIngest.usd)} + storage for ${retention ?? 'unlimited'} days` };
  },
  'aws:wafv2/webAcl:WebAcl': (r, { graph, usage }) => {
    const rules = arr(r.inputs['rules']).length;
    const associated = graph.referencing(r, T.webAclAssociation, 'webAclArn').length > 0;
    const millions = associated ? usage.apiRequestsPerMonth / 1e6 : 0;
    const { fixed, usage: requests } = wafMonthly(rules, millions);
    return { fixed, usage: requests, basis: `web ACL ${usd(PRICES.wafWebAcl.usd)} + ${rules} rules x ${usd(PRICES.wafRule.usd)}${associated ? ` + ${fmt(millions)} M requests` : ' (not associated: no request charges)'}` };
  },
  'aws:secretsmanager/secret:Secret': (_r, { usage }) => ({
    fixed: PRICES.secret.usd,
    usage: (usage.secretCallsPerSecret / 10_000) * PRICES.secretApiCalls.usd,
    basis: `${usd(PRICES.secret.usd)}/secret + ${fmt(usage.secretCallsPerSecret)} API calls`,
  }),
  'aws:kms/key:Key': () => ({ fixed: PRICES.kmsKey.usd, basis: `customer key ${usd(PRICES.kmsKey.usd)} (requests negligible)` }),
  'aws:apigatewayv2/api:Api': (r, { usage }) => {
    if ((r.inputs['protocolType'] ?? 'HTTP') !== 'HTTP') return undefined;
    const millions = usage.apiRequestsPerMonth / 1e6;
    return { usage: millions * PRICES.httpApiRequests.usd, basis: `${fmt(millions)} M requests x ${usd(PRICES.httpApiRequests.usd)}/M` };
  },
  'aws:sfn/stateMachine:StateMachine': (r, { usage }) => {
    if (r.inputs['type'] === 'EXPRESS') return undefined;
    const runs = executionsOf(r, usage);
    const states = countStates(parseJsonInput(r.inputs['definition']));
    const transitions = runs * states;
    return { usage: sfnMonthly(transitions), basis: `${runs} runs x ${states} states (upper bound) = ${fmt(transitions)} transitions` };
  },
  'aws:lambda/function:Function': (r, ctx) => {
    const memory = num(r.inputs['memorySize']) ?? 128;
    const timeoutMs = (num(r.inputs['timeout']) ?? 3) * 1000;
    const avgMs = Math.min(ctx.usage.lambdaAvgMs, timeoutMs);
    const arm = arr(r.inputs['architectures']).includes('arm64');
    const { count, why } = lambdaInvocations(r, ctx);
    return { usage: lambdaMonthly(count, avgMs, memory, arm), basis: `${fmt(count)} calls/month (${why}) x ${avgMs} ms x ${memory} MB${arm ? ' arm64' : ''}` };
  },
  'aws:s3/bucket:Bucket': (r, { env, usage }) => {
    const component = componentOf(r, env);
    const gb = usage.s3GbByBucket[component] ?? usage.s3GbByBucket['default'] ?? 1;
    const { storage, requests } = s3Monthly(gb, usage.s3PutsPerBucket, usage.s3GetsPerBucket);
    return { usage: storage + requests, basis: `${gb} GB x ${usd(PRICES.s3Storage.usd)} + ${fmt(usage.s3PutsPerBucket)} PUT + ${fmt(usage.s3GetsPerBucket)} GET` };
  },
  'aws:dynamodb/table:Table': (r, { env, usage }) => {
    if ((r.inputs['billingMode'] ?? 'PROVISIONED') !== 'PAY_PER_REQUEST') return undefined;
    const pitr = obj(r.inputs['pointInTimeRecovery'])['enabled'] === true;
    const heartbeats = componentOf(r, env) === 'trading-state' ? usage.tradingBots * MINUTES_PER_MONTH : 0;
    const writes = usage.dynamoWritesPerTable + heartbeats;
    const { storage, requests } = dynamoMonthly(usage.dynamoGbPerTable, writes, usage.dynamoReadsPerTable, pitr);
    return {
      usage: storage + requests,
      basis: `${usage.dynamoGbPerTable} GB${pitr ? ' + PITR' : ''} + ${fmt(writes)} writes${heartbeats ? ` (incl. ${usage.tradingBots} bot heartbeats/min)` : ''} + ${fmt(usage.dynamoReadsPerTable)} reads`,
    };
  },
  'aws:ecr/repository:Repository': (_r, { usage }) => ({ usage: usage.ecrGbPerRepository * PRICES.ecrStorage.usd, basis: `${usage.ecrGbPerRepository} GB kept x ${usd(PRICES.ecrStorage.usd)}` }),
  'aws:cognito/userPool:UserPool': (_r, { usage }) => {
    const billable = Math.max(0, usage.cognitoMau - 10_000);
    return { usage: billable * PRICES.cognitoMau.usd, basis: `${usage.cognitoMau} MAU (first 10,000 free)` };
  },
  'aws:cognito/userPoolClient:UserPoolClient': (r, { usage }) => {
    if (!arr(r.inputs['allowedOauthFlows']).includes('client_credentials')) return { fixed: 0, basis: 'no charge (user sign-in client)' };
    return {
      fixed: PRICES.cognitoM2mClient.usd,
      usage: (usage.m2mTokensPerMonth / 1000) * PRICES.cognitoM2mTokens.usd,
      basis: `M2M app client ${usd(PRICES.cognitoM2mClient.usd)} + ${fmt(usage.m2mTokensPerMonth)} token requests x ${usd(PRICES.cognitoM2mTokens.usd)}/1,000`,
    };
  },
  'aws:sqs/queue:Queue': (r, { graph, usage }) => {
    const polled = isConsumedByEsm(r, graph);
    // A dead-letter queue only sees failures (assumed 1 %); a working queue sees send, receive and
    // delete per message, and an event source mapping long-polls it while idle.
    const dlq = dlqUsers(graph, r).length > 0;
    const messages = dlq ? Math.ceil(usage.backtestsPerMonth * 0.01) : usage.backtestsPerMonth;
    const requests = messages * 3 + (polled ? ESM_POLL_REQUESTS : 0);
    return { usage: (requests / 1e6) * PRICES.sqsRequests.usd, basis: `${fmt(requests)} requests${dlq ? ' (dead-letter queue: 1 % of messages)' : ''}${polled ? ' (incl. Lambda long polling)' : ''}` };
  },
  'aws:sns/topic:Topic': (r, { usage }) => {
    const publishes = physicalName(r.name, r.inputs).includes('alert') ? usage.alertsPerMonth : usage.registrationsPerMonth;
    return { usage: (publishes / 1e6) * PRICES.snsPublishes.usd, basis: `${fmt(publishes)} publishes` };
  },
  'aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace': () => ({ fixed: PRICES.hostedZone.usd, basis: 'private hosted zone' }),
  'aws:servicediscovery/service:Service': () => ({ fixed: PRICES.cloudMapInstance.usd, basis: '1 registered instance' }),
  'aws:codeartifact/domain:Domain': (_r, { usage }) => ({ usage: usage.codeartifactGb * PRICES.codeartifactStorage.usd, basis: `${usage.codeartifactGb} GB packages` }),
  'aws:cloudtrail/trail:Trail': () => ({ fixed: 0, basis: 'first copy of management events: no charge (S3 storage in the logs bucket)' }),
};

/** v7 keeps deprecated aliases next to some resources: price them the same way. */
const PRICERS: Readonly<Record<string, Pricer>> = {
  ...BASE_PRICERS,
  'aws:s3/bucketV2:BucketV2': BASE_PRICERS['aws:s3/bucket:Bucket']!,
  'aws:alb/loadBalancer:LoadBalancer': BASE_PRICERS['aws:lb/loadBalancer:LoadBalancer']!,
};

/** Task definitions no service runs: the workflows' strategy task (runTask.sync), priced by run-time. */
function onDemandTaskLines(graph: PlanGraph, usage: UsageAssumptions): CostLine[] {
  const used = new Set(graph.ofType(...T.ecsService).map((s) => graph.resolve(s.inputs['taskDefinition'], ...T.taskDefinition)));
  return graph
    .ofType(...T.taskDefinition)
    .filter((td) => !used.has(td) && /strategy/.test(`${td.name} ${String(td.inputs['family'] ?? '')}`))
    .flatMap((td) => {
      const cpu = num(td.inputs['cpu']);
      const memory = num(td.inputs['memory']);
      if (!cpu || !memory) return [];
      const hours = (usage.backtestsPerMonth * usage.backtestTaskMinutes + usage.trainingsPerMonth * usage.trainingTaskMinutes) / 60;
      const cost = hours * fargateHourly({ cpu, memory });
      return [
        {
          layer: td.layer,
          type: td.type,
          name: td.name,
          monthly: round2(cost),
          fixed: 0,
          usage: round2(cost),
          basis: `${fmt(hours)} task-hours (${usage.backtestsPerMonth} backtests x ${usage.backtestTaskMinutes} min + ${usage.trainingsPerMonth} trainings x ${usage.trainingTaskMinutes} min) x ${cpu / 1024} vCPU/${memory / 1024} GB on-demand`,
        },
      ];
    });
}

/**
 * Prices every resource of one environment's plans.
 * @param usage the assumptions usage-based items are priced at (USAGE_ASSUMPTIONS[env] by default)
 */
export function estimateCost(graph: PlanGraph, usage: UsageAssumptions = USAGE_ASSUMPTIONS[graph.environment]): CostReport {
  const ctx: CostContext = { env: graph.environment, graph, usage };
  const lines: CostLine[] = [];
  const noCharge: Record<string, number> = {};
  const unpriced: { type: string; name: string; reason: string }[] = [];

  for (const r of graph.resources) {
    if (!r.type.startsWith('aws:')) continue; // components, providers
    const pricer = PRICERS[r.type];
    if (!pricer) {
      if (NO_CHARGE.has(r.type)) noCharge[r.type] = (noCharge[r.type] ?? 0) + 1;
      else unpriced.push({ type: r.type, name: r.name, reason: 'no price model for this resource type' });
      continue;
    }
    let part: Part | undefined;
    try {
      part = pricer(r, ctx);
    } catch (err) {
      unpriced.push({ type: r.type, name: r.name, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (!part) {
      unpriced.push({ type: r.type, name: r.name, reason: 'inputs outside the price model (see libs/cost/src/estimate.ts)' });
      continue;
    }
    const fixed = round2(part.fixed ?? 0);
    const use = round2(part.usage ?? 0);
    lines.push({ layer: r.layer, type: r.type, name: r.name, monthly: round2(fixed + use), fixed, usage: use, basis: part.basis });
  }
  lines.push(...onDemandTaskLines(graph, usage));

  const total = (f: (l: CostLine) => number, ls: readonly CostLine[] = lines) => round2(ls.reduce((s, l) => s + f(l), 0));
  const byLayer = Object.fromEntries(
    LAYERS.map((layer) => {
      const ls = lines.filter((l) => l.layer === layer);
      return [layer, { monthly: total((l) => l.monthly, ls), fixed: total((l) => l.fixed, ls), usage: total((l) => l.usage, ls) }];
    }),
  ) as Record<Layer, LayerTotal>;
  return {
    environment: graph.environment,
    currency: 'USD',
    region: PRICE_REGION,
    pricesAsOf: PRICES_AS_OF,
    monthlyTotal: total((l) => l.monthly),
    fixedTotal: total((l) => l.fixed),
    usageTotal: total((l) => l.usage),
    byLayer,
    resources: lines.sort((a, b) => LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) || b.monthly - a.monthly || a.name.localeCompare(b.name)),
    noCharge,
    unpriced,
    assumptions: usage,
  };
}

