import { beforeAll, describe, expect, it } from 'vitest';
import { outputKeys } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from './test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'prod' });
  ({ outputs, options } = await runRecordingOptions(async () => (await import('./index.js')).default()));
});

describe('tradai-persistent prod', () => {
  it('exports the contract keys with prod names and no strategy repositories by default', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('persistent').sort());
    expect(outputs['s3_configs_bucket_id']).toBe('tradai-configs-prod');
    expect(outputs['dynamodb_workflow_state_table_name']).toBe('tradai-workflow-state-prod');
    expect(outputs['pulumi_state_bucket_name']).toBe('tradai-pulumi-state-prod');
    expect(Object.keys(outputs['ecr_repository_urls'] as object)).toHaveLength(24);
  });

  it('protects every data-bearing resource (protect + retainOnDelete)', () => {
    const data = [T.bucket, T.table, T.repository, T.userPool, T.caDomain, T.caRepository].flatMap((t) => mocks.byType(t));
    expect(data).toHaveLength(5 + 12 + 24 + 1 + 1 + 2);
    for (const r of data) expect(optionsOf(options, r.type, r.name), `${r.type} ${r.name}`).toEqual(expect.objectContaining({ protect: true, retainOnDelete: true }));
  });

  it('also turns on the AWS-side deletion protection of tables and the user pool', () => {
    for (const t of mocks.byType(T.table)) expect(t.inputs['deletionProtectionEnabled']).toBe(true);
    expect(mocks.byType(T.userPool)[0]!.inputs['deletionProtection']).toBe('ACTIVE');
  });

  it('leaves non-data resources unprotected so they can be changed and replaced', () => {
    for (const type of [T.policy, T.lifecycle, T.ecrLifecycle, T.userPoolClient, T.trail]) {
      for (const r of mocks.byType(type)) expect(optionsOf(options, type, r.name).protect).toBe(false);
    }
  });
});
