import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AssumeRolePolicyBuilder, getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { getLatestAl2023Ami } from '@tradai/infra-shared/pulumi';
import { NAT_ARCHITECTURE, NAT_INSTANCE_TYPE, SSM_CORE_POLICY, renderNatUserData } from './nat_instance.logic.js';

export interface NatInstanceArgs {
  readonly cfg: TradaiConfig;
  /** The public subnet the instance lives in. */
  readonly subnetId: pulumi.Input<string>;
  readonly securityGroupId: pulumi.Input<string>;
  /** Traffic from this block is forwarded and translated. */
  readonly vpcCidr: string;
}

/**
 * A t4g.nano NAT instance instead of a NAT Gateway (~$3 vs ~$32 per month, seed section 5).
 *
 * Trade-off: it is one instance in one AZ. If it or its AZ fails, the private subnets lose
 * internet egress (exchanges, public APIs) until EC2 auto-recovery brings it back; AWS APIs
 * keep working through the VPC endpoints, and nothing inbound depends on it. Per-AZ NAT would
 * double the cost and the private route tables are already per AZ, so that is a small change
 * when the traffic justifies it.
 */
export class NatInstance extends pulumi.ComponentResource {
  readonly instance: aws.ec2.Instance;
  readonly eip: aws.ec2.Eip;
  readonly role: aws.iam.Role;
  /** The instance's primary ENI: the target of the private route tables' default route. */
  readonly networkInterfaceId: pulumi.Output<string>;

  constructor(name: string, args: NatInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:NatInstance', name, {}, opts);
    const env = args.cfg.environment;
    const tags = getTags(env);
    const instanceName = getResourceName('nat', env);

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: getResourceName('nat-instance', env),
        description: 'NAT instance: Session Manager access only',
        assumeRolePolicy: AssumeRolePolicyBuilder.forEc2().json(),
        tags,
      },
      { parent: this },
    );
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    new aws.iam.RolePolicyAttachment(
      `${name}-ssm`,
      { role: this.role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${SSM_CORE_POLICY}` },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { name: getResourceName('nat-instance', env), role: this.role.name, tags }, { parent: this });

    this.instance = new aws.ec2.Instance(
      name,
      {
        ami: getLatestAl2023Ami(NAT_ARCHITECTURE, { parent: this }),
        instanceType: NAT_INSTANCE_TYPE,
        subnetId: args.subnetId,
        vpcSecurityGroupIds: [args.securityGroupId],
        // Needed at boot to install iptables-services; the Elastic IP then replaces it.
        associatePublicIpAddress: true,
        // A NAT forwards packets that are neither from nor to itself.
        sourceDestCheck: false,
        iamInstanceProfile: profile.name,
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        rootBlockDevice: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true },
        maintenanceOptions: { autoRecovery: 'default' },
        monitoring: false,
        userData: renderNatUserData({ environment: env, vpcCidr: args.vpcCidr }),
        userDataReplaceOnChange: true,
        tags: { ...tags, Name: instanceName },
        volumeTags: { ...tags, Name: instanceName },
      },
      // A new AL2023 release must not replace the instance (and cut egress) on the next up; the
      // instance applies security updates itself (dnf-automatic). Replace it deliberately.
      { parent: this, ignoreChanges: ['ami'] },
    );

    // A stable egress address: exchanges allow-list API keys by source IP.
    this.eip = new aws.ec2.Eip(
      `${name}-eip`,
      { domain: 'vpc', instance: this.instance.id, tags: { ...tags, Name: getResourceName('nat-eip', env) } },
      { parent: this },
    );

    this.networkInterfaceId = this.instance.primaryNetworkInterfaceId;
    this.registerOutputs({ instanceId: this.instance.id, publicIp: this.eip.publicIp });
  }
}
