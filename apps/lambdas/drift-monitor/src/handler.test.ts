import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('drift-monitor');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('drift-monitor handler', () => {
  it('reads exactly its declared environment', () => {
    const d = depsFromEnv(dummyLambdaEnv('drift-monitor', { RETRAINING_WORKFLOW_ARN: 'arn:aws:states:eu-central-1:1:stateMachine:r' }));
    expect(d.retrainingWorkflowArn).toBe('arn:aws:states:eu-central-1:1:stateMachine:r');
    expect(d.threshold).toBe(0.3);
    expect(() => depsFromEnv(dummyLambdaEnv('drift-monitor', { DRIFT_THRESHOLD: '-1' }))).toThrow(/DRIFT_THRESHOLD must be >= 0/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler({ strategy: 7 })).rejects.toThrow(/invalid drift-monitor event: strategy:/);
  });
});
