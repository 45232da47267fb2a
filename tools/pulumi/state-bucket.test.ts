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
  S3Client,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureStateBucket } from './state-bucket.js';

const BUCKET = 'tradai-pulumi-state-dev';
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

interface Bucket {
  region?: string;
  versioning?: string;
  sse?: string;
  pab?: PublicAccessBlockConfiguration;
  ownership?: string;
  policy?: string;
  lifecycle?: LifecycleRule[];
}

/**
 * S3 as the bootstrap sees it, with state: a missing setting answers with the error S3 sends,
 * and a new bucket gets S3's defaults since 2023 (SSE-S3, public access blocked, ACLs off).
 */
function fakeS3(initial?: Bucket, headError?: Error) {
  const s3 = mockClient(S3Client);
  let bucket: Bucket | undefined = initial;
  const need = () => {
    if (!bucket) throw awsError('NoSuchBucket', 404);
    return bucket;
  };
  s3.on(HeadBucketCommand).callsFake(async () => {
    if (headError) throw headError;
    need();
    return {};
  });
  s3.on(CreateBucketCommand).callsFake(async (i) => {
    if (bucket) throw awsError('BucketAlreadyOwnedByYou', 409);
    const all = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };
    bucket = { region: i.CreateBucketConfiguration?.LocationConstraint, sse: 'AES256', pab: all, ownership: i.ObjectOwnership ?? 'BucketOwnerEnforced' };
    return {};
  });
  s3.on(GetBucketVersioningCommand).callsFake(async () => ({ Status: need().versioning }));
  s3.on(PutBucketVersioningCommand).callsFake(async (i) => void (need().versioning = i.VersioningConfiguration.Status));
  s3.on(GetBucketEncryptionCommand).callsFake(async () => {
    const b = need();
    if (!b.sse) throw awsError('ServerSideEncryptionConfigurationNotFoundError', 404);
    return { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: b.sse } }] } };
  });
  s3.on(PutBucketEncryptionCommand).callsFake(async (i) => void (need().sse = i.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm));
  s3.on(GetPublicAccessBlockCommand).callsFake(async () => {
    const b = need();
    if (!b.pab) throw awsError('NoSuchPublicAccessBlockConfiguration', 404);
    return { PublicAccessBlockConfiguration: b.pab };
  });
  s3.on(PutPublicAccessBlockCommand).callsFake(async (i) => void (need().pab = i.PublicAccessBlockConfiguration));
  s3.on(GetBucketOwnershipControlsCommand).callsFake(async () => {
    const b = need();
    if (!b.ownership) throw awsError('OwnershipControlsNotFoundError', 404);
    return { OwnershipControls: { Rules: [{ ObjectOwnership: b.ownership }] } };
  });
  s3.on(PutBucketOwnershipControlsCommand).callsFake(async (i) => void (need().ownership = i.OwnershipControls.Rules[0].ObjectOwnership));
  s3.on(GetBucketPolicyCommand).callsFake(async () => {
    const b = need();
    if (!b.policy) throw awsError('NoSuchBucketPolicy', 404);
    return { Policy: b.policy };
  });
  s3.on(PutBucketPolicyCommand).callsFake(async (i) => void (need().policy = i.Policy));
  s3.on(GetBucketLifecycleConfigurationCommand).callsFake(async () => {
    const b = need();
    if (!b.lifecycle) throw awsError('NoSuchLifecycleConfiguration', 404);
    return { Rules: b.lifecycle };
  });
  s3.on(PutBucketLifecycleConfigurationCommand).callsFake(async (i) => void (need().lifecycle = i.LifecycleConfiguration.Rules));
  return { s3, state: () => bucket };
}

const commands = (s3: ReturnType<typeof mockClient>) => s3.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
const client = () => new S3Client({ region: 'eu-central-1' });

afterEach(() => mockClient(S3Client).restore());

describe('bootstrap: the Pulumi state bucket, outside Pulumi', () => {
  it('creates the bucket in the region, then makes it versioned, TLS-only and expiring old checkpoints, reading each setting first', async () => {
    const { s3, state } = fakeS3();
    expect(await ensureStateBucket(client(), BUCKET, 'eu-central-1')).toEqual(['create', 'versioning', 'policy', 'lifecycle']);
    expect(commands(s3)).toEqual([
      'HeadBucketCommand',
      'CreateBucketCommand',
      'GetPublicAccessBlockCommand',
      'GetBucketOwnershipControlsCommand',
      'GetBucketEncryptionCommand',
      'GetBucketVersioningCommand',
      'PutBucketVersioningCommand',
      'GetBucketPolicyCommand',
      'PutBucketPolicyCommand',
      'GetBucketLifecycleConfigurationCommand',
      'PutBucketLifecycleConfigurationCommand',
    ]);
    const b = state()!;
    expect(b).toMatchObject({ region: 'eu-central-1', versioning: 'Enabled', sse: 'AES256', ownership: 'BucketOwnerEnforced' });
    expect(b.pab).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(JSON.parse(b.policy!).Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    expect(b.lifecycle!.map((r) => r.ID)).toEqual(['expire-old-checkpoints', 'abort-incomplete-multipart-uploads']);
    expect(b.lifecycle![0]!.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 90 });
  });

  it('a second run only reads: no create, no write', async () => {
    const { s3 } = fakeS3();
    await ensureStateBucket(client(), BUCKET, 'eu-central-1');
    s3.resetHistory();
    expect(await ensureStateBucket(client(), BUCKET, 'eu-central-1')).toEqual([]);
    expect(commands(s3).filter((c) => !c.startsWith('Get') && c !== 'HeadBucketCommand')).toEqual([]);
  });

  it('repairs only what drifted on an existing bucket and keeps statements and rules it did not write', async () => {
    const other = { Sid: 'CiReadState', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/ci' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` };
    const { state } = fakeS3({
      versioning: 'Suspended',
      sse: 'aws:kms',
      pab: { BlockPublicAcls: true, BlockPublicPolicy: false, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      ownership: 'BucketOwnerEnforced',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [other] }),
      lifecycle: [{ ID: 'mine', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }],
    });
    expect(await ensureStateBucket(client(), BUCKET, 'eu-central-1')).toEqual(['public-access-block', 'versioning', 'policy', 'lifecycle']);
    const b = state()!;
    expect(b.sse).toBe('aws:kms');
    expect(JSON.parse(b.policy!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['DenyInsecureTransport', 'CiReadState']);
    expect(b.lifecycle!.map((r) => r.ID)).toEqual(['expire-old-checkpoints', 'abort-incomplete-multipart-uploads', 'mine']);
  });

  it('stops with a clear message when the name is taken by another account (bucket names are global)', async () => {
    const { s3 } = fakeS3(undefined, awsError('Forbidden', 403));
    await expect(ensureStateBucket(client(), BUCKET, 'eu-central-1')).rejects.toThrow(`state bucket ${BUCKET} exists but this identity cannot use it: bucket names are global`);
    expect(commands(s3)).toEqual(['HeadBucketCommand']);
  });
});
