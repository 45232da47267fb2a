import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Table, type DeploymentItem, type DriftItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { captureLogs, importWithLogLevel } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { psi } from './drift.js';
import type { DistributionPair } from './mlflow.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { currentModelDeployments, run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:0:stateMachine:tradai-retraining-dev';
const NOW = new Date('2026-03-01T06:00:00Z');

/** Fake MLflow: "stable" has not moved, "shifted" has, "broken" has no monitoring run. */
const pairs: Record<string, DistributionPair | Error> = {
  'stable:2': { reference: { prediction: [50, 50], rsi: [1, 1] }, current: { prediction: [51, 49], rsi: [1, 1] }, referenceRunId: 'r', currentRunId: 'c' },
  'shifted-model:5': { reference: { prediction: [50, 50], rsi: [1, 1] }, current: { prediction: [90, 10], rsi: [1.2, 0.8] }, referenceRunId: 'r', currentRunId: 'c' },
  'features-only:1': { reference: { rsi: [1, 1], atr: [1, 1] }, current: { rsi: [1, 3], atr: [1, 1.2] }, referenceRunId: 'r', currentRunId: 'c' },
  'prediction-only:1': { reference: { prediction: [1, 1] }, current: { prediction: [1, 2] }, referenceRunId: 'r', currentRunId: 'c' },
  'broken:1': new Error('no monitoring run in experiment 3'),
};
const distributions = async (model: string, version: string) => {
  const p = pairs[`${model}:${version}`];
  if (!p) throw new Error(`unexpected ${model}:${version}`);
  if (p instanceof Error) throw p;
  return p;
};
const SHIFTED_SCORE = psi([50, 50], [90, 10]);

// Each test gets its own dynalite, seeded the same way, and a reset SFN mock.
let db: Dynalite;
let deployments: Table<DeploymentItem>;
let drift: Table<DriftItem>;
beforeEach(async () => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
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
afterEach(() => db.stop());

/** run() from a fresh module whose logger writes INFO (the one imported above is SILENT). */
const loggingRun = async (): Promise<typeof run> => (await importWithLogLevel('INFO', () => import('./run.js'))).run;

const deps = (over: Partial<Deps> = {}): Deps => ({ deployments, drift, sfn: new SFNClient({ region: 'us-east-1' }), retrainingWorkflowArn: ARN, distributions, threshold: 0.3, now: () => NOW, ...over });

describe('drift-monitor', () => {
  it('records drift for every deployed model and starts retraining only past the threshold', async () => {
    const results = await run({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, deps());
    const by = Object.fromEntries(results.map((r) => [r.strategy, r]));
    expect(Object.keys(by).sort()).toEqual(['shifted', 'stable']);
    expect(by.stable).toEqual({ strategy: 'stable', drift: psi([50, 50], [51, 49]), exceeded: false });
    expect(by.shifted).toEqual({ strategy: 'shifted', drift: SHIFTED_SCORE, exceeded: true, retraining: 'started', executionName: 'drift-shifted-20260301' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: ARN, name: 'drift-shifted-20260301' });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({ strategy: 'shifted', modelName: 'shifted-model', trigger: 'drift', force: false });
    expect(await drift.query('shifted')).toEqual([
      { strategy: 'shifted', measured_at: NOW.toISOString(), drift: SHIFTED_SCORE, data_drift: psi([1, 1], [1.2, 0.8]), model_drift: SHIFTED_SCORE, retraining_started: true },
    ]);
    expect(await drift.query('stable')).toEqual([{ strategy: 'stable', measured_at: NOW.toISOString(), drift: by.stable!.drift, data_drift: 0, model_drift: by.stable!.drift, retraining_started: false }]);
    expect(await drift.query('rules-only')).toEqual([]);
  });

  it.each([
    ['at the threshold: not started', SHIFTED_SCORE, false],
    ['just below the score: started', SHIFTED_SCORE - 1e-9, true],
  ])('compares the score with the threshold strictly (%s)', async (_, threshold, started) => {
    const [r] = await run({ strategy: 'shifted' }, deps({ threshold }));
    expect(r!.exceeded).toBe(started);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, started ? 1 : 0);
    expect((await drift.query('shifted'))[0]!.retraining_started).toBe(started);
  });

  it('records only the drift kinds a model logged: data drift without a prediction, model drift without features', async () => {
    await deployments.put({ strategy: 'features', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'f1', config_version: 1, model_name: 'features-only', model_version: '1', source: 'promote-model' });
    await deployments.put({ strategy: 'predicts', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'p1', config_version: 1, model_name: 'prediction-only', model_version: '1', source: 'promote-model' });
    await run({ strategy: 'features' }, deps({ threshold: 1 }));
    await run({ strategy: 'predicts' }, deps({ threshold: 1 }));
    const [f] = await drift.query('features');
    // The largest feature PSI (rsi) is both the score and the data drift.
    expect(f).toEqual({ strategy: 'features', measured_at: NOW.toISOString(), drift: psi([1, 1], [1, 3]), data_drift: psi([1, 1], [1, 3]), retraining_started: false });
    expect(f!.drift).toBeGreaterThan(psi([1, 1], [1, 1.2]));
    expect(await drift.query('predicts')).toEqual([{ strategy: 'predicts', measured_at: NOW.toISOString(), drift: psi([1, 1], [1, 2]), model_drift: psi([1, 1], [1, 2]), retraining_started: false }]);
  });

  it('does not start a second retraining the same day (re-run or duplicate delivery), and still marks the measurement', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' }));
    const [r] = await run({ strategy: 'shifted' }, deps());
    expect(r).toEqual({ strategy: 'shifted', drift: SHIFTED_SCORE, exceeded: true, retraining: 'already-started', executionName: 'drift-shifted-20260301' });
    expect(await drift.query('shifted')).toEqual([expect.objectContaining({ retraining_started: true })]);
  });

  it('measures only the strategy an invocation names', async () => {
    const results = await run({ strategy: 'stable' }, deps());
    expect(results.map((r) => r.strategy)).toEqual(['stable']);
    expect(await drift.query('shifted')).toEqual([]);
    expect(await run({ strategy: 'rules-only' }, deps())).toEqual([]);
  });

  it('keeps measuring the others when one strategy fails, then names each failure', async () => {
    await deployments.put({ strategy: 'broken', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'b1', config_version: 1, model_version: '1', source: 'promote-model' });
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('state machine does not exist'), { name: 'StateMachineDoesNotExist' }));
    const logged = await loggingRun();
    const logs = await captureLogs(() => expect(logged({}, deps())).rejects.toThrow('drift-monitor failed for 2 of 3 strategies: broken: no monitoring run in experiment 3; shifted: state machine does not exist'));
    // Each failure is logged with its strategy and error as it happens; the run's results are logged at the end.
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'drift measurement failed', service: 'drift-monitor', strategy: 'broken', error: expect.objectContaining({ message: 'no monitoring run in experiment 3' }) }),
      expect.objectContaining({ message: 'drift measurement failed', strategy: 'shifted', error: expect.objectContaining({ name: 'StateMachineDoesNotExist' }) }),
    ]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'drift measured', results: [expect.objectContaining({ strategy: 'stable', exceeded: false })] }));
    expect(await drift.query('broken')).toEqual([]);
    expect(await drift.query('stable')).toHaveLength(1);
    // The measurement is kept, not marked: the next run starts the retraining again.
    expect(await drift.query('shifted')).toEqual([expect.objectContaining({ retraining_started: false })]);
  });

  it('rejects a malformed event naming the field and writes nothing', async () => {
    await expect(run({ strategy: 'Bad Name!' }, deps())).rejects.toThrow(/invalid drift-monitor event: strategy:/);
    expect(await drift.scan()).toEqual([]);
  });
});

describe('currentModelDeployments', () => {
  const dep = (strategy: string, deployed_at: string, model_version?: string): DeploymentItem => ({ strategy, deployed_at, deployment_id: `${strategy}-${deployed_at}`, config_version: 1, source: 'promote-model', ...(model_version ? { model_version } : {}) });

  it('takes the newest deployment of each strategy, in any order', () => {
    const all = [dep('a', '2026-02-01', '2'), dep('a', '2026-01-01', '1'), dep('a', '2026-03-01', '3'), dep('a', '2026-01-15', '1b')];
    expect(currentModelDeployments(all).map((d) => d.model_version)).toEqual(['3']);
  });

  it('skips a strategy whose newest deployment serves no model, and partitions that are not strategies', () => {
    const all = [dep('a', '2026-01-01', '1'), dep('a', '2026-02-01'), dep('_platform', '2026-02-01', '9'), dep('9lives', '2026-02-01', '4')];
    expect(currentModelDeployments(all).map((d) => d.strategy)).toEqual(['9lives']);
  });
});
