import type { PlanGraph } from '../plan/graph.js';
import type { LocatedResource } from '../plan/model.js';
import { T } from '../plan/tokens.js';
import { finding, type Finding, type Rule } from './types.js';
import { arr, isTrue, num, obj, str } from './util.js';

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);
/** Pulumi's default group description: a group someone did not describe. */
const DEFAULT_SG_DESCRIPTION = 'Managed by Pulumi';
/** Internet-facing ports a load balancer's group may open to the world. */
const LB_PUBLIC_PORTS = new Set([80, 443]);

/** One security group rule, inline or standalone, in one shape. */
export interface SgRuleView {
  readonly direction: 'ingress' | 'egress';
  /** The resource carrying the rule (the group for inline rules). */
  readonly owner: LocatedResource;
  /** The group the rule belongs to, when it is in the plans. */
  readonly group: LocatedResource | undefined;
  readonly protocol: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly cidrs: readonly string[];
  readonly description: string | undefined;
  /** Input path of the rule's source, for messages. */
  readonly property: string;
}

const allTraffic = (r: SgRuleView) => r.protocol === '-1' || r.protocol === 'all' || ((r.from ?? 0) <= 0 && (r.to ?? 65535) >= 65535);
const portText = (r: SgRuleView) => (r.protocol === '-1' || r.protocol === 'all' ? 'all traffic' : `${r.protocol} ${r.from === r.to ? r.from : `${r.from}-${r.to}`}`);

/**
 * The rules a resource carries: a group's inline `ingress`/`egress` blocks, or the one rule of a
 * standalone `vpc.SecurityGroupIngressRule` / `vpc.SecurityGroupEgressRule` / `ec2.SecurityGroupRule`
 * (its group resolved through `securityGroupId`).
 */
export function securityGroupRules(graph: PlanGraph, r: LocatedResource): SgRuleView[] {
  const i = r.inputs;
  if ((T.securityGroup as readonly string[]).includes(r.type)) {
    return (['ingress', 'egress'] as const).flatMap((direction) =>
      arr(i[direction]).map((raw, n) => {
        const b = obj(raw);
        return {
          direction,
          owner: r,
          group: r,
          protocol: String(b['protocol'] ?? '-1'),
          from: num(b['fromPort']),
          to: num(b['toPort']),
          cidrs: [...arr(b['cidrBlocks']), ...arr(b['ipv6CidrBlocks'])].map(String),
          description: str(b['description']),
          property: `${direction}.${n}.cidrBlocks`,
        };
      }),
    );
  }
  const group = graph.resolve(i['securityGroupId'], ...T.securityGroup);
  if ((T.sgIngressRule as readonly string[]).includes(r.type) || (T.sgEgressRule as readonly string[]).includes(r.type)) {
    return [
      {
        direction: (T.sgIngressRule as readonly string[]).includes(r.type) ? 'ingress' : 'egress',
        owner: r,
        group,
        protocol: String(i['ipProtocol'] ?? '-1'),
        from: num(i['fromPort']),
        to: num(i['toPort']),
        cidrs: [i['cidrIpv4'], i['cidrIpv6']].filter((c): c is string => typeof c === 'string'),
        description: str(i['description']),
        property: str(i['cidrIpv6']) ? 'cidrIpv6' : 'cidrIpv4',
      },
    ];
  }
  if ((T.sgRule as readonly string[]).includes(r.type)) {
    return [
      {
        direction: i['type'] === 'egress' ? 'egress' : 'ingress',
        owner: r,
        group,
        protocol: String(i['protocol'] ?? '-1'),
        from: num(i['fromPort']),
        to: num(i['toPort']),
        cidrs: [...arr(i['cidrBlocks']), ...arr(i['ipv6CidrBlocks'])].map(String),
        description: str(i['description']),
        property: 'cidrBlocks',
      },
    ];
  }
  return [];
}

const SG_RULE_TYPES = [...T.securityGroup, ...T.sgIngressRule, ...T.sgEgressRule, ...T.sgRule];

/** Whether a load balancer in the plans uses this group (the one place 80/443 may be open to the world). */
const attachedToLoadBalancer = (graph: PlanGraph, group: LocatedResource | undefined) =>
  group !== undefined && graph.referencing(group, T.loadBalancer, 'securityGroups').length > 0;

export const NETWORK_RULES: readonly Rule[] = [
  {
    id: 'TRADAI-SG-001',
    mirrors: ['AwsSolutions-EC23', 'CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260'],
    severity: 'high',
    description: 'No security group admits 0.0.0.0/0 or ::/0, except TCP 80/443 on a group attached to a load balancer.',
    types: SG_RULE_TYPES,
    check: (r, { graph }) =>
      securityGroupRules(graph, r)
        .filter((rule) => rule.direction === 'ingress')
        .flatMap((rule) =>
          rule.cidrs
            .filter((c) => ANYWHERE.has(c))
            .filter(() => {
              const webPort = (rule.protocol === 'tcp' || rule.protocol === '6') && rule.from === rule.to && LB_PUBLIC_PORTS.has(rule.from ?? -1);
              return !(webPort && attachedToLoadBalancer(graph, rule.group));
            })
            .map((c) => finding(rule.property, `admits ${portText(rule)} from ${c}${rule.group ? ` into ${rule.group.name}` : ''}`)),
        ),
  },
  {
    id: 'TRADAI-SG-002',
    mirrors: ['AwsSolutions-EC27', 'CKV_AWS_23'],
    severity: 'low',
    description: 'Security groups and every one of their rules carry a description.',
    types: SG_RULE_TYPES,
    check: (r, { graph }) => {
      const out: Finding[] = [];
      if ((T.securityGroup as readonly string[]).includes(r.type)) {
        const d = str(r.inputs['description']);
        if (!d || d === DEFAULT_SG_DESCRIPTION) out.push(finding('description', 'is missing (Pulumi default "Managed by Pulumi")'));
      }
      for (const rule of securityGroupRules(graph, r)) {
        if (!rule.description) out.push(finding(rule.owner === r && rule.group === r ? rule.property.replace(/cidrBlocks$/, 'description') : 'description', `${rule.direction} rule ${portText(rule)} has no description`));
      }
      return out;
    },
  },
  {
    id: 'TRADAI-SG-003',
    mirrors: ['CKV_AWS_277'],
    severity: 'high',
    description: 'No ingress rule opens all protocols/ports to a CIDR block (use a security group source or a port range).',
    types: SG_RULE_TYPES,
    check: (r, { graph }) =>
      securityGroupRules(graph, r)
        .filter((rule) => rule.direction === 'ingress' && rule.cidrs.length > 0 && allTraffic(rule))
        .map((rule) => finding(rule.property, `admits all traffic from ${rule.cidrs.join(', ')}`)),
  },
  {
    id: 'TRADAI-VPC-001',
    mirrors: ['AwsSolutions-VPC7', 'CKV2_AWS_11'],
    severity: 'medium',
    description: 'Every VPC has a flow log.',
    types: T.vpc,
    check: (vpc, { graph }) => (graph.referencing(vpc, T.flowLog, 'vpcId').length > 0 ? [] : [finding('FlowLog', 'has no FlowLog (an ec2.FlowLog whose vpcId is this VPC)')]),
  },
  {
    id: 'TRADAI-VPC-002',
    mirrors: ['AwsSolutions-VPC3'],
    severity: 'low',
    description: 'Network ACLs are avoided (stateless, subnet-wide); security groups carry the rules. Deliberate NACLs are suppressed with a reason.',
    types: T.networkAcl,
    check: (acl) => [finding('type', `is a network ACL (${acl.type.split(':').pop()})`)],
  },
  {
    id: 'TRADAI-VPC-003',
    mirrors: ['CKV2_AWS_12'],
    severity: 'medium',
    description: 'Every VPC\'s default security group is adopted and stripped of all rules.',
    types: T.vpc,
    check: (vpc, { graph }) => {
      const defaults = graph.referencing(vpc, T.defaultSecurityGroup, 'vpcId');
      if (defaults.length === 0) return [finding('DefaultSecurityGroup', 'has no managed DefaultSecurityGroup (the default group allows all traffic between its members)')];
      return defaults.filter((d) => arr(d.inputs['ingress']).length > 0 || arr(d.inputs['egress']).length > 0).map((d) => finding('DefaultSecurityGroup', `DefaultSecurityGroup ${d.name} still has ingress/egress rules`));
    },
  },
  {
    id: 'TRADAI-VPC-004',
    mirrors: ['CKV_AWS_130'],
    severity: 'medium',
    description: 'Subnets do not assign public IPs on launch (instances that need one ask for it).',
    types: T.subnet,
    check: (s) => (isTrue(s.inputs['mapPublicIpOnLaunch']) ? [finding('mapPublicIpOnLaunch', 'is true')] : []),
  },
  {
    id: 'TRADAI-EC2-001',
    mirrors: ['CKV_AWS_79'],
    severity: 'high',
    description: 'EC2 instances and launch templates require IMDSv2 (metadataOptions.httpTokens = required).',
    types: [...T.ec2Instance, ...T.launchTemplate],
    check: (r) => (obj(r.inputs['metadataOptions'])['httpTokens'] === 'required' ? [] : [finding('metadataOptions.httpTokens', `is ${String(obj(r.inputs['metadataOptions'])['httpTokens'] ?? 'unset (IMDSv1 allowed)')}`)]),
  },
  {
    id: 'TRADAI-EC2-002',
    mirrors: ['AwsSolutions-EC26', 'CKV_AWS_8', 'CKV_AWS_3', 'awsguard encrypted-volumes'],
    severity: 'high',
    description: 'EBS volumes of instances and launch templates are encrypted.',
    types: [...T.ec2Instance, ...T.launchTemplate],
    check: (r) => {
      if ((T.ec2Instance as readonly string[]).includes(r.type)) {
        const out: Finding[] = [];
        if (!isTrue(obj(r.inputs['rootBlockDevice'])['encrypted'])) out.push(finding('rootBlockDevice.encrypted', 'is not true'));
        arr(r.inputs['ebsBlockDevices']).forEach((d, n) => {
          if (!isTrue(obj(d)['encrypted'])) out.push(finding(`ebsBlockDevices.${n}.encrypted`, 'is not true'));
        });
        return out;
      }
      const mappings = arr(r.inputs['blockDeviceMappings']);
      if (mappings.length === 0) return [finding('blockDeviceMappings', 'is empty: the root volume takes the AMI default, unencrypted')];
      return mappings.flatMap((m, n) => (isTrue(obj(obj(m)['ebs'])['encrypted']) ? [] : [finding(`blockDeviceMappings.${n}.ebs.encrypted`, 'is not true')]));
    },
  },
  {
    id: 'TRADAI-EC2-003',
    mirrors: ['CKV_AWS_88', 'awsguard ec2-instance-no-public-ip'],
    severity: 'medium',
    description: 'EC2 instances and launch templates do not get public IP addresses.',
    types: [...T.ec2Instance, ...T.launchTemplate],
    check: (r) => {
      if (isTrue(r.inputs['associatePublicIpAddress'])) return [finding('associatePublicIpAddress', 'is true')];
      return arr(r.inputs['networkInterfaces']).flatMap((ni, n) => (isTrue(obj(ni)['associatePublicIpAddress']) ? [finding(`networkInterfaces.${n}.associatePublicIpAddress`, 'is true')] : []));
    },
  },
  {
    id: 'TRADAI-EC2-004',
    mirrors: ['CKV2_AWS_41'],
    severity: 'medium',
    description: 'EC2 instances and launch templates run with an instance profile (no keys on the box).',
    types: [...T.ec2Instance, ...T.launchTemplate],
    check: (r) => {
      const p = r.inputs['iamInstanceProfile'];
      const named = typeof p === 'string' ? p : str(obj(p)['name']) ?? str(obj(p)['arn']);
      return named ? [] : [finding('iamInstanceProfile', 'is not set')];
    },
  },
];
