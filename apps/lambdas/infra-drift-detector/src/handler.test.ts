import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('infra-drift-detector');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('infra-drift-detector handler', () => {
  it('reads exactly its declared environment', () => {
    const env = dummyLambdaEnv('infra-drift-detector', { ECS_CLUSTER_ARN: 'arn:aws:ecs:eu-central-1:1:cluster/tradai-prod', TRADAI_ENVIRONMENT: 'prod' });
    const d = depsFromEnv(env);
    expect(d.clusterArn).toBe('arn:aws:ecs:eu-central-1:1:cluster/tradai-prod');
    expect(d.environment).toBe('prod');
    expect(d.alertsTopicArn).toBe(env.ALERTS_TOPIC_ARN);
    expect([d.deployments, d.configVersions, d.findings].map((t) => [t.key, t.tableName])).toEqual([
      ['deployments', env.DEPLOYMENTS_TABLE],
      ['config_versions', env.CONFIG_VERSIONS_TABLE],
      ['infra_drift_state', env.INFRA_DRIFT_STATE_TABLE],
    ]);
    const before = Date.now();
    const now = d.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(() => depsFromEnv({ ...dummyLambdaEnv('infra-drift-detector'), INFRA_DRIFT_STATE_TABLE: '' })).toThrow(/INFRA_DRIFT_STATE_TABLE/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(null)).rejects.toThrow(/invalid infra-drift-detector event: \(root\)/);
  });
});
