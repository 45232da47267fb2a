import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('shadow-test-evaluator');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('shadow-test-evaluator handler', () => {
  it('reads exactly its declared environment and its settings', () => {
    expect(depsFromEnv(dummyLambdaEnv('shadow-test-evaluator')).settings).toEqual({ minShadowHours: 24, minPnlEdge: 0 });
    expect(() => depsFromEnv(dummyLambdaEnv('shadow-test-evaluator', { MIN_PNL_EDGE: 'lots' }))).toThrow(/MIN_PNL_EDGE must be a number/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler({ testId: '' })).rejects.toThrow(/invalid shadow-test-evaluator event: testId:/);
  });
});
