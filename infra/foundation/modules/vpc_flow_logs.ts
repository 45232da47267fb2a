import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AssumeRolePolicyBuilder, PolicyBuilder, getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { policyJson } from '@tradai/infra-shared/pulumi';

export interface VpcFlowLogsArgs {
  readonly cfg: TradaiConfig;
  readonly vpcId: pulumi.Input<string>;
}

/** Flow log records are aggregated over this many seconds (60 or 600): 1 minute for incident work. */
export const FLOW_LOG_AGGREGATION_SECONDS = 60;

/** `/aws/vpc/flow-logs/tradai-vpc-dev` */
export function flowLogGroupName(env: TradaiConfig['environment']): string {
  return `/aws/vpc/flow-logs/${getResourceName('vpc', env)}`;
}

/**
 * Flow logs of ALL traffic (accepted and rejected) of the VPC into a CloudWatch log group kept
 * for the environment's retention (30/90 days), written by a role only the flow-logs service of
 * this account can assume.
 */
export class VpcFlowLogs extends pulumi.ComponentResource {
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
  readonly flowLog: aws.ec2.FlowLog;

  constructor(name: string, args: VpcFlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:VpcFlowLogs', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env);
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this }).region;

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: flowLogGroupName(env), retentionInDays: cfg.logRetentionDays, tags },
      { parent: this },
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: getResourceName('vpc-flow-logs', env),
        description: 'VPC flow logs delivery to CloudWatch Logs',
        // aws:SourceAccount: the service may use the role only for this account's flow logs.
        assumeRolePolicy: policyJson({ account: identity.accountId }, (r) =>
          AssumeRolePolicyBuilder.forService('vpc-flow-logs.amazonaws.com', { sourceAccount: r.account }),
        ),
        tags,
      },
      { parent: this },
    );

    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: policyJson({ group: this.logGroup.arn, account: identity.accountId, region }, (r) =>
          new PolicyBuilder('vpc-flow-logs')
            .withCloudWatchLogs([r.group])
            // The service checks the destination group exists; DescribeLogGroups is only grantable per account/region.
            .allow('DescribeLogGroups', ['logs:DescribeLogGroups'], [`arn:aws:logs:${r.region}:${r.account}:log-group:*`]),
        ),
      },
      { parent: this },
    );

    this.flowLog = new aws.ec2.FlowLog(
      name,
      {
        vpcId: args.vpcId,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: this.logGroup.arn,
        iamRoleArn: this.role.arn,
        maxAggregationInterval: FLOW_LOG_AGGREGATION_SECONDS,
        tags: { ...tags, Name: getResourceName('vpc-flow-log', env) },
      },
      { parent: this },
    );

    this.registerOutputs({ logGroupName: this.logGroup.name });
  }
}
