import { beforeAll, describe, expect, it } from 'vitest';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;
const NAME = 'tradai-pulumi-state-staging';
const of = (type: string) => mocks.byType(type).filter((r) => r.inputs['bucket'] === NAME);

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'staging' });
  const aws = await import('@pulumi/aws');
  const { PulumiBackend } = await import('./pulumi_backend.js');
  ({ outputs, options } = await runRecordingOptions(() => {
    const logsPolicy = new aws.s3.BucketPolicy('logs-policy', { bucket: 'tradai-logs-staging', policy: '{}' });
    const backend = new PulumiBackend('pulumi-backend', { cfg: stackConfig(), logsBucket: 'tradai-logs-staging', logsBucketPolicy: logsPolicy });
    return { name: backend.bucket.bucket };
  }));
});

describe('PulumiBackend (staging)', () => {
  it('creates tradai-pulumi-state-<env>, retained on delete', () => {
    expect(outputs['name']).toBe(NAME);
    const bucket = mocks.byType(T.bucket);
    expect(bucket.map((b) => b.inputs['bucket'])).toEqual([NAME]);
    expect(optionsOf(options, T.bucket, bucket[0]!.name)).toMatchObject({ retainOnDelete: true, protect: false });
  });

  it('is versioned, encrypted, private and TLS-only', () => {
    expect(of(T.versioning).map((v) => v.inputs['versioningConfiguration'])).toEqual([{ status: 'Enabled' }]);
    expect(of(T.encryption)[0]!.inputs['rules']).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, blockedEncryptionTypes: ['SSE-C'] }]);
    expect(of(T.publicAccess)[0]!.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(of(T.ownership)[0]!.inputs['rule']).toEqual({ objectOwnership: 'BucketOwnerEnforced' });
    const policy = JSON.parse(of(T.policy)[0]!.inputs['policy'] as string) as { Statement: { Sid: string; Effect: string; Condition: unknown }[] };
    expect(policy.Statement).toEqual([expect.objectContaining({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });

  it('expires old checkpoints after 90 days and logs access into the logs bucket', () => {
    const rules = of(T.lifecycle)[0]!.inputs['rules'] as { id: string; noncurrentVersionExpiration?: { noncurrentDays: number } }[];
    expect(rules.map((r) => r.id)).toEqual(['expire-old-checkpoints', 'abort-incomplete-multipart-uploads']);
    expect(rules[0]!.noncurrentVersionExpiration).toEqual({ noncurrentDays: 90 });
    expect(of(T.logging)[0]!.inputs).toMatchObject({ targetBucket: 'tradai-logs-staging', targetPrefix: `s3-access/${NAME}/` });
    expect(optionsOf(options, T.logging, of(T.logging)[0]!.name).dependsOn).toEqual([`${T.policy}::logs-policy`]);
  });
});
