import { startFakeMlflow } from '@tradai/domain/testing';
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
    expect(d.deployments.tableName).toBe('test-deployments-table');
    expect(d.drift.tableName).toBe('test-drift-state-table');
    const before = Date.now();
    expect(d.now().getTime()).toBeGreaterThanOrEqual(before);
  });

  it('accepts a threshold of 0 and refuses one step below it', () => {
    expect(depsFromEnv(dummyLambdaEnv('drift-monitor', { DRIFT_THRESHOLD: '0' })).threshold).toBe(0);
    expect(() => depsFromEnv(dummyLambdaEnv('drift-monitor', { DRIFT_THRESHOLD: '-0.01' }))).toThrow('DRIFT_THRESHOLD must be >= 0, got -0.01');
  });

  it('reads distributions from the MLflow at MLFLOW_TRACKING_URI, for the model and version asked', async () => {
    const mlflow = await startFakeMlflow({ failWith: 503 });
    try {
      const d = depsFromEnv(dummyLambdaEnv('drift-monitor', { MLFLOW_TRACKING_URI: mlflow.url }));
      await expect(d.distributions('momentum', '3')).rejects.toThrow(/503/);
      expect(mlflow.state.requests.map((r) => r.path)).toEqual(['/mlflow/api/2.0/mlflow/model-versions/get?name=momentum&version=3']);
    } finally {
      await mlflow.stop();
    }
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler({ strategy: 7 })).rejects.toThrow(/invalid drift-monitor event: strategy:/);
  });
});
