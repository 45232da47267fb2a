import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('heartbeat-monitor');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('heartbeat-monitor handler', () => {
  it('reads exactly its declared environment and names a bad setting', () => {
    const env = dummyLambdaEnv('heartbeat-monitor');
    expect(depsFromEnv(env).staleSeconds).toBe(180);
    expect(() => depsFromEnv({ ...env, HEARTBEAT_STALE_SECONDS: 'soon' })).toThrow(/HEARTBEAT_STALE_SECONDS/);
    expect(() => depsFromEnv({ ...env, TRADING_STATE_TABLE: '' })).toThrow(/TRADING_STATE_TABLE/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(['not', 'an', 'event'])).rejects.toThrow(/invalid heartbeat-monitor event: \(root\)/);
  });
});
