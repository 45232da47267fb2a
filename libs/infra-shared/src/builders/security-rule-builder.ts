import { RDS_CONFIG } from '../config/rds.js';
import { SERVICES, type ServiceName } from '../config/services.js';

/** `tcp`/`udp`, or `-1` for all traffic (AWS then requires ports 0-0). */
export type RuleProtocol = 'tcp' | 'udp' | '-1';

/** A validated port range (inclusive). */
export class PortRange {
  constructor(
    readonly from: number,
    readonly to: number = from,
    readonly protocol: RuleProtocol = 'tcp',
  ) {
    for (const [field, port] of [['from', from], ['to', to]] as const) {
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PortRange: ${field} port ${port} is not an integer in 0..65535`);
    }
    if (from > to) throw new Error(`PortRange: from ${from} is greater than to ${to}`);
    if (protocol === '-1' && (from !== 0 || to !== 0)) throw new Error(`PortRange: protocol -1 (all traffic) takes ports 0-0, got ${from}-${to}`);
  }

  /** One port. */
  static single(port: number, protocol: RuleProtocol = 'tcp'): PortRange {
    return new PortRange(port, port, protocol);
  }

  get isSinglePort(): boolean {
    return this.from === this.to;
  }

  toString(): string {
    if (this.protocol === '-1') return 'all traffic';
    return `${this.protocol}/${this.isSinglePort ? this.from : `${this.from}-${this.to}`}`;
  }
}

type Snake<S extends string> = S extends `${infer H}-${infer T}` ? `${H}_${Snake<T>}` : S;
/** `backend-api` -> `BACKEND_API`. */
export type ServicePortName = Uppercase<Snake<ServiceName>>;

const servicePorts = Object.fromEntries(
  (Object.keys(SERVICES) as ServiceName[]).map((name) => [name.replace(/-/g, '_').toUpperCase(), PortRange.single(SERVICES[name].port)]),
) as Record<ServicePortName, PortRange>;

/** Named ports: web, PostgreSQL (RDS_CONFIG), every service port (SERVICES) and the wide ranges. */
export const CommonPorts = {
  HTTP: PortRange.single(80),
  HTTPS: PortRange.single(443),
  POSTGRES: PortRange.single(RDS_CONFIG.port),
  ...servicePorts,
  /** MLflow's port, read from SERVICES.mlflow (listed for the seed's name). */
  MLFLOW: PortRange.single(SERVICES.mlflow.port),
  /** Return traffic for NACLs and NAT. */
  EPHEMERAL: new PortRange(1024, 65535),
  ALL_TCP: new PortRange(0, 65535),
  ALL_TRAFFIC: new PortRange(0, 0, '-1'),
} as const satisfies Record<string, PortRange>;

/** The only ports opened to the internet (the ALB / NAT web traffic). */
export const INTERNET_INGRESS_PORTS: readonly number[] = [80, 443];

const ANY_IPV4 = '0.0.0.0/0';
const ANY_IPV6 = '::/0';
// AWS's allowed characters for a security group rule description (max 255).
const DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * One rule, in the shape of `aws.ec2.SecurityGroupRuleArgs` minus `securityGroupId`:
 * `new aws.ec2.SecurityGroupRule(rule.name, { ...securityRuleArgs(rule), securityGroupId: sg.id })`.
 * For egress, `sourceSecurityGroupId` is the destination group (as in SecurityGroupRule).
 */
export interface SecurityRuleSpec<S = string> {
  /** Stable resource name `<group>-<type>-<description slug>`: reordering rules renames nothing. */
  readonly name: string;
  readonly type: 'ingress' | 'egress';
  readonly protocol: RuleProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  // Mutable arrays: they go straight into Pulumi args, which take `Input<string>[]`.
  readonly cidrBlocks?: string[];
  readonly ipv6CidrBlocks?: string[];
  readonly sourceSecurityGroupId?: S;
  readonly description: string;
}

/** The spec without its resource name: the args of `aws.ec2.SecurityGroupRule` (add `securityGroupId`). */
export function securityRuleArgs<S>(rule: SecurityRuleSpec<S>): Omit<SecurityRuleSpec<S>, 'name'> {
  const { name: _name, ...args } = rule;
  return args;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Fluent builder for one security group's rules (seed section 8). `S` is the type of security
 * group ids: plain strings in pure code, `pulumi.Input<string>` in stacks (ids are only compared
 * by identity for duplicate detection, never read).
 *
 * Ingress from 0.0.0.0/0 (or ::/0) is limited to ports 80 and 443; every rule needs a
 * description AWS accepts; an identical rule or a second rule with the same name throws.
 */
export class SecurityRuleBuilder<S = string> {
  private readonly rules: SecurityRuleSpec<S>[] = [];
  private readonly keys = new Set<string>();
  private readonly peerIds = new Map<unknown, number>();

  /** @param groupName the group's resource name: prefixes rule names and errors. */
  constructor(readonly groupName: string) {
    if (!slug(groupName)) throw new Error(`SecurityRuleBuilder: group name "${groupName}" is empty`);
  }

  /** Ingress from another security group. */
  ingressFromSg(sgId: S, port: number | PortRange, description: string): this {
    return this.add('ingress', this.range(port), { sourceSecurityGroupId: sgId }, description);
  }

  /** Ingress from a CIDR block; the internet (0.0.0.0/0) only on 80/443. */
  ingressFromCidr(cidr: string, port: number | PortRange, description: string): this {
    const range = this.range(port);
    if (cidr === ANY_IPV4 || cidr === ANY_IPV6) this.assertInternetPort(range, description);
    return this.add('ingress', range, this.cidrPeer(cidr), description);
  }

  /** Ingress from anywhere: only HTTP (80) and HTTPS (443); any other port throws naming it. */
  ingressFromInternet(port: number | PortRange, description: string): this {
    const range = this.range(port);
    this.assertInternetPort(range, description);
    return this.add('ingress', range, { cidrBlocks: [ANY_IPV4] }, description);
  }

  /** HTTPS to anywhere: AWS APIs (through NAT or endpoints), registries. */
  egressHttpsToInternet(description = 'HTTPS to the internet'): this {
    return this.add('egress', CommonPorts.HTTPS, { cidrBlocks: [ANY_IPV4] }, description);
  }

  /** Egress to another security group. */
  egressToSg(sgId: S, port: number | PortRange, description: string): this {
    return this.add('egress', this.range(port), { sourceSecurityGroupId: sgId }, description);
  }

  /** Egress to a CIDR block (0.0.0.0/0 allowed: egress to the internet goes through NAT). */
  egressToCidr(cidr: string, port: number | PortRange, description: string): this {
    return this.add('egress', this.range(port), this.cidrPeer(cidr), description);
  }

  /** The rules in the order they were added. */
  build(): SecurityRuleSpec<S>[] {
    return this.rules.map((r) => ({ ...r, ...(r.cidrBlocks ? { cidrBlocks: [...r.cidrBlocks] } : {}), ...(r.ipv6CidrBlocks ? { ipv6CidrBlocks: [...r.ipv6CidrBlocks] } : {}) }));
  }

  private get label(): string {
    return `SecurityRuleBuilder(${this.groupName})`;
  }

  private range(port: number | PortRange): PortRange {
    return typeof port === 'number' ? PortRange.single(port) : port;
  }

  private assertInternetPort(range: PortRange, description: string): void {
    if (!range.isSinglePort || range.protocol !== 'tcp' || !INTERNET_INGRESS_PORTS.includes(range.from)) {
      throw new Error(`${this.label}: ingress from the internet on ${range} ("${description}") is refused; only tcp/80 and tcp/443 may be open to 0.0.0.0/0`);
    }
  }

  private cidrPeer(cidr: string): Pick<SecurityRuleSpec<S>, 'cidrBlocks' | 'ipv6CidrBlocks'> {
    if (cidr === ANY_IPV6) return { ipv6CidrBlocks: [cidr] };
    const m = IPV4_CIDR.exec(cidr);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) throw new Error(`${this.label}: "${cidr}" is not an IPv4 CIDR block (a.b.c.d/n)`);
    return { cidrBlocks: [cidr] };
  }

  private peerKey(peer: Pick<SecurityRuleSpec<S>, 'cidrBlocks' | 'ipv6CidrBlocks' | 'sourceSecurityGroupId'>): string {
    if (peer.sourceSecurityGroupId === undefined) return `cidr:${[...(peer.cidrBlocks ?? []), ...(peer.ipv6CidrBlocks ?? [])].join(',')}`;
    const id = peer.sourceSecurityGroupId;
    if (typeof id === 'string') return `sg:${id}`;
    // Outputs cannot be read here: the same object twice is a duplicate, two Outputs are distinct.
    if (!this.peerIds.has(id)) this.peerIds.set(id, this.peerIds.size);
    return `sg-ref:${this.peerIds.get(id)}`;
  }

  private add(type: 'ingress' | 'egress', range: PortRange, peer: Pick<SecurityRuleSpec<S>, 'cidrBlocks' | 'ipv6CidrBlocks' | 'sourceSecurityGroupId'>, description: string): this {
    if (typeof description !== 'string' || !description.trim()) throw new Error(`${this.label}: ${type} ${range} needs a description`);
    if (!DESCRIPTION.test(description)) {
      throw new Error(`${this.label}: description "${description}" has characters AWS refuses or is over 255 characters (allowed: letters, digits, space and ._-:/()#,@[]+=&;{}!$*)`);
    }
    if (peer.sourceSecurityGroupId === undefined && !peer.cidrBlocks && !peer.ipv6CidrBlocks) throw new Error(`${this.label}: ${type} "${description}" has no peer`);
    if (peer.sourceSecurityGroupId === null || (typeof peer.sourceSecurityGroupId === 'string' && !peer.sourceSecurityGroupId)) {
      throw new Error(`${this.label}: ${type} "${description}" has an empty security group id`);
    }
    const key = `${type}|${range.protocol}|${range.from}|${range.to}|${this.peerKey(peer)}`;
    if (this.keys.has(key)) throw new Error(`${this.label}: duplicate ${type} rule on ${range} ("${description}")`);
    const name = `${slug(this.groupName)}-${type}-${slug(description)}`;
    const clash = this.rules.find((r) => r.name === name);
    if (clash) throw new Error(`${this.label}: rules "${clash.description}" and "${description}" get the same name ${name}; make the descriptions distinct`);
    this.keys.add(key);
    this.rules.push({ name, type, protocol: range.protocol, fromPort: range.from, toPort: range.to, ...peer, description });
    return this;
  }
}
