import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, MlflowClient, NotFoundError, Table, type ConfigVersionItem, type DeploymentItem, type RollbackItem } from '@tradai/domain';
import { barrier, hookDocumentClient, startDynalite, startFakeMlflow, type Dynalite, type FakeMlflow } from '@tradai/domain/testing';
import { captureLogs, importWithLogLevel } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
const { NoPreviousDeploymentError, StaleRollbackError } = await import('./rollback.js');
type Deps = import('./run.js').Deps;

// Every test gets its own tables, model registry and clock: no test depends on another's writes.
const sns = mockClient(SNSClient);
let db: Dynalite;
let mlflow: FakeMlflow;
let deployments: Table<DeploymentItem>;
let configVersions: Table<ConfigVersionItem>;
let rollbacks: Table<RollbackItem>;
let clock: number;
const T0 = Date.parse('2026-03-10T00:00:00Z');
/** The time the n-th call of deps.now() returns. */
const tick = (n: number) => new Date(T0 + n * 1000).toISOString();

/** `n` promoted versions; with `models`, each carries model version v of the strategy's registered model. */
async function seed(strategy: string, n: number, models = false): Promise<void> {
  for (let v = 1; v <= n; v++) {
    const model = models ? { model_name: strategy, model_version: String(v) } : {};
    await configVersions.put({ strategy, version: v, config_key: `cfg/${strategy}/${v}.json`, image: `repo@sha256:${String(v).repeat(64)}`, created_at: `2026-0${v}-01T00:00:00.000Z`, source: 'promote-model', ...model });
    await deployments.put({ strategy, deployed_at: `2026-0${v}-01T00:00:00.000Z`, deployment_id: `${strategy}-d${v}`, config_version: v, image: `repo@sha256:${String(v).repeat(64)}`, source: 'promote-model', status: 'active' });
  }
}

beforeEach(async () => {
  clock = T0;
  const registered = (name: string) => ({ [name]: [{ version: '1', run_id: `${name}-r1` }, { version: '2', run_id: `${name}-r2` }] });
  [db, mlflow] = await Promise.all([startDynalite(), startFakeMlflow({ models: registered('momentum'), aliases: { momentum: { champion: '2' } } })]);
  const t = await db.createTables(['deployments', 'config_versions', 'rollback_state']);
  deployments = new Table<DeploymentItem>(db.doc, 'deployments', t.deployments);
  configVersions = new Table<ConfigVersionItem>(db.doc, 'config_versions', t.config_versions);
  rollbacks = new Table<RollbackItem>(db.doc, 'rollback_state', t.rollback_state);
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterEach(() => Promise.all([db.stop(), mlflow.stop()]));

const deps = (overrides: Partial<Deps> = {}): Deps => ({
  deployments,
  configVersions,
  rollbacks,
  sns: new SNSClient({ region: 'us-east-1' }),
  mlflow: new MlflowClient(mlflow.url),
  alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts',
  environment: 'dev',
  now: () => new Date((clock += 1000)),
  ...overrides,
});
/** run() from a fresh module whose logger writes INFO (the one imported above is SILENT). */
const loggingRun = async (): Promise<typeof run> => (await importWithLogLevel('INFO', () => import('./run.js'))).run;
const published = (i = 0) => sns.commandCalls(PublishCommand)[i]!.args[0].input;
const alertOf = (i = 0) => JSON.parse(published(i).Message!) as Record<string, unknown>;

describe('rollback', () => {
  it('restores the previous deployment and config version, marks the bad one, records and alerts', async () => {
    await seed('momentum', 2, true);
    const r = await run({ strategy: 'momentum', reason: 'drawdown 9%', requestedBy: 'ops', deploymentId: 'momentum-d2' }, deps());
    expect(r).toEqual({ status: 'COMPLETED', strategy: 'momentum', fromDeploymentId: 'momentum-d2', toDeploymentId: 'rollback-momentum-v3', configVersion: 3, restoredConfigVersion: 1, alerted: true, champion: 'restored' });
    // compare-models judges the next candidate against the model now trading again.
    expect(mlflow.state.aliases['momentum']).toEqual({ champion: '1' });
    expect(await configVersions.get({ strategy: 'momentum', version: 3 })).toMatchObject({ source: 'rollback', restored_from: 1, config_key: 'cfg/momentum/1.json', image: `repo@sha256:${'1'.repeat(64)}` });
    const ds = await deployments.query('momentum');
    expect(ds.find((d) => d.deployment_id === 'momentum-d2')).toMatchObject({ status: 'rolled_back' });
    expect(ds.at(-1)).toMatchObject({ deployment_id: 'rollback-momentum-v3', config_version: 3, restored_deployment_id: 'momentum-d1', previous_deployment_id: 'momentum-d2', source: 'rollback' });
    expect(await rollbacks.query('momentum')).toEqual([
      { strategy: 'momentum', requested_at: tick(1), reason: 'drawdown 9%', requested_by: 'ops', from_deployment_id: 'momentum-d2', to_deployment_id: 'momentum-d1', to_config_version: 3, status: 'COMPLETED' },
    ]);
    expect(published()).toMatchObject({ TopicArn: 'arn:aws:sns:us-east-1:0:alerts', Subject: '[tradai-dev] momentum rolled back to momentum-d1' });
    expect(alertOf()).toEqual({
      type: 'deployment.rollback',
      severity: 'warning',
      source: 'rollback',
      subject: '[tradai-dev] momentum rolled back to momentum-d1',
      message: 'momentum: momentum-d2 -> momentum-d1 (config v1 restored as v3). Reason: drawdown 9% (by ops). Champion alias of momentum moved back to v1.',
      occurredAt: tick(3),
      details: { strategy: 'momentum', from: 'momentum-d2', to: 'momentum-d1', configVersion: 3, champion: 'restored' },
    });
  });

  it('is a no-op when the same deployment is rolled back again (duplicate delivery)', async () => {
    await seed('momentum', 2, true);
    await run({ strategy: 'momentum', reason: 'drawdown 9%', deploymentId: 'momentum-d2' }, deps());
    sns.resetHistory();
    const r = await run({ strategy: 'momentum', reason: 'drawdown 9%', deploymentId: 'momentum-d2' }, deps());
    expect(r).toEqual({ status: 'ALREADY_DONE', strategy: 'momentum', currentDeploymentId: 'rollback-momentum-v3' });
    expect((await configVersions.query('momentum')).length).toBe(3);
    expect((await deployments.query('momentum')).length).toBe(3);
    expect((await rollbacks.query('momentum')).length).toBe(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('refuses when there is no previous deployment, recording and alerting the refusal', async () => {
    await seed('solo', 1);
    await expect(run({ strategy: 'solo', reason: 'test' }, deps())).rejects.toThrow(
      new NoPreviousDeploymentError('strategy solo has no previous deployment to restore (current: solo-d1)'),
    );
    expect(await rollbacks.query('solo')).toEqual([
      { strategy: 'solo', requested_at: tick(1), reason: 'test', requested_by: 'manual', status: 'FAILED', error: 'strategy solo has no previous deployment to restore (current: solo-d1)' },
    ]);
    expect((await configVersions.query('solo')).length).toBe(1);
    expect(alertOf()).toMatchObject({ severity: 'critical', subject: '[tradai-dev] rollback of solo refused', message: 'strategy solo has no previous deployment to restore (current: solo-d1)', details: { strategy: 'solo', reason: 'test' } });
  });

  it('refuses a request naming a deployment that is no longer current, recording which one it named', async () => {
    await seed('quiet', 2);
    await expect(run({ strategy: 'quiet', reason: 'late alarm', deploymentId: 'quiet-d1' }, deps())).rejects.toThrow(StaleRollbackError);
    expect(await rollbacks.query('quiet')).toEqual([expect.objectContaining({ status: 'FAILED', from_deployment_id: 'quiet-d1', error: expect.stringContaining('is no longer current (current: quiet-d2)') })]);
    expect((await deployments.query('quiet')).every((d) => d.status === 'active')).toBe(true);
  });

  it('refuses, recording it, when the config version of the deployment to restore is gone', async () => {
    await seed('quiet', 2);
    await deployments.put({ strategy: 'quiet', deployed_at: '2026-01-15T00:00:00.000Z', deployment_id: 'quiet-orphan', config_version: 99, source: 'promote-model', status: 'active' });
    await deployments.put({ strategy: 'quiet', deployed_at: '2026-02-01T00:00:00.000Z', deployment_id: 'quiet-d2', config_version: 2, source: 'promote-model', status: 'rolled_back' });
    await deployments.put({ strategy: 'quiet', deployed_at: '2026-03-01T00:00:00.000Z', deployment_id: 'quiet-d3', config_version: 3, source: 'promote-model', status: 'active' });
    const message = 'config version 99 of quiet (used by deployment quiet-orphan) does not exist';
    await expect(run({ strategy: 'quiet', reason: 'x' }, deps())).rejects.toThrow(new NotFoundError(message));
    expect(await rollbacks.query('quiet')).toEqual([expect.objectContaining({ status: 'FAILED', error: message })]);
    expect(await configVersions.query('quiet')).toHaveLength(2);
  });

  it('rejects a malformed request naming the field and writes nothing', async () => {
    await seed('quiet', 2);
    await expect(run({ strategy: 'Not A Name', reason: 'x' }, deps())).rejects.toThrow(/invalid rollback request: strategy:/);
    await expect(run({ strategy: 'quiet' }, deps())).rejects.toThrow(/reason:/);
    await expect(run({ strategy: 'quiet', reason: 'x', requestedAt: 'now' }, deps())).rejects.toThrow(/requestedAt:/);
    await expect(run({ strategy: 'quiet', reason: 'x', requestedBy: '' }, deps())).rejects.toThrow(/requestedBy:/);
    await expect(run({ strategy: 'quiet', reason: 'x', deploymentId: '' }, deps())).rejects.toThrow(/deploymentId:/);
    expect(await rollbacks.query('quiet')).toEqual([]);
    expect((await deployments.query('quiet')).every((d) => d.status === 'active')).toBe(true);
  });

  it('takes a reason of 1 to 1000 characters, exactly', async () => {
    await seed('quiet', 2);
    await expect(run({ strategy: 'quiet', reason: '' }, deps())).rejects.toThrow(/invalid rollback request: reason:/);
    await expect(run({ strategy: 'quiet', reason: 'x'.repeat(1001) }, deps())).rejects.toThrow(/invalid rollback request: reason:/);
    expect(await rollbacks.query('quiet')).toEqual([]);
    expect(await run({ strategy: 'quiet', reason: 'x'.repeat(1000), deploymentId: 'quiet-d2' }, deps())).toMatchObject({ status: 'COMPLETED' });
  });

  it('cuts the alert subject to the 100 characters SNS allows, and not one character earlier', async () => {
    // Subject "[tradai-<env>] <s> rolled back to <s>-d1": 32 + 2 * 34 = 100 characters with env "dev".
    const s = 'a'.repeat(34);
    await seed(s, 2);
    expect(await run({ strategy: s, reason: 'x' }, deps())).toMatchObject({ alerted: true });
    expect(published().Subject).toBe(`[tradai-dev] ${s} rolled back to ${s}-d1`);
    expect(published().Subject).toHaveLength(100);
    const t = 'b'.repeat(34);
    await seed(t, 2);
    expect(await run({ strategy: t, reason: 'x' }, deps({ environment: 'prod' }))).toMatchObject({ alerted: true });
    expect(published(1).Subject).toBe(`[tradai-prod] ${t} rolled back to ${t}-d`);
  });

  it('completes the record the caller wrote, and a retry of it is a no-op', async () => {
    await seed('quiet', 2);
    const requestedAt = '2026-03-09T12:00:00.000Z';
    await rollbacks.put({ strategy: 'quiet', requested_at: requestedAt, reason: 'verifier', requested_by: 'deployment-verifier', from_deployment_id: 'quiet-d2', status: 'REQUESTED' });
    // SNS is down: the rollback still completes (an async retry must not roll back twice).
    sns.on(PublishCommand).rejects(new Error('SNS unavailable'));
    const r = await run({ strategy: 'quiet', reason: 'verifier', requestedBy: 'deployment-verifier', deploymentId: 'quiet-d2', requestedAt }, deps());
    expect(r).toMatchObject({ status: 'COMPLETED', alerted: false, champion: 'unchanged' });
    expect(await rollbacks.query('quiet')).toEqual([expect.objectContaining({ requested_at: requestedAt, status: 'COMPLETED', requested_by: 'deployment-verifier' })]);
    const again = await run({ strategy: 'quiet', reason: 'verifier', requestedAt }, deps());
    // Found by its record, which names the deployment it restored.
    expect(again).toEqual({ status: 'ALREADY_DONE', strategy: 'quiet', currentDeploymentId: 'quiet-d1' });
    expect((await deployments.query('quiet')).length).toBe(3);
  });

  it('goes ahead when the record the caller wrote is still REQUESTED or FAILED, and reports a completed one without its target as unknown', async () => {
    await seed('quiet', 2);
    const requestedAt = '2026-03-09T12:00:00.000Z';
    await rollbacks.put({ strategy: 'quiet', requested_at: requestedAt, reason: 'verifier', requested_by: 'deployment-verifier', status: 'FAILED' });
    expect(await run({ strategy: 'quiet', reason: 'verifier', requestedAt }, deps())).toMatchObject({ status: 'COMPLETED' });
    await rollbacks.put({ strategy: 'quiet', requested_at: '2026-03-09T13:00:00.000Z', reason: 'old', requested_by: 'ops', status: 'COMPLETED' });
    expect(await run({ strategy: 'quiet', reason: 'old', requestedAt: '2026-03-09T13:00:00.000Z' }, deps())).toEqual({ status: 'ALREADY_DONE', strategy: 'quiet', currentDeploymentId: 'unknown' });
  });

  it('completes the rollback when MLflow is down, reporting the champion alias it could not move', async () => {
    await seed('momentum', 2, true);
    mlflow.state.failWith = 503;
    const r = await run({ strategy: 'momentum', reason: 'drawdown', requestedBy: 'ops', deploymentId: 'momentum-d2' }, deps());
    expect(r).toMatchObject({ status: 'COMPLETED', champion: 'failed', alerted: true });
    expect((await deployments.query('momentum')).find((d) => d.deployment_id === 'momentum-d2')).toMatchObject({ status: 'rolled_back' });
    expect(mlflow.state.aliases['momentum']).toEqual({ champion: '2' });
    expect(alertOf()).toMatchObject({ severity: 'critical', details: expect.objectContaining({ champion: 'failed' }) });
    expect(alertOf().message).toMatch(/^momentum: momentum-d2 -> momentum-d1 \(config v1 restored as v3\)\. Reason: drawdown \(by ops\)\. Champion alias of momentum NOT moved back to v1: MLflow /);
  });
});

describe('rollback under concurrency', () => {
  /** Settled results split into the values of those that resolved and the errors of those that threw. */
  const split = (results: PromiseSettledResult<Awaited<ReturnType<typeof run>>>[]) => ({
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  });

  /** One rollback, written once: one new version, one new deployment, one COMPLETED record. */
  async function expectOneRollback(): Promise<void> {
    expect((await configVersions.query('momentum')).map((c) => c.version)).toEqual([1, 2, 3]);
    expect((await deployments.query('momentum')).filter((d) => d.source === 'rollback')).toHaveLength(1);
    expect((await deployments.get({ strategy: 'momentum', deployed_at: '2026-02-01T00:00:00.000Z' }))?.status).toBe('rolled_back');
    expect(await rollbacks.query('momentum')).toEqual([expect.objectContaining({ status: 'COMPLETED', to_config_version: 3 })]);
  }

  it('two rollbacks that both read the history before either writes: exactly one restores, the other finds it done', async () => {
    await seed('momentum', 2, true);
    const gate = barrier(2);
    const doc = hookDocumentClient(db.doc, async (command, send) => {
      const res = await send();
      if (command instanceof QueryCommand) await gate.arrive();
      return res;
    });
    const racing = deps({ deployments: new Table<DeploymentItem>(doc, 'deployments', deployments.tableName) });
    const { values, errors } = split(await Promise.allSettled([run({ strategy: 'momentum', reason: 'alarm A', requestedBy: 'ops' }, racing), run({ strategy: 'momentum', reason: 'alarm B', requestedBy: 'ops' }, racing)]));
    expect(errors).toEqual([]);
    expect(values.map((v) => v.status).sort()).toEqual(['ALREADY_DONE', 'COMPLETED']);
    expect(values.find((v) => v.status === 'COMPLETED')).toMatchObject({ configVersion: 3, fromDeploymentId: 'momentum-d2' });
    await expectOneRollback();
  });

  it('the loser reads the history before the winner writes and the latest version after it: still one rollback', async () => {
    await seed('momentum', 2, true);
    // B plans from the history A also read, then waits for A to finish before going on: without
    // the claim on the abandoned deployment it would append version 4 and restore a second time.
    const bothPlanned = barrier(2);
    let aDone!: () => void;
    const aFinished = new Promise<void>((r) => (aDone = r));
    const hooked = (waitForA: boolean) => {
      let queries = 0;
      return new Table<DeploymentItem>(
        hookDocumentClient(db.doc, async (command, send) => {
          const res = await send();
          // Only the first query is the history the plan is made from.
          if (command instanceof QueryCommand && ++queries === 1) {
            await bothPlanned.arrive();
            if (waitForA) await aFinished;
          }
          return res;
        }),
        'deployments',
        deployments.tableName,
      );
    };
    const a = run({ strategy: 'momentum', reason: 'alarm A', requestedBy: 'ops' }, deps({ deployments: hooked(false) })).finally(() => aDone());
    const b = run({ strategy: 'momentum', reason: 'alarm B', requestedBy: 'ops' }, deps({ deployments: hooked(true) }));
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toMatchObject({ status: 'COMPLETED', configVersion: 3, fromDeploymentId: 'momentum-d2' });
    expect(rb).toEqual({ status: 'ALREADY_DONE', strategy: 'momentum', currentDeploymentId: (ra as { toDeploymentId: string }).toDeploymentId });
    await expectOneRollback();
  });

  it('a retry after a crash past the claim (the deployment already rolled_back, nothing else written) completes the rollback', async () => {
    await seed('momentum', 2, true);
    await deployments.update({ strategy: 'momentum', deployed_at: '2026-02-01T00:00:00.000Z' }, { status: 'rolled_back' });
    expect(await run({ strategy: 'momentum', reason: 'alarm', requestedBy: 'ops', deploymentId: 'momentum-d2' }, deps())).toMatchObject({ status: 'COMPLETED', configVersion: 3, fromDeploymentId: 'momentum-d2' });
    await expectOneRollback();
  });

  it('a config version appended by someone else meanwhile: the conflict is named and the claimed deployment is given back', async () => {
    await seed('momentum', 2, true);
    // A registration appends version 3 between the rollback's read of the latest version and its put.
    const doc = hookDocumentClient(db.doc, async (command, send) => {
      const res = await send();
      if (command instanceof QueryCommand) await configVersions.put({ strategy: 'momentum', version: 3, config_key: 'cfg/momentum/3.json', image: 'repo@sha256:3', created_at: '2026-03-09T00:00:00.000Z', source: 'strategy-registrar' });
      return res;
    });
    const racing = deps({ configVersions: new Table<ConfigVersionItem>(doc, 'config_versions', configVersions.tableName) });
    await expect(run({ strategy: 'momentum', reason: 'alarm', requestedBy: 'ops' }, racing)).rejects.toThrow(new ConflictError('config version 3 of momentum was written concurrently; retry the rollback'));
    expect((await deployments.query('momentum')).map((d) => [d.deployment_id, d.status])).toEqual([
      ['momentum-d1', 'active'],
      ['momentum-d2', 'active'],
    ]);
    expect(await rollbacks.query('momentum')).toEqual([]);
    // The retry the message asks for goes through on version 4.
    expect(await run({ strategy: 'momentum', reason: 'alarm', requestedBy: 'ops' }, deps())).toMatchObject({ status: 'COMPLETED', configVersion: 4, fromDeploymentId: 'momentum-d2' });
  });
});

describe('rollback: what operators read', () => {
  it('says in the alert who rolled back what and why, with no champion note when no model is in the restored config', async () => {
    await seed('quiet', 2);
    expect(await run({ strategy: 'quiet', reason: 'x' }, deps())).toMatchObject({ status: 'COMPLETED', champion: 'unchanged' });
    expect(alertOf().message).toBe('quiet: quiet-d2 -> quiet-d1 (config v1 restored as v3). Reason: x (by manual).');
    expect(mlflow.state.aliases['momentum']).toEqual({ champion: '2' });
  });

  it('logs the rollback, and at ERROR with the error an alias it could not move and an alert it could not publish', async () => {
    await seed('momentum', 2, true);
    mlflow.state.failWith = 503;
    sns.on(PublishCommand).rejects(new Error('SNS unavailable'));
    const logged = await loggingRun();
    const logs = await captureLogs(async () => expect(await logged({ strategy: 'momentum', reason: 'drawdown', requestedBy: 'ops' }, deps())).toMatchObject({ status: 'COMPLETED', champion: 'failed', alerted: false }));
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ service: 'rollback', message: 'champion alias not restored', error: expect.objectContaining({ message: expect.stringMatching(/^MLflow /) }) }),
      expect.objectContaining({ service: 'rollback', message: 'alert not published', error: expect.objectContaining({ message: 'SNS unavailable' }) }),
    ]);
    expect(logs.filter((l) => l.level === 'INFO')).toEqual([expect.objectContaining({ service: 'rollback', message: 'rolled back', strategy: 'momentum', from: 'momentum-d2', to: 'momentum-d1' })]);
  });

  it('logs a repeated rollback of the same deployment as already rolled back, naming it', async () => {
    await seed('momentum', 2, true);
    await run({ strategy: 'momentum', reason: 'drawdown', deploymentId: 'momentum-d2' }, deps());
    const logged = await loggingRun();
    const logs = await captureLogs(async () => expect(await logged({ strategy: 'momentum', reason: 'drawdown', deploymentId: 'momentum-d2' }, deps())).toMatchObject({ status: 'ALREADY_DONE' }));
    expect(logs).toEqual([expect.objectContaining({ level: 'INFO', service: 'rollback', message: 'already rolled back', strategy: 'momentum', deploymentId: 'momentum-d2' })]);
  });

  it('logs a rollback that loses the claim to a concurrent one, naming the deployment both wanted to abandon', async () => {
    await seed('momentum', 2, true);
    // Another rollback claims momentum-d2 right after this one read the history.
    let queries = 0;
    const doc = hookDocumentClient(db.doc, async (command, send) => {
      const res = await send();
      if (command instanceof QueryCommand && ++queries === 1) await deployments.update({ strategy: 'momentum', deployed_at: '2026-02-01T00:00:00.000Z' }, { status: 'rolled_back' });
      return res;
    });
    const logged = await loggingRun();
    const logs = await captureLogs(async () =>
      expect(await logged({ strategy: 'momentum', reason: 'alarm' }, deps({ deployments: new Table<DeploymentItem>(doc, 'deployments', deployments.tableName) }))).toEqual({ status: 'ALREADY_DONE', strategy: 'momentum', currentDeploymentId: 'momentum-d2' }),
    );
    expect(logs).toEqual([expect.objectContaining({ level: 'INFO', service: 'rollback', message: 'rolled back concurrently', strategy: 'momentum', deploymentId: 'momentum-d2' })]);
    expect(await configVersions.query('momentum')).toHaveLength(2);
  });

  it('a deployment written without a status that loses the config-version race: the conflict is named, the deployment stays claimed and a retry completes', async () => {
    await seed('momentum', 2, true);
    const { status: _, ...unstated } = (await deployments.get({ strategy: 'momentum', deployed_at: '2026-02-01T00:00:00.000Z' }))!;
    await deployments.put(unstated);
    const doc = hookDocumentClient(db.doc, async (command, send) => {
      const res = await send();
      if (command instanceof QueryCommand) await configVersions.put({ strategy: 'momentum', version: 3, config_key: 'cfg/momentum/3.json', image: 'repo@sha256:3', created_at: '2026-03-09T00:00:00.000Z', source: 'strategy-registrar' });
      return res;
    });
    const racing = deps({ configVersions: new Table<ConfigVersionItem>(doc, 'config_versions', configVersions.tableName) });
    await expect(run({ strategy: 'momentum', reason: 'alarm' }, racing)).rejects.toThrow(new ConflictError('config version 3 of momentum was written concurrently; retry the rollback'));
    expect((await deployments.get({ strategy: 'momentum', deployed_at: '2026-02-01T00:00:00.000Z' }))?.status).toBe('rolled_back');
    expect(await rollbacks.query('momentum')).toEqual([]);
    expect(await run({ strategy: 'momentum', reason: 'alarm' }, deps())).toMatchObject({ status: 'COMPLETED', configVersion: 4, fromDeploymentId: 'momentum-d2' });
  });
});
