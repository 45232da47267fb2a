import { ConfigVersionRepo, ConflictError, MlflowClient, MlflowError, NotFoundError, tableFromEnv, type DeploymentItem, type RetrainingItem, type Table } from '@tradai/domain';
import { startDynalite, startFakeMlflow, type Dynalite, type FakeMlflow } from '@tradai/domain/testing';
import { setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoteModel, type PromoteDeps } from './run.js';

let db: Dynalite;
let mlflow: FakeMlflow;
let retraining: Table<RetrainingItem>;
let deployments: Table<DeploymentItem>;
let configs: ConfigVersionRepo;
let deps: PromoteDeps;
let clock = Date.parse('2026-03-01T03:00:00Z');

beforeAll(async () => {
  [db, mlflow] = await Promise.all([startDynalite(), startFakeMlflow()]);
  await db.createTables(['retraining_state', 'deployments', 'config_versions']);
  retraining = tableFromEnv(db.doc, 'retraining_state', db.tableEnv());
  deployments = tableFromEnv(db.doc, 'deployments', db.tableEnv());
  configs = new ConfigVersionRepo(tableFromEnv(db.doc, 'config_versions', db.tableEnv()));
  deps = { mlflow: new MlflowClient(mlflow.url), retraining, deployments, configVersions: configs, now: () => new Date((clock += 1000)) };
  Object.assign(mlflow.state, { models: { momo: [{ version: '1', run_id: 'r1' }, { version: '3', run_id: 'r3' }] }, aliases: { momo: { champion: '1' } } });
  for (const s of ['momo']) {
    await configs.append({ strategy: s, config_key: `${s}/v1.json`, image: 'acct.dkr.ecr/x@sha256:1', created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' });
  }
  await deployments.put({ strategy: 'momo', deployed_at: '2026-01-01T00:00:00Z', deployment_id: 'momo-initial', config_version: 1, source: 'strategy-registrar' });
});
afterAll(async () => {
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
    expect(await configs.latest('momo')).toMatchObject({ version: 2, model_version: '3', source: 'promote-model', image: 'acct.dkr.ecr/x@sha256:1', deployment_id: out.deploymentId });
    expect(await deployments.latest('momo')).toMatchObject({ deployment_id: out.deploymentId, config_version: 2, previous_deployment_id: 'momo-initial', status: 'verifying' });
    expect(mlflow.state.aliases.momo!.champion).toBe('3');
    expect(mlflow.state.models.momo![1]!.tags).toEqual({ tradai_deployment_id: out.deploymentId });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'PROMOTED', deployment_id: out.deploymentId });
  });

  it('changes nothing on duplicate delivery', async () => {
    const input = { strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', candidateVersion: '3' };
    const again = await promoteModel(deps, input);
    expect(again).toMatchObject({ changed: false, configVersion: 2 });
    expect((await configs.latest('momo'))?.version).toBe(2);
    expect(await deployments.query('momo')).toHaveLength(2);
  });

  it('refuses a promotion that was not decided, writing nothing', async () => {
    await expect(promoteModel(deps, await decided('2026-03-02T00:00:00Z', '3', 'reject'))).rejects.toThrow(ConflictError);
    await expect(promoteModel(deps, { strategy: 'momo', startedAt: '2026-03-02T00:00:00Z', candidateVersion: '1' })).rejects.toThrow(ConflictError);
    await expect(promoteModel(deps, { strategy: 'momo', startedAt: '1999-01-01T00:00:00Z', candidateVersion: '3' })).rejects.toThrow(NotFoundError);
    await expect(promoteModel(deps, await decided('2026-03-02T01:00:00Z', '9'))).rejects.toThrow(/model-versions\/get -> 404/);
    expect((await configs.latest('momo'))?.version).toBe(2);
  });

  it('completes after an MLflow failure part-way without duplicating records', async () => {
    mlflow.state.aliases.momo!.champion = '1';
    const input = await decided('2026-03-03T00:00:00Z');
    const failing = new MlflowClient(mlflow.url);
    failing.setAlias = () => Promise.reject(new MlflowError('MLflow POST registered-models/alias -> 503', 503));
    await expect(promoteModel({ ...deps, mlflow: failing }, input)).rejects.toThrow(MlflowError);
    expect(mlflow.state.aliases.momo!.champion).toBe('1');
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-03T00:00:00Z' })).toMatchObject({ status: 'TRAINING' });
    const out = await promoteModel(deps, input);
    expect(out).toMatchObject({ changed: true, configVersion: 3 });
    expect((await configs.latest('momo'))?.version).toBe(3);
    expect((await deployments.query(out.deploymentId, { index: 'deployment_id-index' })).length).toBe(1);
    expect(mlflow.state.aliases.momo!.champion).toBe('3');
  });
});

describe('handler', () => {
  it('validates input naming the field and promotes through the configured tables', async () => {
    const restore = setLambdaEnv('promote-model', { ...db.tableEnv(), MLFLOW_TRACKING_URI: mlflow.url, AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({ strategy: 'momo', startedAt: '2026-03-01T00:00:00Z' })).rejects.toThrow(/^invalid promote-model input: candidateVersion: /);
      expect(await handler(await decided('2026-03-04T00:00:00Z'))).toMatchObject({ changed: true, configVersion: 4 });
    } finally {
      restore();
    }
  });
});
