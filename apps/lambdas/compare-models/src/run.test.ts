import { ConflictError, MlflowClient, MlflowError, NotFoundError, tableFromEnv, type RetrainingItem, type Table } from '@tradai/domain';
import { readBarrierClient, startDynalite, startFakeMlflow, type Dynalite, type FakeMlflow } from '@tradai/domain/testing';
import { setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareModels, type CompareDeps } from './run.js';

// Every test gets its own table and model registry (the champion alias, the runs' metrics): no
// test depends on, or repairs, another's changes.
let db: Dynalite;
let mlflow: FakeMlflow;
let retraining: Table<RetrainingItem>;
let deps: CompareDeps;
const NOW = '2026-03-01T02:00:00.000Z';

beforeEach(async () => {
  [db, mlflow] = await Promise.all([
    startDynalite(),
    startFakeMlflow({
      models: { momo: [{ version: '1', run_id: 'r1' }, { version: '2', run_id: 'r2' }, { version: '3', run_id: 'r3' }], fresh: [{ version: '1', run_id: 'f1' }], bare: [{ version: '1' } as { version: string; run_id: string }] },
      aliases: { momo: { champion: '1' } },
      runs: { r1: { sharpe: 1.5 }, r2: { sharpe: 1.51 }, r3: { sharpe: 1.8 }, f1: { sharpe: 0.4 } },
    }),
  ]);
  await db.createTables(['retraining_state']);
  retraining = tableFromEnv(db.doc, 'retraining_state', db.tableEnv());
  deps = { mlflow: new MlflowClient(mlflow.url), retraining, minImprovement: 0.02, now: () => new Date(NOW) };
});
afterEach(async () => {
  await Promise.all([db.stop(), mlflow.stop()]);
});

async function training(strategy: string, startedAt: string): Promise<{ strategy: string; startedAt: string; metric: string }> {
  await retraining.put({ strategy, started_at: startedAt, status: 'TRAINING' });
  return { strategy, startedAt, metric: 'sharpe' };
}

describe('compareModels', () => {
  it('promotes the newest version when it beats the champion, recording the decision', async () => {
    const out = await compareModels(deps, await training('momo', '2026-03-01T00:00:00Z'));
    expect(out).toEqual({
      strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', modelName: 'momo', decision: 'promote', reason: 'sharpe 1.8 vs champion 1.5 (delta 0.3, required >= 0.03)', metric: 'sharpe',
      candidateVersion: '3', candidateMetric: 1.8, championVersion: '1', championMetric: 1.5,
    });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toEqual({
      strategy: 'momo', started_at: '2026-03-01T00:00:00Z', status: 'TRAINING', model_name: 'momo', decision: 'promote', decided_at: NOW,
      candidate_version: '3', candidate_metric: 1.8, champion_version: '1', champion_metric: 1.5,
    });
  });

  it('rejects a marginal candidate and marks the run REJECTED', async () => {
    const out = await compareModels(deps, { ...(await training('momo', '2026-03-01T01:00:00Z')), candidateVersion: '2' });
    expect(out).toMatchObject({ decision: 'reject', candidateVersion: '2', candidateMetric: 1.51 });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T01:00:00Z' })).toMatchObject({ status: 'REJECTED', decision: 'reject', completed_at: NOW, decided_at: NOW });
  });

  it('promotes when there is no champion, recording null for it', async () => {
    expect(await compareModels(deps, await training('fresh', '2026-03-01T00:00:00Z'))).toMatchObject({ decision: 'promote', reason: 'no champion yet', championVersion: null, championMetric: null });
    expect(await retraining.get({ strategy: 'fresh', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ champion_version: null, champion_metric: null });
  });

  it('promotes when the champion has no run to read the metric from', async () => {
    mlflow.state.models.momo!.push({ version: '4' } as { version: string; run_id: string });
    mlflow.state.aliases.momo!.champion = '4';
    expect(await compareModels(deps, { ...(await training('momo', '2026-03-01T00:00:00Z')), candidateVersion: '3' })).toMatchObject({
      decision: 'promote', reason: 'champion v4 has no metric "sharpe"', championVersion: '4', championMetric: null,
    });
  });

  it('compares the model the request names, not the strategy', async () => {
    mlflow.state.models.shared = [{ version: '7', run_id: 'r3' }];
    const out = await compareModels(deps, { ...(await training('momo', '2026-03-01T00:00:00Z')), modelName: 'shared' });
    expect(out).toMatchObject({ modelName: 'shared', candidateVersion: '7', decision: 'promote', championVersion: null });
  });

  it('returns the recorded decision on duplicate delivery without asking MLflow again', async () => {
    const input = await training('momo', '2026-03-02T00:00:00Z');
    const first = await compareModels(deps, input);
    const before = mlflow.state.requests.length;
    mlflow.state.aliases.momo!.champion = '3';
    const again = await compareModels(deps, input);
    expect(mlflow.state.requests.length).toBe(before);
    expect(again).toEqual({ ...first, reason: 'decision already recorded' });
  });

  it('names a missing run, a missing model, a missing metric and a run in the wrong state; writes nothing', async () => {
    await expect(compareModels(deps, { strategy: 'momo', startedAt: '2020-01-01T00:00:00Z', metric: 'sharpe' })).rejects.toThrow(new NotFoundError('retraining run momo@2020-01-01T00:00:00Z not found in retraining_state'));
    await expect(compareModels(deps, await training('ghost', '2026-03-01T00:00:00Z'))).rejects.toThrow(new NotFoundError('registered model ghost has no versions in MLflow'));
    await expect(compareModels(deps, { ...(await training('momo', '2026-03-03T00:00:00Z')), metric: 'sortino' })).rejects.toThrow(new NotFoundError('candidate momo v3 has no metric "sortino" in MLflow'));
    await expect(compareModels(deps, await training('bare', '2026-03-03T00:00:00Z'))).rejects.toThrow(new NotFoundError('candidate bare v1 has no metric "sharpe" in MLflow'));
    await retraining.put({ strategy: 'momo', started_at: '2026-03-04T00:00:00Z', status: 'SKIPPED' });
    await expect(compareModels(deps, { strategy: 'momo', startedAt: '2026-03-04T00:00:00Z', metric: 'sharpe' })).rejects.toThrow(new ConflictError('retraining run momo@2026-03-04T00:00:00Z is SKIPPED, not TRAINING'));
    for (const [strategy, startedAt] of [['ghost', '2026-03-01T00:00:00Z'], ['momo', '2026-03-03T00:00:00Z'], ['bare', '2026-03-03T00:00:00Z']]) {
      expect((await retraining.get({ strategy, started_at: startedAt }))?.decision).toBeUndefined();
    }
  });

  it('fails on an MLflow outage without recording a decision', async () => {
    const input = await training('momo', '2026-03-05T00:00:00Z');
    mlflow.state.failWith = 503;
    await expect(compareModels(deps, input)).rejects.toThrow(MlflowError);
    expect((await retraining.get({ strategy: 'momo', started_at: '2026-03-05T00:00:00Z' }))?.decision).toBeUndefined();
    mlflow.state.failWith = undefined;
    expect((await compareModels(deps, input)).decision).toBe('promote');
  });
});

describe('compareModels under concurrency', () => {
  it('two comparisons that both read before either writes a rejection: one records it, the other returns the recorded decision', async () => {
    const input = { ...(await training('momo', '2026-03-01T00:00:00Z')), candidateVersion: '2' };
    const { doc } = readBarrierClient(db.doc, 2);
    const racing = { ...deps, retraining: tableFromEnv(doc, 'retraining_state', db.tableEnv()) };
    const [a, b] = await Promise.all([compareModels(racing, input), compareModels(racing, input)]);
    expect([a.reason, b.reason].filter((r) => r === 'decision already recorded')).toHaveLength(1);
    expect({ ...a, reason: '' }).toEqual({ ...b, reason: '' });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'REJECTED', decision: 'reject' });
  });

  it('two comparisons that both read before either writes a promotion (status stays TRAINING): one records it, the other returns it', async () => {
    const input = { ...(await training('momo', '2026-03-01T00:00:00Z')), candidateVersion: '3' };
    const { doc } = readBarrierClient(db.doc, 2);
    const table = tableFromEnv(doc, 'retraining_state', db.tableEnv());
    const [a, b] = await Promise.all([
      compareModels({ ...deps, retraining: table, now: () => new Date('2026-03-01T02:00:01.000Z') }, input),
      compareModels({ ...deps, retraining: table, now: () => new Date('2026-03-01T02:00:02.000Z') }, input),
    ]);
    expect([a, b].map((r) => r.decision)).toEqual(['promote', 'promote']);
    expect([a.reason, b.reason].filter((r) => r === 'decision already recorded')).toHaveLength(1);
    const stored = await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' });
    // The loser overwrote nothing: the decision time is the winner's.
    const winnerAt = a.reason === 'decision already recorded' ? '2026-03-01T02:00:02.000Z' : '2026-03-01T02:00:01.000Z';
    expect(stored).toMatchObject({ status: 'TRAINING', decision: 'promote', candidate_version: '3', decided_at: winnerAt });
  });

  it('a run failed by someone else after the comparison read it gets no decision: the conflict is named', async () => {
    const input = await training('momo', '2026-03-01T00:00:00Z');
    const stale = Object.create(retraining) as Table<RetrainingItem>;
    let reads = 0;
    stale.get = async (key) => {
      const item = await retraining.get(key);
      if (++reads === 1) await retraining.put({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z', status: 'FAILED' });
      return item;
    };
    await expect(compareModels({ ...deps, retraining: stale }, input)).rejects.toThrow(new ConflictError('retraining run momo@2026-03-01T00:00:00Z changed while comparing'));
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toEqual({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z', status: 'FAILED' });
  });
});

describe('handler', () => {
  it('reads MLFLOW_TRACKING_URI and MIN_IMPROVEMENT, and names a malformed input field', async () => {
    const restore = setLambdaEnv('compare-models', { ...db.tableEnv(), MLFLOW_TRACKING_URI: mlflow.url, MIN_IMPROVEMENT: '0.5', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({ strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', candidateVersion: 'v3' })).rejects.toThrow(/^invalid compare-models input: candidateVersion: /);
      // 1.8 vs 1.5 is a 20 % gain: below the 50 % this environment demands.
      expect((await handler(await training('momo', '2026-03-06T00:00:00Z'))).decision).toBe('reject');
    } finally {
      restore();
    }
  });

  it('refuses a negative MIN_IMPROVEMENT when it loads (a worse candidate would be promoted)', async () => {
    const restore = setLambdaEnv('compare-models', { ...db.tableEnv(), MLFLOW_TRACKING_URI: mlflow.url, MIN_IMPROVEMENT: '-0.1', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
    try {
      vi.resetModules();
      await expect(import('./handler.js')).rejects.toThrow(/MIN_IMPROVEMENT/);
    } finally {
      restore();
      // A module whose evaluation threw stays cached as failed: the next import must load it afresh.
      vi.resetModules();
    }
  });
});
