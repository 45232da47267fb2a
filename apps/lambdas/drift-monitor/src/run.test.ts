import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Table, type DeploymentItem, type DriftItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DistributionPair } from './mlflow.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:0:stateMachine:tradai-retraining-dev';
let db: Dynalite;
let deployments: Table<DeploymentItem>;
let drift: Table<DriftItem>;
let clock = Date.parse('2026-03-01T06:00:00Z');

/** Fake MLflow: "stable" has not moved, "shifted" has, "broken" has no monitoring run. */
const pairs: Record<string, DistributionPair | Error> = {
  'stable:2': { reference: { prediction: [50, 50], rsi: [1, 1] }, current: { prediction: [51, 49], rsi: [1, 1] }, referenceRunId: 'r', currentRunId: 'c' },
  'shifted-model:5': { reference: { prediction: [50, 50], rsi: [1, 1] }, current: { prediction: [90, 10], rsi: [1.2, 0.8] }, referenceRunId: 'r', currentRunId: 'c' },
  'broken:1': new Error('no monitoring run in experiment 3'),
};
const distributions = async (model: string, version: string) => {
  const p = pairs[`${model}:${version}`];
  if (!p) throw new Error(`unexpected ${model}:${version}`);
  if (p instanceof Error) throw p;
  return p;
};

beforeAll(async () => {
  db = await startDynalite();
  const n = await db.createTables(['deployments', 'drift_state']);
  deployments = new Table(db.doc, 'deployments', n.deployments);
  drift = new Table(db.doc, 'drift_state', n.drift_state);
  await deployments.put({ strategy: 'stable', deployed_at: '2026-01-01T00:00:00Z', deployment_id: 's1', config_version: 1, model_version: '1', source: 'promote-model' });
  await deployments.put({ strategy: 'stable', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 's2', config_version: 2, model_version: '2', source: 'promote-model' });
  await deployments.put({ strategy: 'shifted', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'x1', config_version: 1, model_name: 'shifted-model', model_version: '5', source: 'promote-model' });
  await deployments.put({ strategy: 'rules-only', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'ro', config_version: 1, source: 'strategy-registrar' });
  await deployments.put({ strategy: '_platform', deployed_at: 'manifest', deployment_id: 'p', config_version: 0, source: 'rollback' });
});
afterAll(() => db.stop());
beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
});

const deps = (over: Partial<Deps> = {}): Deps => ({ deployments, drift, sfn: new SFNClient({ region: 'us-east-1' }), retrainingWorkflowArn: ARN, distributions, threshold: 0.3, now: () => new Date((clock += 60_000)), ...over });

describe('drift-monitor', () => {
  it('records drift for every deployed model and starts retraining only past the threshold', async () => {
    const results = await run({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, deps());
    const by = Object.fromEntries(results.map((r) => [r.strategy, r]));
    expect(Object.keys(by).sort()).toEqual(['shifted', 'stable']);
    expect(by.stable).toMatchObject({ exceeded: false });
    expect(by.shifted).toMatchObject({ exceeded: true, retraining: 'started', executionName: 'drift-shifted-20260301' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: ARN, name: 'drift-shifted-20260301' });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({ strategy: 'shifted', modelName: 'shifted-model', trigger: 'drift', force: false });
    const [rec] = await drift.query('shifted');
    expect(rec).toMatchObject({ retraining_started: true, drift: by.shifted!.drift });
    expect(rec!.model_drift).toBeGreaterThan(0.3);
    expect(rec!.data_drift).toBeLessThan(rec!.model_drift!);
    expect(await drift.query('stable')).toEqual([expect.objectContaining({ retraining_started: false })]);
  });

  it('does not start a second retraining the same day (re-run or duplicate delivery)', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' }));
    const [r] = await run({ strategy: 'shifted' }, deps());
    expect(r).toMatchObject({ retraining: 'already-started', executionName: 'drift-shifted-20260301' });
    expect(await drift.query('shifted')).toHaveLength(2);
  });

  it('keeps measuring the others when one strategy fails, then names the failure', async () => {
    await deployments.put({ strategy: 'broken', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'b1', config_version: 1, model_version: '1', source: 'promote-model' });
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('state machine does not exist'), { name: 'StateMachineDoesNotExist' }));
    await expect(run({}, deps())).rejects.toThrow(/failed for 2 of 3 strategies: broken: no monitoring run in experiment 3; shifted: state machine does not exist/);
    expect(await drift.query('broken')).toEqual([]);
    expect((await drift.query('stable')).length).toBe(2);
    await deployments.put({ strategy: 'broken', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'b1', config_version: 1, source: 'promote-model' });
  });

  it('rejects a malformed event naming the field and writes nothing', async () => {
    const before = (await drift.scan()).length;
    await expect(run({ strategy: 'Bad Name!' }, deps())).rejects.toThrow(/invalid drift-monitor event: strategy:/);
    expect((await drift.scan()).length).toBe(before);
  });
});
