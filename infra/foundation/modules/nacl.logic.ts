import type { SubnetTier } from './vpc.logic.js';

/**
 * Network ACL entries per subnet tier. NACLs are stateless, so every allowed flow needs its
 * return path spelled out (the ephemeral port range). Security groups do the fine-grained work;
 * the NACLs are the coarse second fence, above all around the database tier.
 */

/** Linux/AWS ephemeral source ports used by return traffic (covers NAT-translated ports too). */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
export const POSTGRES_PORT = 5432;
export const ANYWHERE = '0.0.0.0/0';

export interface NaclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** `tcp`, `udp` or `-1` (all). */
  readonly protocol: 'tcp' | 'udp' | '-1';
  readonly ruleAction: 'allow' | 'deny';
  readonly cidrBlock: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** Why the entry exists (NACL entries carry no description in AWS; kept for plans and reviews). */
  readonly purpose: string;
}

export interface NaclPlanInput {
  readonly vpcCidr: string;
  readonly privateCidrs: readonly string[];
  /** The PostgreSQL port (RDS_CONFIG.port). */
  readonly databasePort?: number;
}

const entry = (
  ruleNumber: number,
  egress: boolean,
  protocol: NaclEntry['protocol'],
  cidrBlock: string,
  from: number,
  to: number,
  purpose: string,
): NaclEntry => ({
  ruleNumber,
  egress,
  protocol,
  ruleAction: 'allow',
  cidrBlock,
  fromPort: protocol === '-1' ? 0 : from,
  toPort: protocol === '-1' ? 0 : to,
  purpose,
});

/**
 * The entries of each tier's NACL. Anything not listed hits the implicit deny-all.
 * - public: HTTP/HTTPS in from anywhere (ALB, NAT return), all from inside the VPC, return traffic
 *   on ephemeral ports; everything out.
 * - private: all from inside the VPC, return traffic from the internet (through the NAT instance
 *   and the S3/DynamoDB gateway endpoints) on ephemeral ports; everything out.
 * - database: PostgreSQL in from the private subnets only, its replies back to them only.
 */
export function naclEntries(tier: SubnetTier, input: NaclPlanInput): NaclEntry[] {
  const { vpcCidr, privateCidrs } = input;
  const dbPort = input.databasePort ?? POSTGRES_PORT;
  const { from: eFrom, to: eTo } = EPHEMERAL_PORTS;
  switch (tier) {
    case 'public':
      return [
        entry(100, false, 'tcp', ANYWHERE, 443, 443, 'HTTPS to the load balancer'),
        entry(110, false, 'tcp', ANYWHERE, 80, 80, 'HTTP to the load balancer (redirected to HTTPS)'),
        entry(120, false, '-1', vpcCidr, 0, 0, 'traffic from inside the VPC (private subnets through the NAT instance, VPC Link)'),
        entry(130, false, 'tcp', ANYWHERE, eFrom, eTo, 'TCP replies from the internet to the NAT instance and the load balancer'),
        entry(140, false, 'udp', ANYWHERE, eFrom, eTo, 'UDP replies from the internet (NAT-translated flows)'),
        entry(100, true, '-1', ANYWHERE, 0, 0, 'everything out: replies to clients, NAT egress, load balancer to targets'),
      ];
    case 'private':
      return [
        entry(100, false, '-1', vpcCidr, 0, 0, 'traffic from inside the VPC (load balancer, services, endpoints)'),
        entry(110, false, 'tcp', ANYWHERE, eFrom, eTo, 'TCP replies from the internet via the NAT instance and gateway endpoints'),
        entry(120, false, 'udp', ANYWHERE, eFrom, eTo, 'UDP replies from the internet via the NAT instance'),
        entry(100, true, '-1', ANYWHERE, 0, 0, 'everything out (security groups restrict per workload)'),
      ];
    case 'database':
      if (privateCidrs.length === 0) throw new Error('database NACL: privateCidrs is empty; the database tier would be unreachable');
      return privateCidrs.flatMap((cidr, i) => [
        entry(100 + i * 10, false, 'tcp', cidr, dbPort, dbPort, `PostgreSQL from private subnet ${i + 1}`),
        entry(100 + i * 10, true, 'tcp', cidr, eFrom, eTo, `PostgreSQL replies to private subnet ${i + 1}`),
      ]);
  }
}

/** Rule numbers must be unique per direction; AWS rejects duplicates only at apply time. */
export function assertUniqueRuleNumbers(entries: readonly NaclEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    const key = `${e.egress ? 'egress' : 'ingress'}:${e.ruleNumber}`;
    if (seen.has(key)) throw new Error(`duplicate NACL rule number ${e.ruleNumber} (${e.egress ? 'egress' : 'ingress'})`);
    seen.add(key);
  }
}
