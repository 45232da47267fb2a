import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('infra-drift-detector');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('infra-drift-detector handler', () => {
  it('reads exactly its declared environment', () => {
    const d = depsFromEnv(dummyLambdaEnv('infra-drift-detector', { ECS_CLUSTER_ARN: 'arn:aws:ecs:eu-central-1:1:cluster/tradai-prod' }));
    expect(d.clusterArn).toBe('arn:aws:ecs:eu-central-1:1:cluster/tradai-prod');
    expect(() => depsFromEnv({ ...dummyLambdaEnv('infra-drift-detector'), INFRA_DRIFT_STATE_TABLE: '' })).toThrow(/INFRA_DRIFT_STATE_TABLE/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(null)).rejects.toThrow(/invalid infra-drift-detector event: \(root\)/);
  });
});
