import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { pulumiStateBucketPolicy, pulumiStateLifecycleRules } from '@tradai/infra-shared';
import { PreconditionError } from './checks.js';

/** What ensureStateBucket changed; empty when the bucket was already as it should be. */
export type StateBucketAction = 'create' | 'versioning' | 'encryption' | 'public-access-block' | 'ownership' | 'policy' | 'lifecycle';

/** Runs `fn`; an AWS error whose name is in `absent` means "not configured" and gives undefined. */
async function readOrAbsent<T>(fn: () => Promise<T>, ...absent: string[]): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (absent.includes((err as { name?: string }).name ?? '')) return undefined;
    throw err;
  }
}

const STRONG_SSE = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/**
 * Makes `bucket` the Pulumi state bucket bootstrap promises (libs/infra-shared state-bucket.ts):
 * exists in `region`, versioned, encrypted at rest, all public access blocked, ACLs off, a
 * TLS-only policy and the checkpoint lifecycle rules. Reads every setting first and writes only
 * what differs, so a second run makes no change. Statements and rules someone else added are kept.
 */
export async function ensureStateBucket(s3: S3Client, bucket: string, region: string, partition = 'aws'): Promise<StateBucketAction[]> {
  const actions: StateBucketAction[] = [];
  const Bucket = bucket;

  const exists = await s3.send(new HeadBucketCommand({ Bucket })).then(
    () => true,
    (err: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
      if (err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404) return false;
      if (err.name === 'Forbidden' || err.$metadata?.httpStatusCode === 403) {
        throw new PreconditionError(
          `state bucket ${bucket} exists but this identity cannot use it: bucket names are global, so another account may own it, or the deploy role lacks s3:ListBucket on it`,
        );
      }
      throw err;
    },
  );
  if (!exists) {
    // us-east-1 is the one region that must not be named as a LocationConstraint.
    await s3.send(
      new CreateBucketCommand({
        Bucket,
        ObjectOwnership: 'BucketOwnerEnforced',
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      }),
    );
    actions.push('create');
  }

  const pab = await readOrAbsent(() => s3.send(new GetPublicAccessBlockCommand({ Bucket })), 'NoSuchPublicAccessBlockConfiguration');
  const c = pab?.PublicAccessBlockConfiguration;
  if (!(c?.BlockPublicAcls && c.BlockPublicPolicy && c.IgnorePublicAcls && c.RestrictPublicBuckets)) {
    await s3.send(
      new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } }),
    );
    actions.push('public-access-block');
  }

  const ownership = await readOrAbsent(() => s3.send(new GetBucketOwnershipControlsCommand({ Bucket })), 'OwnershipControlsNotFoundError');
  if (ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership !== 'BucketOwnerEnforced') {
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
    actions.push('ownership');
  }

  const encryption = await readOrAbsent(() => s3.send(new GetBucketEncryptionCommand({ Bucket })), 'ServerSideEncryptionConfigurationNotFoundError');
  const sse = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  if (!sse || !STRONG_SSE.has(sse)) {
    // SSE-S3, like every bucket of the platform (no per-request KMS charges).
    await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    actions.push('encryption');
  }

  // Versioning before the lifecycle: noncurrent-version rules need it.
  const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket }));
  if (versioning.Status !== 'Enabled') {
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    actions.push('versioning');
  }

  const wanted = pulumiStateBucketPolicy(bucket, partition);
  const current = await readOrAbsent(() => s3.send(new GetBucketPolicyCommand({ Bucket })), 'NoSuchBucketPolicy');
  const doc = current?.Policy ? (JSON.parse(current.Policy) as { Version?: string; Statement?: { Sid?: string }[] }) : undefined;
  const tls = wanted.Statement[0];
  if (!doc?.Statement?.some((s) => JSON.stringify(s) === JSON.stringify(tls))) {
    const others = (doc?.Statement ?? []).filter((s) => s.Sid !== tls.Sid);
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [tls, ...others] }) }));
    actions.push('policy');
  }

  const rules = pulumiStateLifecycleRules() as unknown as LifecycleRule[];
  const lifecycle = await readOrAbsent(() => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), 'NoSuchLifecycleConfiguration');
  const have = lifecycle?.Rules ?? [];
  const same = (a: LifecycleRule, b: LifecycleRule) =>
    a.Status === b.Status &&
    a.NoncurrentVersionExpiration?.NoncurrentDays === b.NoncurrentVersionExpiration?.NoncurrentDays &&
    a.AbortIncompleteMultipartUpload?.DaysAfterInitiation === b.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
  if (!rules.every((r) => have.some((h) => h.ID === r.ID && same(h, r)))) {
    const ids = new Set(rules.map((r) => r.ID));
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [...rules, ...have.filter((h) => !ids.has(h.ID))] } }));
    actions.push('lifecycle');
  }
  return actions;
}
