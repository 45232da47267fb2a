import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Table, type ConfigVersionItem, type DeploymentItem, type RollbackItem } from '@tradai/lambda-core';
import { startDynalite, type Dynalite } from '@tradai/lambda-core/testing';
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
let deployments: Table<DeploymentItem>;
let configVersions: Table<ConfigVersionItem>;
let rollbacks: Table<RollbackItem>;
let clock = Date.parse('2026-03-10T00:00:00Z');

async function seed(strategy: string, n: number): Promise<void> {
  for (let v = 1; v <= n; v++) {
    await configVersions.put({ strategy, version: v, config_key: `cfg/${strategy}/${v}.json`, image: `repo@sha256:${String(v).repeat(64)}`, created_at: `2026-0${v}-01T00:00:00.000Z`, source: 'promote-model' });
    await deployments.put({ strategy, deployed_at: `2026-0${v}-01T00:00:00.000Z`, deployment_id: `${strategy}-d${v}`, config_version: v, image: `repo@sha256:${String(v).repeat(64)}`, source: 'promote-model', status: 'active' });
  }
}

beforeAll(async () => {
  db = await startDynalite();
  const t = await db.createTables(['deployments', 'config_versions', 'rollback_state']);
  deployments = new Table<DeploymentItem>(db.doc, 'deployments', t.deployments);
  configVersions = new Table<ConfigVersionItem>(db.doc, 'config_versions', t.config_versions);
  rollbacks = new Table<RollbackItem>(db.doc, 'rollback_state', t.rollback_state);
  await seed('momentum', 2);
  await seed('solo', 1);
  await seed('quiet', 2);
});
afterAll(() => db.stop());
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

const deps = (): Deps => ({ deployments, configVersions, rollbacks, sns: new SNSClient({ region: 'us-east-1' }), alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts', environment: 'dev', now: () => new Date((clock += 1000)) });
const alertOf = (i = 0) => JSON.parse(sns.commandCalls(PublishCommand)[i]!.args[0].input.Message!) as Record<string, unknown>;

describe('rollback', () => {
  it('restores the previous deployment and config version, marks the bad one, records and alerts', async () => {
    const r = await run({ strategy: 'momentum', reason: 'drawdown 9%', requestedBy: 'ops', deploymentId: 'momentum-d2' }, deps());
    expect(r).toMatchObject({ status: 'COMPLETED', fromDeploymentId: 'momentum-d2', toDeploymentId: 'rollback-momentum-v3', configVersion: 3, restoredConfigVersion: 1, alerted: true });
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
    expect(r).toMatchObject({ status: 'COMPLETED', alerted: false });
    expect(await rollbacks.query('quiet')).toEqual([expect.objectContaining({ requested_at: requestedAt, status: 'COMPLETED', requested_by: 'deployment-verifier' })]);
    const again = await run({ strategy: 'quiet', reason: 'verifier', requestedAt }, deps());
    expect(again.status).toBe('ALREADY_DONE');
    expect((await deployments.query('quiet')).length).toBe(3);
  });
});
