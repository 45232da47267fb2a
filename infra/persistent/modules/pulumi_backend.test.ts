import { beforeAll, describe, expect, it } from 'vitest';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;
const NAME = 'tradai-pulumi-state-staging';

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'staging' });
  const aws = await import('@pulumi/aws');
  const { PulumiBackend } = await import('./pulumi_backend.js');
  ({ outputs, options } = await runRecordingOptions(() => {
    const logsPolicy = new aws.s3.BucketPolicy('logs-policy', { bucket: 'tradai-logs-staging', policy: '{}' });
    const backend = new PulumiBackend('pulumi-backend', { cfg: stackConfig(), logsBucket: 'tradai-logs-staging', logsBucketPolicy: logsPolicy });
    return { name: backend.bucketName };
  }));
});

describe('PulumiBackend (staging)', () => {
  it('leaves the state bucket to the bootstrap: no bucket or bucket setting is a resource of the stack', () => {
    // A destroy of persistent must never touch the bucket that holds the state of every stack.
    for (const type of [T.bucket, T.versioning, T.encryption, T.publicAccess, T.ownership, T.policy, T.lifecycle]) {
      expect(mocks.byType(type).filter((r) => r.inputs['bucket'] === NAME), type).toEqual([]);
    }
  });

  it('looks the bucket up (a preview before bootstrap fails there) and exports the name found', () => {
    expect(mocks.invokes.filter((i) => i.token === 'aws:s3/getBucket:getBucket').map((i) => i.inputs)).toEqual([{ bucket: NAME }]);
    expect(outputs['name']).toBe(NAME);
  });

  it('sends its server access logs into the logs bucket, after the logs bucket policy admits them', () => {
    const logging = mocks.byType(T.logging);
    expect(logging).toHaveLength(1);
    expect(logging[0]!.inputs).toMatchObject({ bucket: NAME, targetBucket: 'tradai-logs-staging', targetPrefix: `s3-access/${NAME}/` });
    expect(optionsOf(options, T.logging, logging[0]!.name).dependsOn).toEqual([`${T.policy}::logs-policy`]);
  });
});
