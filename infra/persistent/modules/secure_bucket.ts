import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getTags, type BucketConfig, type TradaiConfig } from '@tradai/infra-shared';
import { dataLifecycle, dataOptions } from './lifecycle.js';
import { bucketPolicyDocument, lifecycleRules, type BucketPolicyStatement } from './s3.logic.js';

export interface SecureBucketArgs {
  readonly cfg: TradaiConfig;
  /** Physical bucket name (`getResourceName(...)`). */
  readonly bucketName: string;
  /** Key in lifecycle error messages (`S3_BUCKET_CONFIG.<configKey>`). */
  readonly configKey: string;
  /** Versioning and lifecycle (S3_BUCKET_CONFIG entry). */
  readonly config: BucketConfig;
  /** Server access logging target; omitted for the logs bucket (logging into itself would loop). */
  readonly accessLogs?: {
    readonly targetBucket: pulumi.Input<string>;
    readonly targetPrefix: string;
    /** The target's bucket policy: delivery fails until it admits the logging service. */
    readonly targetPolicy: pulumi.Input<pulumi.Resource>;
  };
  /** Statements merged into this bucket's one policy after the TLS-only deny. */
  readonly extraStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<BucketPolicyStatement[]>;
}

/**
 * A private, encrypted S3 bucket: all four public-access blocks, ACLs off (BucketOwnerEnforced),
 * SSE-S3 with SSE-C uploads refused, versioning per config, lifecycle rules (always including
 * the multipart-upload cleanup), optional access logging, and a TLS-only policy. The bucket
 * itself follows dataLifecycle (retained on delete, protected in prod, emptied and deleted only
 * in the down-persistent teardown run); its settings are not data and follow the stack.
 */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly policy: aws.s3.BucketPolicy;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:SecureBucket', name, {}, opts);
    const { cfg, config } = args;
    const parent = { parent: this };
    // Fail before anything is registered when the config is wrong.
    const rules = lifecycleRules(args.configKey, config);

    const lifecycle = dataLifecycle(cfg);
    // forceDestroy only in the teardown run: a normal destroy must never empty a bucket.
    this.bucket = new aws.s3.Bucket(
      name,
      { bucket: args.bucketName, forceDestroy: lifecycle.emptyOnDelete, tags: getTags(cfg.environment) },
      { ...parent, ...dataOptions(lifecycle) },
    );
    const bucket = this.bucket.id;

    const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } }, parent);
    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    // SSE-S3 rather than a customer KMS key: no per-key or per-request KMS charges, and every
    // reader in the platform is an IAM principal of this account anyway.
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, blockedEncryptionTypes: ['SSE-C'] }] },
      parent,
    );
    const versioning = config.versioning
      ? new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: 'Enabled' } }, parent)
      : undefined;
    // Noncurrent-version rules on a bucket whose versioning is not yet enabled are rejected.
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket, rules }, { ...parent, dependsOn: versioning ? [versioning] : [] });

    if (args.accessLogs) {
      new aws.s3.BucketLogging(
        `${name}-logging`,
        {
          bucket,
          targetBucket: args.accessLogs.targetBucket,
          targetPrefix: args.accessLogs.targetPrefix,
          // Date-partitioned keys keep Athena queries over the access logs cheap.
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
        },
        { ...parent, dependsOn: [args.accessLogs.targetPolicy] },
      );
    }

    const extra = args.extraStatements ? args.extraStatements(this.bucket.arn) : [];
    const policy = pulumi.all([this.bucket.arn, extra]).apply(([arn, statements]) => JSON.stringify(bucketPolicyDocument(arn, statements as BucketPolicyStatement[])));
    // After the public-access block and ownership controls: concurrent bucket-level writes fail
    // with OperationAborted.
    this.policy = new aws.s3.BucketPolicy(`${name}-policy`, { bucket, policy }, { ...parent, dependsOn: [this.publicAccessBlock, ownership] });

    this.registerOutputs({ bucket: this.bucket.id, arn: this.bucket.arn });
  }
}
