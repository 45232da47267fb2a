import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LOGS_BUCKET_PREFIXES, getResourceName, type BucketConfig, type TradaiConfig } from '@tradai/infra-shared';
import { accessLogPrefix } from './s3.logic.js';
import { SecureBucket } from './secure_bucket.js';

/** `tradai-pulumi-state-<env>`: the self-hosted Pulumi backend (`pulumi login s3://...`). */
export function pulumiStateBucketName(cfg: TradaiConfig): string {
  return getResourceName('pulumi-state', cfg.environment);
}

/**
 * Versioned so every checkpoint Pulumi overwrites stays recoverable; old versions expire after
 * 90 days so the bucket does not grow with every `up`.
 */
export const PULUMI_STATE_BUCKET_CONFIG: BucketConfig = {
  versioning: true,
  lifecycle: [{ id: 'expire-old-checkpoints', noncurrentExpireDays: 90 }],
  purpose: 'Pulumi state checkpoints of the four stacks',
};

export interface PulumiBackendArgs {
  readonly cfg: TradaiConfig;
  /** The logs bucket and its policy (server access logs of the state bucket go there). */
  readonly logsBucket: pulumi.Input<string>;
  readonly logsBucketPolicy: pulumi.Input<pulumi.Resource>;
}

/**
 * The Pulumi state bucket (seed pulumi_backend.py): versioned, SSE-encrypted, private, TLS-only,
 * access-logged. Stack state holds every resource's inputs, so it is as sensitive as the data.
 */
export class PulumiBackend extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: PulumiBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:PulumiBackend', name, {}, opts);
    const physical = pulumiStateBucketName(args.cfg);
    const state = new SecureBucket(
      `${name}-state`,
      {
        cfg: args.cfg,
        bucketName: physical,
        configKey: 'pulumi-state',
        config: PULUMI_STATE_BUCKET_CONFIG,
        accessLogs: { targetBucket: args.logsBucket, targetPrefix: accessLogPrefix(LOGS_BUCKET_PREFIXES.s3AccessLogs, physical), targetPolicy: args.logsBucketPolicy },
      },
      { parent: this },
    );
    this.bucket = state.bucket;
    this.registerOutputs({ bucket: this.bucket.bucket });
  }
}
