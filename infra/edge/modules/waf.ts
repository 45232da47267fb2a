import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { WAF_DEFAULT_CAPACITY_LIMIT, buildWafRules, wafCapacity, wafLogGroupName } from './waf.logic.js';

export interface WafArgs {
  readonly cfg: TradaiConfig;
  /** The ALB to protect (compute's `alb_arn`); undefined when tradai:skipAlb leaves nothing to associate. */
  readonly albArn?: pulumi.Input<string>;
}

/**
 * Regional WebACL: geo blocking (tradai:geoBlockCountries, default GEO_BLOCK_DEFAULT), a per-client
 * rate limit (tradai:wafRateLimit), AWS managed rule groups, logging to CloudWatch, associated with
 * the ALB. Geo and rate rules key on the caller's address that API Gateway forwards in
 * CLIENT_IP_HEADER (see waf.logic.ts for why and for the CloudFront alternative not taken).
 *
 * Not associated with the HTTP API: WAFv2 cannot attach to an HTTP API (`$default` stage ARNs of
 * HTTP APIs are not a supported resource type; only REST API stages, ALBs, AppSync, Cognito...).
 * API traffic still passes this ACL because the VPC Link delivers it to the ALB. The IP reputation
 * group still judges the source address (the VPC Link's), so it only catches direct callers.
 */
export class Waf extends pulumi.ComponentResource {
  readonly webAcl: aws.wafv2.WebAcl;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: WafArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:edge:Waf', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const aclName = getResourceName('waf', env);
    const tags = getTags(env);

    const capacity = wafCapacity(cfg.geoBlockCountries);
    if (capacity > WAF_DEFAULT_CAPACITY_LIMIT) {
      throw new Error(`WAF rules need ${capacity} WCU; a web ACL includes ${WAF_DEFAULT_CAPACITY_LIMIT} before extra charges`);
    }

    this.webAcl = new aws.wafv2.WebAcl(
      `${name}-acl`,
      {
        name: aclName,
        description: `TradAI ${env}: rate limit, geo blocking, AWS managed rules`,
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        rules: buildWafRules({
          metricPrefix: aclName,
          rateLimit: cfg.wafRateLimit,
          geoBlockCountries: cfg.geoBlockCountries,
        }),
        visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: aclName },
        tags,
      },
      { parent: this },
    );

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: wafLogGroupName(aclName), retentionInDays: cfg.logRetentionDays, tags },
      { parent: this },
    );

    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-logging`,
      {
        resourceArn: this.webAcl.arn,
        logDestinationConfigs: [this.logGroup.arn],
        // Bearer tokens must not land in logs.
        redactedFields: [{ singleHeader: { name: 'authorization' } }],
      },
      { parent: this },
    );

    if (args.albArn !== undefined) {
      new aws.wafv2.WebAclAssociation(`${name}-alb`, { resourceArn: args.albArn, webAclArn: this.webAcl.arn }, { parent: this });
    }

    this.registerOutputs({ webAclArn: this.webAcl.arn, webAclId: this.webAcl.id });
  }
}
