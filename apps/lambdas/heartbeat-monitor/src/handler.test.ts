import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('heartbeat-monitor');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('heartbeat-monitor handler', () => {
  it('reads exactly its declared environment and names a bad setting', () => {
    const env = dummyLambdaEnv('heartbeat-monitor', { TRADAI_ENVIRONMENT: 'staging', HEARTBEAT_STALE_SECONDS: '240' });
    const d = depsFromEnv(env);
    expect(d).toMatchObject({ environment: 'staging', staleSeconds: 240 });
    expect(d.bots.tableName).toBe(env.TRADING_STATE_TABLE);
    expect(d.now).toBe(Date.now);
    expect(depsFromEnv(dummyLambdaEnv('heartbeat-monitor')).staleSeconds).toBe(180);
    expect(() => depsFromEnv({ ...env, HEARTBEAT_STALE_SECONDS: 'soon' })).toThrow(/HEARTBEAT_STALE_SECONDS/);
    expect(() => depsFromEnv({ ...env, TRADING_STATE_TABLE: '' })).toThrow(/TRADING_STATE_TABLE/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(['not', 'an', 'event'])).rejects.toThrow(/invalid heartbeat-monitor event: \(root\)/);
  });
});
