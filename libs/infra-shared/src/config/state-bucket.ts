import { getResourceName } from '@tradai/contracts';
import type { Environment } from './environment.js';

/**
 * The Pulumi state bucket, `tradai-pulumi-state-<env>` (seed pulumi_backend.py, `S3_PULUMI_BACKEND_URL`).
 *
 * It is created by `npm run infra -- bootstrap` with the AWS SDK, before any stack exists, and is
 * never a resource of a stack: the first `up` needs somewhere to write its state, and
 * down-persistent must not delete the bucket that holds the state of the stack it is destroying
 * (and of the three others). The persistent stack only looks it up, exports its name and points
 * its access logs at the logs bucket. These are the settings bootstrap enforces.
 */
export function pulumiStateBucketName(env: Environment): string {
  return getResourceName('pulumi-state', env);
}

/** Old checkpoints stay recoverable this long; every `up` overwrites the stack's checkpoint. */
export const PULUMI_STATE_NONCURRENT_DAYS = 90;
/** Incomplete multipart uploads (interrupted checkpoint writes) are aborted after this many days. */
export const PULUMI_STATE_ABORT_MULTIPART_DAYS = 7;

/** The state bucket's policy: deny every request without TLS, like every other bucket of the platform. */
export function pulumiStateBucketPolicy(bucket: string, partition = 'aws') {
  const arn = `arn:${partition}:s3:::${bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  } as const;
}

/** Lifecycle rules in the S3 API's shape (PutBucketLifecycleConfiguration). */
export function pulumiStateLifecycleRules() {
  return [
    { ID: 'expire-old-checkpoints', Status: 'Enabled', Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: PULUMI_STATE_NONCURRENT_DAYS } },
    { ID: 'abort-incomplete-multipart-uploads', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: PULUMI_STATE_ABORT_MULTIPART_DAYS } },
  ] as const;
}

/** The bucket an `s3://bucket[/prefix]` backend URL names. */
export function backendUrlBucket(url: string): string {
  const m = /^s3:\/\/([a-z0-9.-]+)(?:\/.*)?$/.exec(url);
  if (!m) throw new Error(`S3_PULUMI_BACKEND_URL must look like s3://<bucket>[/prefix], got ${url}`);
  return m[1]!;
}
