import { SERVICE_ENDPOINT_NAMES } from '@tradai/contracts';
import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('health-check');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('health-check handler', () => {
  it('reads exactly its declared environment: the namespace becomes the probe address', () => {
    const env = dummyLambdaEnv('health-check', { SERVICE_DISCOVERY_NAMESPACE: 'tradai-dev.local', TRADAI_ENVIRONMENT: 'staging' });
    const d = depsFromEnv(env);
    expect(d.resolve('data-collection')).toBe('http://data-collection.tradai-dev.local:8002/health');
    expect(d).toMatchObject({ timeoutMs: 3000, environment: 'staging', alertsTopicArn: env.ALERTS_TOPIC_ARN, services: SERVICE_ENDPOINT_NAMES, fetch: globalThis.fetch });
    expect(d.health.tableName).toBe(env.HEALTH_STATE_TABLE);
    expect(depsFromEnv(dummyLambdaEnv('health-check', { HEALTH_TIMEOUT_MS: '1' })).timeoutMs).toBe(1);
    expect(() => depsFromEnv(dummyLambdaEnv('health-check', { HEALTH_TIMEOUT_MS: '0' }))).toThrow(/HEALTH_TIMEOUT_MS/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(['not', 'an', 'event'])).rejects.toThrow(/invalid health-check event: \(root\)/);
  });
});
