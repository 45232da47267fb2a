import { dummyLambdaEnv, setLambdaEnv, snsEvent } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('strategy-registrar');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('strategy-registrar handler', () => {
  it('reads exactly its declared environment', () => {
    const d = depsFromEnv(dummyLambdaEnv('strategy-registrar'));
    expect(d.configVersions.tableName).toBe('test-config-versions-table');
    expect(d.deployments.tableName).toBe('test-deployments-table');
    const before = Date.now();
    expect(d.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(() => depsFromEnv({ ...dummyLambdaEnv('strategy-registrar'), DEPLOYMENTS_TABLE: '' })).toThrow(/DEPLOYMENTS_TABLE/);
  });

  it('rejects a malformed message before touching anything', async () => {
    await expect(handler(snsEvent({ strategy: 'x' }))).rejects.toThrow(/invalid registration message \(record 0\): imageRepository:/);
  });
});
