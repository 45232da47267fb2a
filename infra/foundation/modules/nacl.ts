import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { RDS_CONFIG, getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { assertUniqueRuleNumbers, naclEntries } from './nacl.logic.js';
import { SUBNET_TIERS, type SubnetTier } from './vpc.logic.js';

export interface NetworkAclsArgs {
  readonly cfg: TradaiConfig;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  /** Private subnet CIDRs: the only sources the database tier accepts. */
  readonly privateCidrs: readonly string[];
  /** Subnet ids per tier; each subnet is attached to its tier's NACL. */
  readonly subnetIds: Readonly<Record<SubnetTier, readonly pulumi.Input<string>[]>>;
}

/**
 * One network ACL per subnet tier, attached to that tier's subnets (an explicit association
 * per subnet moves it off the VPC's allow-all default NACL). Entries come from nacl.logic.ts.
 */
export class NetworkAcls extends pulumi.ComponentResource {
  readonly acls: Readonly<Record<SubnetTier, aws.ec2.NetworkAcl>>;

  constructor(name: string, args: NetworkAclsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:NetworkAcls', name, {}, opts);
    const env = args.cfg.environment;
    const tags = getTags(env);

    const make = (tier: SubnetTier): aws.ec2.NetworkAcl => {
      const entries = naclEntries(tier, { vpcCidr: args.vpcCidr, privateCidrs: args.privateCidrs, databasePort: RDS_CONFIG.port });
      assertUniqueRuleNumbers(entries);
      const toRule = (e: (typeof entries)[number]) => ({
        ruleNo: e.ruleNumber,
        protocol: e.protocol,
        action: e.ruleAction,
        cidrBlock: e.cidrBlock,
        fromPort: e.fromPort,
        toPort: e.toPort,
      });
      const aclName = getResourceName(`${tier}-nacl`, env);
      const acl = new aws.ec2.NetworkAcl(
        `${name}-${tier}`,
        {
          vpcId: args.vpcId,
          ingress: entries.filter((e) => !e.egress).map(toRule),
          egress: entries.filter((e) => e.egress).map(toRule),
          tags: { ...tags, Name: aclName, Tier: tier },
        },
        { parent: this },
      );
      args.subnetIds[tier].forEach(
        (subnetId, i) => new aws.ec2.NetworkAclAssociation(`${name}-${tier}-${i}`, { networkAclId: acl.id, subnetId }, { parent: this }),
      );
      return acl;
    };

    this.acls = Object.fromEntries(SUBNET_TIERS.map((t) => [t, make(t)])) as Record<SubnetTier, aws.ec2.NetworkAcl>;
    this.registerOutputs(Object.fromEntries(SUBNET_TIERS.map((t) => [t, this.acls[t].id])));
  }
}
