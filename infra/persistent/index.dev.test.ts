import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '@tradai/contracts';
import { BUCKET_KEYS, outputKeys, parseLayerOutputs } from '@tradai/infra-shared';
import { fixtureOutputs, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from './test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;

/** Resources that hold data: a destroy must never delete them. */
const DATA_TYPES = [T.bucket, T.table, T.repository, T.userPool, T.caDomain, T.caRepository];

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'dev', config: { strategyRepos: '["momentum"]' } });
  ({ outputs, options } = await runRecordingOptions(async () => (await import('./index.js')).default()));
});

describe('tradai-persistent dev', () => {
  it('exports exactly the persistent keys of the contract, with contract-valid values', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('persistent').sort());
    expect(() => parseLayerOutputs('persistent', outputs)).not.toThrow();
  });

  it('exports what downstream fixtures assume (names from the same config helpers)', () => {
    const fixture = fixtureOutputs('persistent', 'dev', ['momentum']);
    expect(outputs['ecr_repository_urls']).toEqual(fixture.ecr_repository_urls);
    expect(outputs['ecr_repository_arns']).toEqual(fixture.ecr_repository_arns);
    expect(outputs['s3_bucket_ids']).toEqual(fixture.s3_bucket_ids);
    expect(outputs['s3_bucket_arns']).toEqual(fixture.s3_bucket_arns);
    for (const b of BUCKET_KEYS) expect(outputs[`s3_${b}_bucket_id`]).toBe(`tradai-${b}-dev`);
    for (const t of TABLE_KEYS) {
      expect(outputs[`dynamodb_${t}_table_name`]).toBe(fixture[`dynamodb_${t}_table_name`]);
      expect(outputs[`dynamodb_${t}_table_arn`]).toBe(fixture[`dynamodb_${t}_table_arn`]);
    }
    expect(outputs['pulumi_state_bucket_name']).toBe('tradai-pulumi-state-dev');
    expect(outputs['cognito_user_pool_endpoint']).toBe(`cognito-idp.eu-central-1.amazonaws.com/${String(outputs['cognito_user_pool_id'])}`);
    expect(outputs['codeartifact_repository_endpoint']).toMatch(/^https:\/\/tradai-codeartifact-dev-123456789012\.d\.codeartifact\.eu-central-1\.amazonaws\.com\/pypi\/tradai-python-dev\/$/);
  });

  it('creates the seed resources: 5 buckets, 12 tables, 24 + 1 repositories, Cognito, CodeArtifact, one trail', () => {
    const counts = mocks.countsByType();
    expect(counts[T.bucket]).toBe(5);
    expect(counts[T.policy]).toBe(5);
    expect(counts[T.publicAccess]).toBe(5);
    expect(counts[T.encryption]).toBe(5);
    // Four data buckets and the bootstrap-made state bucket log into the logs bucket.
    expect(counts[T.logging]).toBe(5);
    expect(counts[T.table]).toBe(12);
    expect(counts[T.repository]).toBe(25);
    expect(counts[T.ecrLifecycle]).toBe(25);
    expect(counts[T.userPool]).toBe(1);
    expect(counts[T.userPoolClient]).toBe(2);
    expect(counts[T.resourceServer]).toBe(1);
    expect(counts[T.userPoolDomain]).toBe(1);
    expect(counts[T.caDomain]).toBe(1);
    expect(counts[T.caRepository]).toBe(2);
    expect(counts[T.trail]).toBe(1);
  });

  it('writes the trail into the logs bucket whose one policy admits it, after that policy', () => {
    const trail = mocks.byType(T.trail)[0]!;
    expect(trail.inputs['s3BucketName']).toBe('tradai-logs-dev');
    expect(optionsOf(options, T.trail, trail.name).dependsOn).toEqual([`${T.policy}::s3-logs-policy`]);
    const logsPolicies = mocks.byType(T.policy).filter((p) => p.inputs['bucket'] === 'tradai-logs-dev');
    expect(logsPolicies).toHaveLength(1);
    const sids = (JSON.parse(logsPolicies[0]!.inputs['policy'] as string) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
    expect(sids).toEqual(['DenyInsecureTransport', 'S3ServerAccessLogsDelivery', 'AlbAccessLogsDelivery', 'CloudTrailAclCheck', 'CloudTrailWrite']);
  });

  it('does not create the state bucket (bootstrap does) but looks it up and exports the name found', () => {
    expect(mocks.byType(T.bucket).map((b) => b.inputs['bucket'])).not.toContain('tradai-pulumi-state-dev');
    expect(mocks.invokes.filter((i) => i.token === 'aws:s3/getBucket:getBucket').map((i) => i.inputs['bucket'])).toEqual(['tradai-pulumi-state-dev']);
    expect(outputs['pulumi_state_bucket_name']).toBe('tradai-pulumi-state-dev');
  });

  it('lets the state bucket log into the logs bucket', () => {
    const policy = mocks.byType(T.policy).find((p) => p.inputs['bucket'] === 'tradai-logs-dev')!;
    expect(policy.inputs['policy']).toContain('arn:aws:s3:::tradai-pulumi-state-dev');
    expect(mocks.byType(T.logging).find((l) => l.inputs['bucket'] === 'tradai-pulumi-state-dev')?.inputs['targetBucket']).toBe('tradai-logs-dev');
  });

  it('retains every data-bearing resource on delete but does not protect it in dev', () => {
    for (const type of DATA_TYPES) {
      for (const r of mocks.byType(type)) expect(optionsOf(options, type, r.name), `${type} ${r.name}`).toEqual(expect.objectContaining({ retainOnDelete: true, protect: false }));
    }
    for (const t of mocks.byType(T.table)) expect(t.inputs['deletionProtectionEnabled']).toBe(false);
    expect(mocks.byType(T.userPool)[0]!.inputs['deletionProtection']).toBe('INACTIVE');
  });

  it('tags every taggable resource with the standard tags', () => {
    const taggable = [T.bucket, T.table, T.repository, T.userPool, T.caDomain, T.caRepository, T.trail];
    for (const type of taggable) {
      for (const r of mocks.byType(type)) expect(r.inputs['tags'], `${type} ${r.name}`).toMatchObject({ Application: 'tradai', Environment: 'dev', ManagedBy: 'pulumi' });
    }
  });
});
