import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LOGS_BUCKET_PREFIXES, pulumiStateBucketName, type TradaiConfig } from '@tradai/infra-shared';
import { accessLogPrefix } from './s3.logic.js';

export interface PulumiBackendArgs {
  readonly cfg: TradaiConfig;
  /** The logs bucket and its policy (server access logs of the state bucket go there). */
  readonly logsBucket: pulumi.Input<string>;
  readonly logsBucketPolicy: pulumi.Input<pulumi.Resource>;
}

/**
 * The Pulumi state bucket `tradai-pulumi-state-<env>` (seed pulumi_backend.py), left to the
 * bootstrap rather than adopted: `npm run infra -- bootstrap` creates it (versioned, encrypted,
 * private, TLS-only) before the first `up` needs it, and a stack that owned it would have to keep
 * it through its own destroy. Here it is only looked up (the preview fails if bootstrap has not run)
 * and its server access logs are pointed at the logs bucket, which did not exist at bootstrap.
 */
export class PulumiBackend extends pulumi.ComponentResource {
  /** The bucket's name, as found in the account. */
  readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: PulumiBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:PulumiBackend', name, {}, opts);
    const physical = pulumiStateBucketName(args.cfg.environment);
    const found = aws.s3.getBucketOutput({ bucket: physical }, { parent: this });
    this.bucketName = found.bucket;
    new aws.s3.BucketLogging(
      `${name}-state-logging`,
      {
        bucket: found.bucket,
        targetBucket: args.logsBucket,
        targetPrefix: accessLogPrefix(LOGS_BUCKET_PREFIXES.s3AccessLogs, physical),
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
      },
      { parent: this, dependsOn: [args.logsBucketPolicy] },
    );
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
