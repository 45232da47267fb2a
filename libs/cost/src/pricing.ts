import { HOURS_PER_MONTH, PRICES, ec2Hourly, rdsHourly } from './prices.js';

/** Cents are the precision of every figure the reports print. */
export const round2 = (n: number) => Math.round(n * 100) / 100;

/** An hourly rate over a 730-hour month. */
export const monthly = (hourly: number, hours = HOURS_PER_MONTH) => hourly * hours;

/** An EC2 instance running all month. */
export function ec2Monthly(instanceType: string): number {
  return monthly(ec2Hourly(instanceType));
}

/** EBS volume storage; gp3 unless the type says gp2. */
export function ebsMonthly(sizeGb: number, volumeType = 'gp3'): number {
  return sizeGb * (volumeType === 'gp2' ? PRICES.ebsGp2.usd : PRICES.ebsGp3.usd);
}

/** A public IPv4 address held all month. */
export const publicIpv4Monthly = () => monthly(PRICES.publicIpv4.usd);

export interface FargateTask {
  /** CPU units (1024 = 1 vCPU), as in task definitions and SERVICES. */
  readonly cpu: number;
  /** MiB, as in task definitions and SERVICES. */
  readonly memory: number;
}

/** Per-hour price of one Fargate task, on-demand or Spot. */
export function fargateHourly(task: FargateTask, spot = false): number {
  const vcpu = task.cpu / 1024;
  const gb = task.memory / 1024;
  return spot ? vcpu * PRICES.fargateSpotVcpu.usd + gb * PRICES.fargateSpotMemory.usd : vcpu * PRICES.fargateVcpu.usd + gb * PRICES.fargateMemory.usd;
}

/** `count` always-on tasks, `spotTasks` of them on FARGATE_SPOT. */
export function fargateMonthly(task: FargateTask, count = 1, spotTasks = 0): number {
  const onDemand = Math.max(0, count - spotTasks);
  return monthly(onDemand * fargateHourly(task) + spotTasks * fargateHourly(task, true));
}

export interface CapacityProviderStrategy {
  readonly capacityProvider: string;
  readonly base?: number;
  readonly weight?: number;
}

/**
 * How many of `count` tasks ECS places on FARGATE_SPOT: `base` tasks go to their provider
 * first, the rest split by weight (rounded to whole tasks, as ECS places them).
 */
export function spotTaskCount(count: number, strategies: readonly CapacityProviderStrategy[]): number {
  if (strategies.length === 0) return 0;
  let remaining = count;
  let spot = 0;
  for (const s of strategies) {
    const base = Math.min(remaining, s.base ?? 0);
    if (s.capacityProvider === 'FARGATE_SPOT') spot += base;
    remaining -= base;
  }
  const totalWeight = strategies.reduce((sum, s) => sum + (s.weight ?? 0), 0);
  if (remaining > 0 && totalWeight > 0) {
    const spotWeight = strategies.filter((s) => s.capacityProvider === 'FARGATE_SPOT').reduce((sum, s) => sum + (s.weight ?? 0), 0);
    spot += Math.round((remaining * spotWeight) / totalWeight);
  }
  return spot;
}

export interface RdsSpec {
  readonly instanceClass: string;
  readonly storageGb: number;
  readonly multiAz: boolean;
}

/** RDS instance plus storage; Multi-AZ doubles both (a standby instance with its own volume). */
export function rdsMonthly(spec: RdsSpec): { instance: number; storage: number } {
  const copies = spec.multiAz ? 2 : 1;
  return { instance: copies * monthly(rdsHourly(spec.instanceClass)), storage: copies * spec.storageGb * PRICES.rdsGp3Storage.usd };
}

/** An ALB: the hourly charge plus `lcu` load-balancer capacity units on average. */
export function albMonthly(lcu: number): { fixed: number; usage: number } {
  return { fixed: monthly(PRICES.albHour.usd), usage: monthly(lcu * PRICES.albLcu.usd) };
}

/** A NAT Gateway and the data it processes. */
export function natGatewayMonthly(gbProcessed: number): { fixed: number; usage: number } {
  return { fixed: monthly(PRICES.natGatewayHour.usd), usage: gbProcessed * PRICES.natGatewayData.usd };
}

/** An interface endpoint is billed per AZ it has an ENI in. */
export function interfaceEndpointMonthly(azs: number, gbProcessed: number): { fixed: number; usage: number } {
  return { fixed: monthly(azs * PRICES.interfaceEndpointHour.usd), usage: gbProcessed * PRICES.interfaceEndpointData.usd };
}

/** Data transfer charged per GB in each direction (`directions` 2 when both sides are in this account). */
export function regionalTransfer(gb: number, directions: 1 | 2): number {
  return gb * directions * PRICES.regionalDataTransfer.usd;
}

/** Lambda compute (GB-seconds) and requests. */
export function lambdaMonthly(invocations: number, avgMs: number, memoryMb: number, arm = false): number {
  const gbSeconds = invocations * (avgMs / 1000) * (memoryMb / 1024);
  return gbSeconds * (arm ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd) + (invocations / 1e6) * PRICES.lambdaRequests.usd;
}

/** Standard workflow state transitions. */
export const sfnMonthly = (transitions: number) => (transitions / 1000) * PRICES.sfnTransitions.usd;

/** CloudWatch Logs: ingestion plus storage; storage is billed compressed (about 15 % of the raw size). */
export const LOGS_COMPRESSION = 0.15;
export function logsMonthly(gbIngestedPerMonth: number, retentionDays: number | undefined): { ingest: number; storage: number; storedGb: number } {
  // Steady state: what the retention window holds; no retention keeps a year's worth in this estimate.
  const months = Math.min((retentionDays ?? 365) / 30, 12);
  const storedGb = gbIngestedPerMonth * months * LOGS_COMPRESSION;
  return { ingest: gbIngestedPerMonth * PRICES.logsIngest.usd, storage: storedGb * PRICES.logsStorage.usd, storedGb };
}

/** DynamoDB on-demand requests and storage (PITR bills the table size again). */
export function dynamoMonthly(gb: number, writes: number, reads: number, pitr: boolean): { storage: number; requests: number } {
  return {
    storage: gb * PRICES.dynamoStorage.usd + (pitr ? gb * PRICES.dynamoPitr.usd : 0),
    requests: (writes / 1e6) * PRICES.dynamoWrite.usd + (reads / 1e6) * PRICES.dynamoRead.usd,
  };
}

/** S3 Standard storage and requests. */
export function s3Monthly(gb: number, puts: number, gets: number): { storage: number; requests: number } {
  return { storage: gb * PRICES.s3Storage.usd, requests: (puts / 1000) * PRICES.s3Put.usd + (gets / 1000) * PRICES.s3Get.usd };
}

/** A web ACL with `rules` rules (a managed rule group counts as one) and its requests. */
export function wafMonthly(rules: number, millionRequests: number): { fixed: number; usage: number } {
  return { fixed: PRICES.wafWebAcl.usd + rules * PRICES.wafRule.usd, usage: millionRequests * PRICES.wafRequests.usd };
}

/** Relative difference of `ours` from `reference` (0.1 = 10 % more). */
export const relativeDifference = (ours: number, reference: number) => (ours - reference) / reference;
