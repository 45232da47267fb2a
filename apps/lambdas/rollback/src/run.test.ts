import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { MlflowClient, Table, type ConfigVersionItem, type DeploymentItem, type RollbackItem } from '@tradai/domain';
import { startDynalite, startFakeMlflow, type Dynalite, type FakeMlflow } from '@tradai/domain/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const sns = mockClient(SNSClient);
let db: Dynalite;
let mlflow: FakeMlflow;
let deployments: Table<DeploymentItem>;
let configVersions: Table<ConfigVersionItem>;
let rollbacks: Table<RollbackItem>;
let clock = Date.parse('2026-03-10T00:00:00Z');

/** `n` promoted versions; with `models`, each carries model version v of the strategy's registered model. */
async function seed(strategy: string, n: number, models = false): Promise<void> {
  for (let v = 1; v <= n; v++) {
    const model = models ? { model_name: strategy, model_version: String(v) } : {};
    await configVersions.put({ strategy, version: v, config_key: `cfg/${strategy}/${v}.json`, image: `repo@sha256:${String(v).repeat(64)}`, created_at: `2026-0${v}-01T00:00:00.000Z`, source: 'promote-model', ...model });
    await deployments.put({ strategy, deployed_at: `2026-0${v}-01T00:00:00.000Z`, deployment_id: `${strategy}-d${v}`, config_version: v, image: `repo@sha256:${String(v).repeat(64)}`, source: 'promote-model', status: 'active' });
  }
}

beforeAll(async () => {
  db = await startDynalite();
  const registered = (name: string) => ({ [name]: [{ version: '1', run_id: `${name}-r1` }, { version: '2', run_id: `${name}-r2` }] });
  mlflow = await startFakeMlflow({ models: { ...registered('momentum'), ...registered('mlfail') }, aliases: { momentum: { champion: '2' }, mlfail: { champion: '2' } } });
  const t = await db.createTables(['deployments', 'config_versions', 'rollback_state']);
  deployments = new Table<DeploymentItem>(db.doc, 'deployments', t.deployments);
  configVersions = new Table<ConfigVersionItem>(db.doc, 'config_versions', t.config_versions);
  rollbacks = new Table<RollbackItem>(db.doc, 'rollback_state', t.rollback_state);
  await seed('momentum', 2, true);
  await seed('solo', 1);
  await seed('quiet', 2);
  await seed('mlfail', 2, true);
});
afterAll(() => Promise.all([db.stop(), mlflow.stop()]));
beforeEach(() => {
  mlflow.state.failWith = undefined;
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

const deps = (): Deps => ({ deployments, configVersions, rollbacks, sns: new SNSClient({ region: 'us-east-1' }), mlflow: new MlflowClient(mlflow.url), alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts', environment: 'dev', now: () => new Date((clock += 1000)) });
const alertOf = (i = 0) => JSON.parse(sns.commandCalls(PublishCommand)[i]!.args[0].input.Message!) as Record<string, unknown>;

describe('rollback', () => {
  it('restores the previous deployment and config version, marks the bad one, records and alerts', async () => {
    const r = await run({ strategy: 'momentum', reason: 'drawdown 9%', requestedBy: 'ops', deploymentId: 'momentum-d2' }, deps());
    expect(r).toMatchObject({ status: 'COMPLETED', fromDeploymentId: 'momentum-d2', toDeploymentId: 'rollback-momentum-v3', configVersion: 3, restoredConfigVersion: 1, alerted: true, champion: 'restored' });
    // compare-models judges the next candidate against the model now trading again.
    expect(mlflow.state.aliases['momentum']).toEqual({ champion: '1' });
    expect(await configVersions.get({ strategy: 'momentum', version: 3 })).toMatchObject({ source: 'rollback', restored_from: 1, config_key: 'cfg/momentum/1.json', image: `repo@sha256:${'1'.repeat(64)}` });
    const ds = await deployments.query('momentum');
    expect(ds.find((d) => d.deployment_id === 'momentum-d2')).toMatchObject({ status: 'rolled_back' });
    expect(ds.at(-1)).toMatchObject({ deployment_id: 'rollback-momentum-v3', config_version: 3, restored_deployment_id: 'momentum-d1', previous_deployment_id: 'momentum-d2', source: 'rollback' });
    expect(await rollbacks.query('momentum')).toEqual([expect.objectContaining({ status: 'COMPLETED', from_deployment_id: 'momentum-d2', to_deployment_id: 'momentum-d1', to_config_version: 3, requested_by: 'ops' })]);
    expect(alertOf()).toMatchObject({ type: 'deployment.rollback', severity: 'warning', source: 'rollback' });
  });

  it('is a no-op when the same deployment is rolled back again (duplicate delivery)', async () => {
    const r = await run({ strategy: 'momentum', reason: 'drawdown 9%', deploymentId: 'momentum-d2' }, deps());
    expect(r).toEqual({ status: 'ALREADY_DONE', strategy: 'momentum', currentDeploymentId: 'rollback-momentum-v3' });
    expect((await configVersions.query('momentum')).length).toBe(3);
    expect((await deployments.query('momentum')).length).toBe(3);
    expect((await rollbacks.query('momentum')).length).toBe(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('refuses when there is no previous deployment, recording and alerting the refusal', async () => {
    await expect(run({ strategy: 'solo', reason: 'test' }, deps())).rejects.toThrow(/no previous deployment to restore/);
    expect(await rollbacks.query('solo')).toEqual([expect.objectContaining({ status: 'FAILED', error: expect.stringContaining('no previous deployment') })]);
    expect((await configVersions.query('solo')).length).toBe(1);
    expect(alertOf()).toMatchObject({ severity: 'critical' });
  });

  it('rejects a malformed request naming the field and writes nothing', async () => {
    await expect(run({ strategy: 'Not A Name', reason: 'x' }, deps())).rejects.toThrow(/invalid rollback request: strategy:/);
    await expect(run({ strategy: 'quiet' }, deps())).rejects.toThrow(/reason:/);
    await expect(run({ strategy: 'quiet', reason: 'x', requestedAt: 'now' }, deps())).rejects.toThrow(/requestedAt:/);
    expect(await rollbacks.query('quiet')).toEqual([]);
    expect((await deployments.query('quiet')).every((d) => d.status === 'active')).toBe(true);
  });

  it('completes the record the caller wrote, and a retry of it is a no-op', async () => {
    const requestedAt = '2026-03-09T12:00:00.000Z';
    await rollbacks.put({ strategy: 'quiet', requested_at: requestedAt, reason: 'verifier', requested_by: 'deployment-verifier', from_deployment_id: 'quiet-d2', status: 'REQUESTED' });
    // SNS is down: the rollback still completes (an async retry must not roll back twice).
    sns.on(PublishCommand).rejects(new Error('SNS unavailable'));
    const r = await run({ strategy: 'quiet', reason: 'verifier', requestedBy: 'deployment-verifier', deploymentId: 'quiet-d2', requestedAt }, deps());
    expect(r).toMatchObject({ status: 'COMPLETED', alerted: false, champion: 'unchanged' });
    expect(await rollbacks.query('quiet')).toEqual([expect.objectContaining({ requested_at: requestedAt, status: 'COMPLETED', requested_by: 'deployment-verifier' })]);
    const again = await run({ strategy: 'quiet', reason: 'verifier', requestedAt }, deps());
    expect(again.status).toBe('ALREADY_DONE');
    expect((await deployments.query('quiet')).length).toBe(3);
  });

  it('completes the rollback when MLflow is down, reporting the champion alias it could not move', async () => {
    mlflow.state.failWith = 503;
    const r = await run({ strategy: 'mlfail', reason: 'drawdown', requestedBy: 'ops', deploymentId: 'mlfail-d2' }, deps());
    expect(r).toMatchObject({ status: 'COMPLETED', champion: 'failed', alerted: true });
    expect((await deployments.query('mlfail')).find((d) => d.deployment_id === 'mlfail-d2')).toMatchObject({ status: 'rolled_back' });
    expect(mlflow.state.aliases['mlfail']).toEqual({ champion: '2' });
    expect(alertOf()).toMatchObject({ severity: 'critical', message: expect.stringContaining('Champion alias of mlfail NOT moved back to v1') });
  });
});
