import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_KEYS, S3_BUCKET_CONFIG, getTags, type BucketKey } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks, type RecordedResource } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';
import type { BucketPolicyDocument } from './s3.logic.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;
const name = (k: BucketKey) => `tradai-${k}-dev`;
const forBucket = (type: string, bucket: string): RecordedResource[] => mocks.byType(type).filter((r) => r.inputs['bucket'] === bucket);
const policyOf = (bucket: string) => JSON.parse(forBucket(T.policy, bucket)[0]!.inputs['policy'] as string) as BucketPolicyDocument;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'dev' });
  const { S3Buckets } = await import('./s3.js');
  ({ outputs, options } = await runRecordingOptions(() => {
    const s3 = new S3Buckets('s3', {
      cfg: stackConfig(),
      extraAccessLogSources: ['tradai-extra-dev'],
      // Stands in for CloudTrail: proves other concerns' statements land in the same policy.
      logsBucketStatements: (arn) => arn.apply((a) => [{ Sid: 'ExtraWriter', Effect: 'Allow' as const, Principal: { Service: 'example.amazonaws.com' }, Action: 's3:PutObject', Resource: `${a}/extra/*` }]),
    });
    return { ids: s3.bucketIds, arns: s3.bucketArns, ...s3.bucketIdExports };
  }));
});

describe('S3Buckets (dev)', () => {
  it('creates the 5 S3_BUCKETS named tradai-<key>-dev, tagged, retained on delete, not protected in dev', () => {
    const buckets = mocks.byType(T.bucket);
    expect(buckets.map((b) => b.inputs['bucket']).sort()).toEqual(BUCKET_KEYS.map(name).sort());
    for (const b of buckets) {
      expect(b.inputs['tags']).toEqual(getTags('dev'));
      expect(b.inputs['forceDestroy']).toBe(false);
      expect(optionsOf(options, T.bucket, b.name)).toMatchObject({ retainOnDelete: true, protect: false });
    }
  });

  it.each(BUCKET_KEYS)('%s: private (all four public-access blocks), ACLs off, SSE-S3 with SSE-C refused', (key) => {
    expect(forBucket(T.publicAccess, name(key))).toEqual([
      expect.objectContaining({ inputs: expect.objectContaining({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }) }),
    ]);
    expect(forBucket(T.ownership, name(key))[0]!.inputs['rule']).toEqual({ objectOwnership: 'BucketOwnerEnforced' });
    expect(forBucket(T.encryption, name(key))[0]!.inputs['rules']).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, blockedEncryptionTypes: ['SSE-C'] }]);
  });

  it.each(BUCKET_KEYS)('%s: versioning and lifecycle per S3_BUCKET_CONFIG, plus multipart cleanup', (key) => {
    const versioning = forBucket(T.versioning, name(key));
    expect(versioning.map((v) => v.inputs['versioningConfiguration'])).toEqual(S3_BUCKET_CONFIG[key].versioning ? [{ status: 'Enabled' }] : []);
    const lifecycle = forBucket(T.lifecycle, name(key));
    expect(lifecycle).toHaveLength(1);
    const rules = lifecycle[0]!.inputs['rules'] as { id: string; abortIncompleteMultipartUpload?: { daysAfterInitiation: number } }[];
    expect(rules.map((r) => r.id)).toEqual([...S3_BUCKET_CONFIG[key].lifecycle.map((r) => r.id), 'abort-incomplete-multipart-uploads']);
    expect(rules.at(-1)!.abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 7 });
    if (versioning.length) expect(optionsOf(options, T.lifecycle, lifecycle[0]!.name).dependsOn).toEqual([`${T.versioning}::${versioning[0]!.name}`]);
  });

  it('logs server access of every bucket but the logs bucket into the logs bucket, under s3-access/<bucket>/', () => {
    const logging = mocks.byType(T.logging);
    expect(logging.map((l) => l.inputs['bucket']).sort()).toEqual(BUCKET_KEYS.filter((k) => k !== 'logs').map(name).sort());
    for (const l of logging) {
      expect(l.inputs['targetBucket']).toBe('tradai-logs-dev');
      expect(l.inputs['targetPrefix']).toBe(`s3-access/${String(l.inputs['bucket'])}/`);
      // Delivery is refused until the logs bucket policy admits the logging service.
      expect(optionsOf(options, T.logging, l.name).dependsOn).toEqual([`${T.policy}::s3-logs-policy`]);
    }
    expect(forBucket(T.logging, 'tradai-logs-dev')).toEqual([]);
  });

  it.each(BUCKET_KEYS)('%s: exactly one policy, denying non-TLS requests, applied after the public-access block', (key) => {
    const policies = forBucket(T.policy, name(key));
    expect(policies).toHaveLength(1);
    const arn = `arn:aws:s3:::${name(key)}`;
    expect(policyOf(name(key)).Statement[0]).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(optionsOf(options, T.policy, policies[0]!.name).dependsOn).toContain(`${T.publicAccess}::s3-${key}-public-access`);
    if (key !== 'logs') expect(policyOf(name(key)).Statement).toHaveLength(1);
  });

  it('merges access-log delivery, ALB delivery and the extra statements into the one logs bucket policy', () => {
    const doc = policyOf('tradai-logs-dev');
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'S3ServerAccessLogsDelivery', 'AlbAccessLogsDelivery', 'ExtraWriter']);
    const delivery = doc.Statement[1]!;
    expect(delivery.Condition!['ArnLike']!['aws:SourceArn']).toEqual([...BUCKET_KEYS.filter((k) => k !== 'logs').map((k) => `arn:aws:s3:::${name(k)}`), 'arn:aws:s3:::tradai-extra-dev']);
    expect(delivery.Condition!['StringEquals']).toEqual({ 'aws:SourceAccount': '123456789012' });
    expect(doc.Statement[2]!.Principal).toEqual({ AWS: 'arn:aws:iam::054676820928:root' });
    expect(doc.Statement[3]!.Resource).toBe('arn:aws:s3:::tradai-logs-dev/extra/*');
  });

  it('exposes bucket ids and ARNs by key and the per-bucket exports', () => {
    expect(outputs['ids']).toEqual(Object.fromEntries(BUCKET_KEYS.map((k) => [k, name(k)])));
    expect(outputs['arns']).toEqual(Object.fromEntries(BUCKET_KEYS.map((k) => [k, `arn:aws:s3:::${name(k)}`])));
    for (const k of BUCKET_KEYS) expect(outputs[`s3_${k}_bucket_id`]).toBe(name(k));
  });

  it('retains only the buckets: their settings follow the stack', () => {
    for (const type of [T.publicAccess, T.encryption, T.policy, T.lifecycle, T.logging]) {
      for (const r of mocks.byType(type)) expect(optionsOf(options, type, r.name).retainOnDelete).toBe(false);
    }
  });
});
