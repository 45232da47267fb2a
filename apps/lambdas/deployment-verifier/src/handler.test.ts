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

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler({ deploymentId: 'd' })).rejects.toThrow(/invalid deployment-verifier event: strategy:/);
  });
});
