import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('deployment-verifier');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('deployment-verifier handler', () => {
  it('reads exactly its declared environment, including the rollback function name', () => {
    const d = depsFromEnv(dummyLambdaEnv('deployment-verifier', { ROLLBACK_FUNCTION_NAME: 'tradai-rollback-prod' }));
    expect(d.rollbackFunctionName).toBe('tradai-rollback-prod');
    expect(d.settings).toEqual({ windowMinutes: 30, maxDrawdownRegression: 0.05 });
    expect(() => depsFromEnv(dummyLambdaEnv('deployment-verifier', { MAX_DRAWDOWN_REGRESSION: '5' }))).toThrow(/MAX_DRAWDOWN_REGRESSION must be <= 1/);
  });

  it('takes a drawdown limit from 0 to 1 inclusive and a window of at least 1 whole minute', () => {
    const settings = (env: Record<string, string>) => depsFromEnv(dummyLambdaEnv('deployment-verifier', env)).settings;
    expect(settings({ MAX_DRAWDOWN_REGRESSION: '0', VERIFY_WINDOW_MINUTES: '1' })).toEqual({ windowMinutes: 1, maxDrawdownRegression: 0 });
    expect(settings({ MAX_DRAWDOWN_REGRESSION: '1' }).maxDrawdownRegression).toBe(1);
    expect(() => settings({ MAX_DRAWDOWN_REGRESSION: '1.0001' })).toThrow('MAX_DRAWDOWN_REGRESSION must be <= 1, got 1.0001');
    expect(() => settings({ MAX_DRAWDOWN_REGRESSION: '-0.0001' })).toThrow('MAX_DRAWDOWN_REGRESSION must be >= 0, got -0.0001');
    expect(() => settings({ VERIFY_WINDOW_MINUTES: '0' })).toThrow('VERIFY_WINDOW_MINUTES must be >= 1, got 0');
    expect(() => settings({ VERIFY_WINDOW_MINUTES: '1.5' })).toThrow(/VERIFY_WINDOW_MINUTES must be an integer/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler({ deploymentId: 'd' })).rejects.toThrow(/invalid deployment-verifier event: strategy:/);
  });
});
