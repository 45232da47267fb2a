import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, isConsolidatedMode, type SecurityRuleSpec, type TradaiConfig } from '@tradai/infra-shared';
import { GROUP_DESCRIPTIONS, SECURITY_GROUPS, buildSecurityRules, groupComponent, type BaseGroupKey, type GroupKey } from './security_groups.logic.js';

export interface SecurityGroupsArgs {
  readonly cfg: TradaiConfig;
  readonly vpcId: pulumi.Input<string>;
  /** CIDRs of the private subnets (the NAT instance's clients). */
  readonly privateCidrs: readonly string[];
}

/**
 * The six security groups (ALB, ECS, Lambda, RDS, NAT, VPC endpoints) and the consolidated
 * host's group when consolidated mode is on. Groups are created empty and every rule is its own
 * `aws.vpc.SecurityGroupIngressRule`/`EgressRule`: groups that reference each other (ECS <-> RDS,
 * ALB <-> ECS) would otherwise form a dependency cycle, and inline rules cannot carry tags.
 */
export class SecurityGroups extends pulumi.ComponentResource {
  readonly groups: Readonly<Record<BaseGroupKey, aws.ec2.SecurityGroup>> & { readonly consolidated?: aws.ec2.SecurityGroup };
  /** Every rule spec, by group (for plans and tests). */
  readonly rules: Partial<Record<GroupKey, SecurityRuleSpec<pulumi.Input<string>>[]>>;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:SecurityGroups', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env);
    const keys: GroupKey[] = [...SECURITY_GROUPS, ...(isConsolidatedMode(cfg) ? (['consolidated'] as const) : [])];
    const names = Object.fromEntries([...SECURITY_GROUPS, 'consolidated' as const].map((k) => [k, getResourceName(groupComponent(k), env)])) as Record<GroupKey, string>;

    const created = Object.fromEntries(
      keys.map((key) => [
        key,
        new aws.ec2.SecurityGroup(
          `${name}-${key}`,
          {
            name: names[key],
            description: GROUP_DESCRIPTIONS[key],
            vpcId: args.vpcId,
            tags: { ...tags, Name: names[key] },
          },
          { parent: this },
        ),
      ]),
    ) as Record<GroupKey, aws.ec2.SecurityGroup>;
    this.groups = created;

    const ids = Object.fromEntries(keys.map((k) => [k, created[k].id])) as Record<BaseGroupKey, pulumi.Output<string>> & { consolidated?: pulumi.Output<string> };
    this.rules = buildSecurityRules<pulumi.Input<string>>({ ids, privateCidrs: args.privateCidrs, names });

    for (const key of keys) {
      for (const rule of this.rules[key] ?? []) this.createRule(created[key], rule, tags);
    }

    this.registerOutputs(Object.fromEntries(keys.map((k) => [k, created[k].id])));
  }

  /** One rule resource per peer (the VPC rule resources take a single CIDR or group each). */
  private createRule(group: aws.ec2.SecurityGroup, rule: SecurityRuleSpec<pulumi.Input<string>>, tags: Record<string, string>): void {
    const peers: { suffix: string; peer: { cidrIpv4?: string; cidrIpv6?: string; referencedSecurityGroupId?: pulumi.Input<string> } }[] = [
      ...(rule.cidrBlocks ?? []).map((c, i, all) => ({ suffix: all.length > 1 ? `-${i}` : '', peer: { cidrIpv4: c } })),
      ...(rule.ipv6CidrBlocks ?? []).map((c, i, all) => ({ suffix: all.length > 1 ? `-v6-${i}` : '-v6', peer: { cidrIpv6: c } })),
      ...(rule.sourceSecurityGroupId !== undefined ? [{ suffix: '', peer: { referencedSecurityGroupId: rule.sourceSecurityGroupId } }] : []),
    ];
    for (const { suffix, peer } of peers) {
      const args = {
        securityGroupId: group.id,
        ipProtocol: rule.protocol,
        // Protocol -1 (all traffic) takes no ports in the VPC rule API.
        ...(rule.protocol === '-1' ? {} : { fromPort: rule.fromPort, toPort: rule.toPort }),
        ...peer,
        description: rule.description,
        tags,
      };
      if (rule.type === 'ingress') new aws.vpc.SecurityGroupIngressRule(`${rule.name}${suffix}`, args, { parent: this });
      else new aws.vpc.SecurityGroupEgressRule(`${rule.name}${suffix}`, args, { parent: this });
    }
  }
}
