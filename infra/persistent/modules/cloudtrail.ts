import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LOGS_BUCKET_PREFIXES, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { cloudtrailBucketStatements, trailArn, trailName } from './cloudtrail.logic.js';
import type { BucketPolicyStatement } from './s3.logic.js';

/**
 * The statements this stack's trail needs on the logs bucket, for the S3 module to merge into
 * that bucket's one policy (a second BucketPolicy would replace the first).
 */
export function cloudtrailLogsBucketStatements(cfg: TradaiConfig): (bucketArn: pulumi.Output<string>) => pulumi.Output<BucketPolicyStatement[]> {
  return (bucketArn) => {
    const partition = aws.getPartitionOutput().partition;
    const region = aws.getRegionOutput().region;
    const accountId = aws.getCallerIdentityOutput().accountId;
    return pulumi.all([bucketArn, partition, region, accountId]).apply(([arn, p, r, account]) =>
      cloudtrailBucketStatements({
        bucketArn: arn,
        prefix: LOGS_BUCKET_PREFIXES.cloudtrail,
        accountId: account,
        trailArn: trailArn({ partition: p, region: r, accountId: account, name: trailName(cfg.environment) }),
      }),
    );
  };
}

export interface AuditTrailArgs {
  readonly cfg: TradaiConfig;
  /** The logs bucket name. */
  readonly bucketName: pulumi.Input<string>;
  /** The logs bucket policy holding `cloudtrailLogsBucketStatements`: CreateTrail fails without it. */
  readonly bucketPolicy: pulumi.Input<pulumi.Resource>;
}

/**
 * A multi-region trail of management events (reads and writes, global services included) into
 * the logs bucket, with log file validation so tampering with delivered files is detectable.
 * The first copy of management events in an account is free; data events are not recorded.
 */
export class AuditTrail extends pulumi.ComponentResource {
  readonly trail: aws.cloudtrail.Trail;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:CloudTrail', name, {}, opts);
    const { cfg } = args;
    this.trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: trailName(cfg.environment),
        s3BucketName: args.bucketName,
        s3KeyPrefix: LOGS_BUCKET_PREFIXES.cloudtrail,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
        tags: getTags(cfg.environment),
      },
      { parent: this, dependsOn: [args.bucketPolicy] },
    );
    this.registerOutputs({ trailArn: this.trail.arn });
  }
}
