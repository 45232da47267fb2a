/**
 * Pure network planning for the VPC: CIDR arithmetic and the subnet layout (seed section 5:
 * 10.0.0.0/16, 2 AZs, 2 public + 2 private + 2 database subnets). No Pulumi here.
 */

/** The VPC's address space. */
export const VPC_CIDR = '10.0.0.0/16';

/** How many availability zones the VPC spans. */
export const AZ_COUNT = 2;

export const SUBNET_TIERS = ['public', 'private', 'database'] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/**
 * Prefix length per tier. Private subnets are the large ones: every Fargate task and every VPC
 * Lambda ENI takes an address there. Public (ALB, NAT instance) and database (RDS) hold a handful.
 */
export const TIER_PREFIX: Readonly<Record<SubnetTier, number>> = { public: 24, private: 20, database: 24 };

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

export interface PlannedSubnet {
  readonly tier: SubnetTier;
  /** Index of the AZ (0-based) this subnet lives in. */
  readonly azIndex: number;
  readonly cidr: string;
}

/** A CIDR cannot be parsed, is not aligned, or the layout does not fit. */
export class SubnetPlanError extends Error {
  override readonly name = 'SubnetPlanError';
}

const ipToInt = (ip: string): number => {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new SubnetPlanError(`"${ip}" is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
};

const intToIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** Parses `a.b.c.d/n`; the address must be the network address of the block. */
export function parseCidr(cidr: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new SubnetPlanError(`"${cidr}" is not a CIDR block (a.b.c.d/n)`);
  const prefix = Number(m[2]);
  if (prefix > 32) throw new SubnetPlanError(`"${cidr}": prefix /${prefix} is longer than 32 bits`);
  const base = ipToInt(m[1]!);
  if (base % blockSize(prefix) !== 0) {
    throw new SubnetPlanError(`"${cidr}" is not aligned: the network address of that /${prefix} is ${intToIp(base - (base % blockSize(prefix)))}`);
  }
  return { base, prefix };
}

export const formatCidr = (c: Cidr): string => `${intToIp(c.base)}/${c.prefix}`;

/** Number of addresses in a block of this prefix length. */
export const blockSize = (prefix: number): number => 2 ** (32 - prefix);

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix);
}

/** True when the two blocks share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

export interface SubnetRequest {
  readonly tier: SubnetTier;
  readonly prefix: number;
  readonly count: number;
}

/**
 * Carves subnets out of `vpcCidr` in request order, each aligned to its own size (so a /20 after
 * two /24s starts at the next /20 boundary). Deterministic: the same requests always yield the
 * same CIDRs, so a plan never moves a subnet (which would replace it and everything in it).
 * @throws SubnetPlanError when a prefix is shorter than the VPC's or the layout overflows the VPC
 */
export function allocateSubnets(vpcCidr: string, requests: readonly SubnetRequest[]): PlannedSubnet[] {
  const vpc = parseCidr(vpcCidr);
  const end = vpc.base + blockSize(vpc.prefix);
  let cursor = vpc.base;
  const planned: PlannedSubnet[] = [];
  for (const { tier, prefix, count } of requests) {
    if (!Number.isInteger(prefix) || prefix < vpc.prefix || prefix > 28) {
      throw new SubnetPlanError(`${tier} subnets: prefix /${prefix} must be between /${vpc.prefix} (the VPC) and /28 (the smallest AWS subnet)`);
    }
    const size = blockSize(prefix);
    for (let azIndex = 0; azIndex < count; azIndex++) {
      const base = Math.ceil(cursor / size) * size;
      if (base + size > end) {
        throw new SubnetPlanError(`${tier} subnet ${azIndex + 1}/${count} (/${prefix}) does not fit in ${vpcCidr}`);
      }
      planned.push({ tier, azIndex, cidr: formatCidr({ base, prefix }) });
      cursor = base + size;
    }
  }
  return planned;
}

/** The foundation layout: per tier, one subnet in each of the first `azCount` AZs. */
export function planSubnets(vpcCidr: string = VPC_CIDR, azCount: number = AZ_COUNT): PlannedSubnet[] {
  if (!Number.isInteger(azCount) || azCount < 2) {
    throw new SubnetPlanError(`azCount must be an integer >= 2 (RDS subnet groups need two AZs), got ${azCount}`);
  }
  return allocateSubnets(
    vpcCidr,
    SUBNET_TIERS.map((tier) => ({ tier, prefix: TIER_PREFIX[tier], count: azCount })),
  );
}

/** CIDRs of one tier, in AZ order. */
export function tierCidrs(plan: readonly PlannedSubnet[], tier: SubnetTier): string[] {
  return plan.filter((s) => s.tier === tier).sort((a, b) => a.azIndex - b.azIndex).map((s) => s.cidr);
}

/**
 * The AZs to use: the first `count` of those the region reports, sorted so the choice does not
 * depend on the order the API returns them in.
 */
export function pickAvailabilityZones(names: readonly string[], count: number = AZ_COUNT): string[] {
  const sorted = [...new Set(names)].sort();
  if (sorted.length < count) {
    throw new SubnetPlanError(`need ${count} availability zones, the region reports ${sorted.length} (${sorted.join(', ') || 'none'})`);
  }
  return sorted.slice(0, count);
}
