import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  BUCKET_KEYS,
  LOGS_BUCKET_PREFIXES,
  S3_BUCKETS,
  S3_BUCKET_CONFIG,
  bucketIdOutput,
  getResourceName,
  type BucketKey,
  type TradaiConfig,
} from '@tradai/infra-shared';
import { accessLogDeliveryStatement, accessLogPrefix, albLogDeliveryStatement, type BucketPolicyStatement } from './s3.logic.js';
import { SecureBucket } from './secure_bucket.js';

/** The bucket every other bucket logs into; it does not log into itself. */
export const LOGS_BUCKET: BucketKey = 'logs';

/** `tradai-<component>-<env>` for a bucket key. */
export function bucketName(key: BucketKey, cfg: TradaiConfig): string {
  return getResourceName(S3_BUCKETS[key], cfg.environment);
}

export interface S3BucketsArgs {
  readonly cfg: TradaiConfig;
  /** Buckets created elsewhere in this stack that also log into the logs bucket (the Pulumi state bucket). */
  readonly extraAccessLogSources?: readonly string[];
  /** Statements other concerns need on the logs bucket (CloudTrail), merged into its one policy. */
  readonly logsBucketStatements?: (logsBucketArn: pulumi.Output<string>) => pulumi.Input<BucketPolicyStatement[]>;
}

type BucketIdExports = Record<ReturnType<typeof bucketIdOutput>, pulumi.Output<string>>;

/**
 * The five S3_BUCKETS, each a SecureBucket with its S3_BUCKET_CONFIG versioning and lifecycle.
 * Four log server access to the logs bucket; the logs bucket's single policy admits that
 * delivery, ALB access logs and whatever `logsBucketStatements` adds (CloudTrail).
 */
export class S3Buckets extends pulumi.ComponentResource {
  readonly buckets: Readonly<Record<BucketKey, SecureBucket>>;
  /** The logs bucket's policy: writers (trail, access logging) must wait for it. */
  readonly logsBucketPolicy: aws.s3.BucketPolicy;
  /** bucket key -> bucket name (`s3_bucket_ids`). */
  readonly bucketIds: pulumi.Output<Record<string, string>>;
  /** bucket key -> bucket ARN (`s3_bucket_arns`). */
  readonly bucketArns: pulumi.Output<Record<string, string>>;
  /** `s3_<key>_bucket_id` exports. */
  readonly bucketIdExports: BucketIdExports;

  constructor(name: string, args: S3BucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:S3', name, {}, opts);
    const { cfg } = args;
    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const elbAccountArn = aws.elb.getServiceAccountOutput({}, parent).arn;

    const sourceNames = [...BUCKET_KEYS.filter((k) => k !== LOGS_BUCKET).map((k) => bucketName(k, cfg)), ...(args.extraAccessLogSources ?? [])];
    const logs = new SecureBucket(
      `${name}-${LOGS_BUCKET}`,
      {
        cfg,
        bucketName: bucketName(LOGS_BUCKET, cfg),
        configKey: LOGS_BUCKET,
        config: S3_BUCKET_CONFIG[LOGS_BUCKET],
        extraStatements: (logsBucketArn) =>
          pulumi
            .all([logsBucketArn, partition, accountId, elbAccountArn, args.logsBucketStatements?.(logsBucketArn) ?? []])
            .apply(([arn, p, account, elb, more]) => [
              accessLogDeliveryStatement({
                logsBucketArn: arn,
                prefixRoot: LOGS_BUCKET_PREFIXES.s3AccessLogs,
                sourceBucketArns: sourceNames.map((n) => `arn:${p}:s3:::${n}`),
                accountId: account,
              }),
              albLogDeliveryStatement({ logsBucketArn: arn, prefix: LOGS_BUCKET_PREFIXES.alb, elbAccountArn: elb, accountId: account }),
              ...(more as BucketPolicyStatement[]),
            ]),
      },
      parent,
    );
    this.logsBucketPolicy = logs.policy;

    const buckets = { [LOGS_BUCKET]: logs } as Record<BucketKey, SecureBucket>;
    for (const key of BUCKET_KEYS.filter((k) => k !== LOGS_BUCKET)) {
      const physical = bucketName(key, cfg);
      buckets[key] = new SecureBucket(
        `${name}-${key}`,
        {
          cfg,
          bucketName: physical,
          configKey: key,
          config: S3_BUCKET_CONFIG[key],
          accessLogs: { targetBucket: logs.bucket.bucket, targetPrefix: accessLogPrefix(LOGS_BUCKET_PREFIXES.s3AccessLogs, physical), targetPolicy: logs.policy },
        },
        parent,
      );
    }
    this.buckets = buckets;

    const byKey = (pick: (b: SecureBucket) => pulumi.Output<string>) =>
      pulumi.all(Object.fromEntries(BUCKET_KEYS.map((k) => [k, pick(buckets[k])]))) as pulumi.Output<Record<string, string>>;
    this.bucketIds = byKey((b) => b.bucket.bucket);
    this.bucketArns = byKey((b) => b.bucket.arn);
    this.bucketIdExports = Object.fromEntries(BUCKET_KEYS.map((k) => [bucketIdOutput(k), buckets[k].bucket.bucket])) as BucketIdExports;
    this.registerOutputs({ bucketIds: this.bucketIds, bucketArns: this.bucketArns });
  }
}
