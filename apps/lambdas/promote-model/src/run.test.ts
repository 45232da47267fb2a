import { ConfigVersionRepo, ConflictError, MlflowClient, MlflowError, NotFoundError, tableFromEnv, type DeploymentItem, type RetrainingItem, type Table } from '@tradai/domain';
import { readBarrierClient, startDynalite, startFakeMlflow, type Dynalite, type FakeMlflow } from '@tradai/domain/testing';
import { setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_APPEND_ATTEMPTS, promoteModel, type PromoteDeps } from './run.js';

// Every test gets its own tables and model registry: no test depends on another's writes.
let db: Dynalite;
let mlflow: FakeMlflow;
let retraining: Table<RetrainingItem>;
let deployments: Table<DeploymentItem>;
let configs: ConfigVersionRepo;
let deps: PromoteDeps;
const T0 = Date.parse('2026-03-01T03:00:00Z');
/** The time the n-th call of deps.now() returns (1 s steps from T0). */
const tick = (n: number) => new Date(T0 + n * 1000).toISOString();

beforeEach(async () => {
  [db, mlflow] = await Promise.all([startDynalite(), startFakeMlflow()]);
  await db.createTables(['retraining_state', 'deployments', 'config_versions']);
  retraining = tableFromEnv(db.doc, 'retraining_state', db.tableEnv());
  deployments = tableFromEnv(db.doc, 'deployments', db.tableEnv());
  configs = new ConfigVersionRepo(tableFromEnv(db.doc, 'config_versions', db.tableEnv()));
  let calls = 0;
  deps = { mlflow: new MlflowClient(mlflow.url), retraining, deployments, configVersions: configs, now: () => new Date(tick(++calls)) };
  Object.assign(mlflow.state, { models: { momo: [{ version: '1', run_id: 'r1' }, { version: '3', run_id: 'r3' }] }, aliases: { momo: { champion: '1' } } });
  await configs.append({ strategy: 'momo', config_key: 'momo/v1.json', image: 'acct.dkr.ecr/x@sha256:1', created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' });
  await deployments.put({ strategy: 'momo', deployed_at: '2026-01-01T00:00:00Z', deployment_id: 'momo-initial', config_version: 1, source: 'strategy-registrar' });
});
afterEach(async () => {
  await Promise.all([db.stop(), mlflow.stop()]);
});

async function decided(startedAt: string, version = '3', decision: 'promote' | 'reject' = 'promote') {
  await retraining.put({ strategy: 'momo', started_at: startedAt, status: 'TRAINING', decision, candidate_version: version, model_name: 'momo' });
  return { strategy: 'momo', startedAt, candidateVersion: version };
}

describe('promoteModel', () => {
  it('appends a config version, records the deployment, moves the champion alias, marks the run PROMOTED', async () => {
    const out = await promoteModel(deps, await decided('2026-03-01T00:00:00Z'));
    expect(out).toEqual({ strategy: 'momo', modelName: 'momo', modelVersion: '3', deploymentId: 'momo-retrain-20260301000000', configVersion: 2, changed: true });
    expect(await configs.latest('momo')).toEqual({
      strategy: 'momo', version: 2, config_key: 'momo/v1.json', image: 'acct.dkr.ecr/x@sha256:1', created_at: tick(1), source: 'promote-model', model_name: 'momo', model_version: '3', deployment_id: out.deploymentId,
    });
    expect(await deployments.latest('momo')).toMatchObject({ deployed_at: tick(1), deployment_id: out.deploymentId, config_version: 2, previous_deployment_id: 'momo-initial', status: 'verifying' });
    expect(mlflow.state.aliases.momo!.champion).toBe('3');
    expect(mlflow.state.models.momo![1]!.tags).toEqual({ tradai_deployment_id: out.deploymentId });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'PROMOTED', completed_at: tick(1), deployment_id: out.deploymentId });
  });

  it('changes nothing on duplicate delivery', async () => {
    const input = await decided('2026-03-01T00:00:00Z');
    await promoteModel(deps, input);
    const requests = mlflow.state.requests.length;
    const again = await promoteModel(deps, input);
    expect(again).toEqual({ strategy: 'momo', modelName: 'momo', modelVersion: '3', deploymentId: 'momo-retrain-20260301000000', configVersion: 2, changed: false });
    expect((await configs.latest('momo'))?.version).toBe(2);
    expect(await deployments.query('momo')).toHaveLength(2);
    expect(mlflow.state.requests.length).toBe(requests);
  });

  it('refuses a promotion that was not decided, writing nothing', async () => {
    await expect(promoteModel(deps, await decided('2026-03-02T00:00:00Z', '3', 'reject'))).rejects.toThrow(ConflictError);
    await expect(promoteModel(deps, { strategy: 'momo', startedAt: '2026-03-02T00:00:00Z', candidateVersion: '1' })).rejects.toThrow(ConflictError);
    await expect(promoteModel(deps, { strategy: 'momo', startedAt: '1999-01-01T00:00:00Z', candidateVersion: '3' })).rejects.toThrow(
      new NotFoundError('retraining run momo@1999-01-01T00:00:00Z not found in retraining_state'),
    );
    await expect(promoteModel(deps, await decided('2026-03-02T01:00:00Z', '9'))).rejects.toThrow(/model-versions\/get -> 404/);
    expect((await configs.latest('momo'))?.version).toBe(1);
    expect(await deployments.query('momo')).toHaveLength(1);
    expect(mlflow.state.aliases.momo!.champion).toBe('1');
  });

  it('refuses a run that is no longer TRAINING (rejected, failed, or promoted without a deployment), naming its status', async () => {
    for (const status of ['REJECTED', 'FAILED', 'PROMOTED'] as const) {
      await retraining.put({ strategy: 'momo', started_at: '2026-03-05T00:00:00Z', status, decision: 'promote', candidate_version: '3', model_name: 'momo' });
      await expect(promoteModel(deps, { strategy: 'momo', startedAt: '2026-03-05T00:00:00Z', candidateVersion: '3' })).rejects.toThrow(
        new ConflictError(`retraining run momo@2026-03-05T00:00:00Z is ${status}, not TRAINING`),
      );
    }
    expect((await configs.latest('momo'))?.version).toBe(1);
  });

  it('names the strategy when it has no config version to promote into', async () => {
    await retraining.put({ strategy: 'lone', started_at: '2026-03-01T00:00:00Z', status: 'TRAINING', decision: 'promote', candidate_version: '3', model_name: 'momo' });
    await expect(promoteModel(deps, { strategy: 'lone', startedAt: '2026-03-01T00:00:00Z', candidateVersion: '3' })).rejects.toThrow(
      new NotFoundError('strategy lone has no config version to promote a model into'),
    );
    expect(await deployments.query('lone')).toEqual([]);
  });

  it('uses the model name of the request, else of the run, else the strategy', async () => {
    mlflow.state.models.other = [{ version: '3', run_id: 'o3' }];
    await retraining.put({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z', status: 'TRAINING', decision: 'promote', candidate_version: '3' });
    expect(await promoteModel(deps, { strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', candidateVersion: '3' })).toMatchObject({ modelName: 'momo', changed: true });
    await retraining.put({ strategy: 'momo', started_at: '2026-03-02T00:00:00Z', status: 'TRAINING', decision: 'promote', candidate_version: '3', model_name: 'other' });
    expect(await promoteModel(deps, { strategy: 'momo', startedAt: '2026-03-02T00:00:00Z', candidateVersion: '3' })).toMatchObject({ modelName: 'other' });
    expect(mlflow.state.aliases.other).toEqual({ champion: '3' });
    await retraining.put({ strategy: 'momo', started_at: '2026-03-03T00:00:00Z', status: 'TRAINING', decision: 'promote', candidate_version: '1', model_name: 'other' });
    mlflow.state.models.third = [{ version: '1', run_id: 't1' }];
    expect(await promoteModel(deps, { strategy: 'momo', startedAt: '2026-03-03T00:00:00Z', candidateVersion: '1', modelName: 'third' })).toMatchObject({ modelName: 'third' });
    expect(await configs.latest('momo')).toMatchObject({ version: 4, model_name: 'third', model_version: '1' });
  });

  it('completes after an MLflow failure part-way without duplicating records', async () => {
    const input = await decided('2026-03-03T00:00:00Z');
    const failing = new MlflowClient(mlflow.url);
    failing.setAlias = () => Promise.reject(new MlflowError('MLflow POST registered-models/alias -> 503', 503));
    await expect(promoteModel({ ...deps, mlflow: failing }, input)).rejects.toThrow(MlflowError);
    expect(mlflow.state.aliases.momo!.champion).toBe('1');
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-03T00:00:00Z' })).toMatchObject({ status: 'TRAINING' });
    const out = await promoteModel(deps, input);
    expect(out).toMatchObject({ changed: true, configVersion: 2 });
    expect((await configs.latest('momo'))?.version).toBe(2);
    expect((await deployments.query(out.deploymentId, { index: 'deployment_id-index' })).length).toBe(1);
    expect(mlflow.state.aliases.momo!.champion).toBe('3');
  });

  it('a retry after the deployment was recorded keeps that deployment and version even when a newer version exists', async () => {
    const input = await decided('2026-03-03T00:00:00Z');
    const failing = new MlflowClient(mlflow.url);
    failing.setAlias = () => Promise.reject(new MlflowError('MLflow POST registered-models/alias -> 503', 503));
    await expect(promoteModel({ ...deps, mlflow: failing }, input)).rejects.toThrow(MlflowError);
    // Meanwhile another writer appends version 3.
    await configs.append({ strategy: 'momo', config_key: 'momo/v3.json', image: 'acct.dkr.ecr/x@sha256:3', created_at: '2026-03-03T00:30:00Z', source: 'strategy-service' });
    expect(await promoteModel(deps, input)).toMatchObject({ changed: true, configVersion: 2 });
    expect((await configs.table.query('momo')).map((c) => c.version)).toEqual([1, 2, 3]);
    expect(await deployments.query('momo')).toHaveLength(2);
  });

  it('reuses the config version an earlier attempt appended when that attempt failed before recording the deployment', async () => {
    const input = await decided('2026-03-03T00:00:00Z');
    const failingDeployments = Object.create(deployments) as Table<DeploymentItem>;
    failingDeployments.putIfAbsent = () => Promise.reject(new Error('DynamoDB throttled'));
    await expect(promoteModel({ ...deps, deployments: failingDeployments }, input)).rejects.toThrow('DynamoDB throttled');
    expect((await configs.latest('momo'))?.version).toBe(2);
    const out = await promoteModel(deps, input);
    expect(out).toMatchObject({ changed: true, configVersion: 2 });
    expect(await configs.table.query('momo')).toHaveLength(2);
    // The record is keyed by the config version's time, the same on every attempt.
    expect(await deployments.latest('momo')).toMatchObject({ deployed_at: tick(1), deployment_id: out.deploymentId });
  });

  it('never overwrites another deployment recorded at the same key', async () => {
    const input = await decided('2026-03-01T00:00:00Z');
    await deployments.put({ strategy: 'momo', deployed_at: tick(1), deployment_id: 'someone-else', config_version: 1, source: 'rollback' });
    await expect(promoteModel(deps, input)).rejects.toThrow(new ConflictError(`deployment momo@${tick(1)} is someone-else, not momo-retrain-20260301000000`));
    expect(await deployments.get({ strategy: 'momo', deployed_at: tick(1) })).toMatchObject({ deployment_id: 'someone-else' });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'TRAINING' });
  });
});

describe('promoteModel under concurrency', () => {
  it('two promotions of the same candidate that both read before either writes: exactly one promotes, the other gets the conflict', async () => {
    const input = await decided('2026-03-01T00:00:00Z');
    // Each promotion's first read (its retraining row) waits until both have read: both see TRAINING.
    const { doc } = readBarrierClient(db.doc, 2);
    const racing = { ...deps, retraining: tableFromEnv(doc, 'retraining_state', db.tableEnv()) };
    const results = await Promise.allSettled([promoteModel(racing, input), promoteModel(racing, input)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(won[0]!.value).toMatchObject({ changed: true, configVersion: 2 });
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toEqual(new ConflictError('retraining run momo@2026-03-01T00:00:00Z was promoted by a concurrent attempt'));
    // One promotion, written once: one config version, one deployment, the run PROMOTED.
    expect((await configs.table.query('momo')).map((c) => c.version)).toEqual([1, 2]);
    expect(await deployments.query('momo-retrain-20260301000000', { index: 'deployment_id-index' })).toHaveLength(1);
    expect(await deployments.query('momo')).toHaveLength(2);
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'PROMOTED', deployment_id: 'momo-retrain-20260301000000' });
  });

  it('a run changed by someone else between the read and the final write is not marked PROMOTED', async () => {
    const input = await decided('2026-03-01T00:00:00Z');
    const stale = Object.create(retraining) as Table<RetrainingItem>;
    stale.get = async (key) => {
      const item = await retraining.get(key);
      // Someone fails the run right after this promotion read it as TRAINING.
      if (item?.status === 'TRAINING') await retraining.put({ ...item, status: 'FAILED' });
      return item;
    };
    await expect(promoteModel({ ...deps, retraining: stale }, input)).rejects.toThrow(
      new ConflictError('retraining run momo@2026-03-01T00:00:00Z changed while promoting (now FAILED)'),
    );
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'FAILED' });
  });

  it('a promotion whose config version is taken by other writers on every attempt gives up after the last attempt', async () => {
    const input = await decided('2026-03-01T00:00:00Z');
    // Another writer appends right after each of this promotion's reads, so each conditional put finds its version taken.
    const contested = new ConfigVersionRepo(configs.table);
    let reads = 0;
    contested.latest = async (strategy) => {
      const current = await configs.latest(strategy);
      reads++;
      if (current) await configs.table.put({ ...current, version: current.version + 1, source: 'strategy-service' });
      return current;
    };
    await expect(promoteModel({ ...deps, configVersions: contested }, input)).rejects.toThrow(
      new ConflictError(`config_versions momo: version taken by other writers ${MAX_APPEND_ATTEMPTS} times in a row; retry the promotion`),
    );
    expect(reads).toBe(MAX_APPEND_ATTEMPTS);
    expect((await configs.table.query('momo')).filter((c) => c.source === 'promote-model')).toEqual([]);
    expect(await deployments.query('momo')).toHaveLength(1);
  });

  it('a promotion whose first append is taken by another writer appends the next version', async () => {
    const input = await decided('2026-03-01T00:00:00Z');
    const contested = new ConfigVersionRepo(configs.table);
    let reads = 0;
    contested.latest = async (strategy) => {
      const current = await configs.latest(strategy);
      if (++reads === 1 && current) await configs.table.put({ ...current, version: current.version + 1, source: 'strategy-service' });
      return current;
    };
    expect(await promoteModel({ ...deps, configVersions: contested }, input)).toMatchObject({ changed: true, configVersion: 3 });
    expect(await configs.get('momo', 3)).toMatchObject({ source: 'promote-model', model_version: '3' });
  });
});

describe('handler', () => {
  it('validates input naming the field and promotes through the configured tables', async () => {
    const restore = setLambdaEnv('promote-model', { ...db.tableEnv(), MLFLOW_TRACKING_URI: mlflow.url, AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({ strategy: 'momo', startedAt: '2026-03-01T00:00:00Z' })).rejects.toThrow(/^invalid promote-model input: candidateVersion: /);
      expect(await handler(await decided('2026-03-04T00:00:00Z'))).toMatchObject({ changed: true, configVersion: 2 });
    } finally {
      restore();
    }
  });
});
