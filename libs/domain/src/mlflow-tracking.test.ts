import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from './mlflow.js';
import { startFakeMlflow, type FakeMlflow } from './testing/mlflow.js';

let mlflow: FakeMlflow;
beforeAll(async () => {
  mlflow = await startFakeMlflow();
});
afterAll(() => mlflow.stop());

describe('MlflowClient tracking (what a training run calls)', () => {
  it('creates the experiment once, logs a run in batches and registers numbered versions', async () => {
    const client = new MlflowClient(mlflow.url);
    const exp = await client.getOrCreateExperiment('ml-classifier');
    expect(await client.getOrCreateExperiment('ml-classifier')).toBe(exp);
    const { runId } = await client.createRun(exp, { runName: 'train', tags: { 'tradai.run_type': 'training' } });
    const metrics = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`m${i}`, i]));
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, String(i)]));
    await client.logBatch(runId, { metrics, params });
    await client.finishRun(runId);
    expect(mlflow.state.requests.filter((r) => r.path.endsWith('runs/log-batch'))).toHaveLength(2);
    expect(await client.getRun(runId)).toMatchObject({ runId, experimentId: exp, metrics: { m0: 0, m1499: 1499 } });
    expect(mlflow.state.runInfo![runId]).toMatchObject({ status: 'FINISHED', tags: { 'tradai.run_type': 'training' }, params: { p149: '149' } });

    expect((await client.createModelVersion('ml-classifier', 's3://b/m1', runId)).version).toBe('1');
    expect((await client.createModelVersion('ml-classifier', 's3://b/m2', runId)).version).toBe('2');
    expect(await client.latestVersion('ml-classifier')).toMatchObject({ version: '2', run_id: runId });
  });
});
