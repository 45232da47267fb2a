import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('health-check');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('health-check handler', () => {
  it('reads exactly its declared environment: the namespace becomes the probe address', () => {
    const d = depsFromEnv(dummyLambdaEnv('health-check', { SERVICE_DISCOVERY_NAMESPACE: 'tradai-dev.local' }));
    expect(d.resolve('data-collection')).toBe('http://data-collection.tradai-dev.local:8002/health');
    expect(d.timeoutMs).toBe(3000);
    expect(() => depsFromEnv(dummyLambdaEnv('health-check', { HEALTH_TIMEOUT_MS: '0' }))).toThrow(/HEALTH_TIMEOUT_MS/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(['not', 'an', 'event'])).rejects.toThrow(/invalid health-check event: \(root\)/);
  });
});
