/**
 * The retraining workflow end to end: the rendered state machine executed locally, with the real
 * check-retraining-needed, update-status, validate-strategy, compare-models, promote-model and
 * deployment-verifier handlers against dynalite, fauxqs and the fake MLflow registry, and the real
 * strategy image in train mode (the ml-classifier project's task entrypoint, in-process): it trains
 * on the candles stored in the arcticdb bucket, logs its run and registers the candidate version.
 */
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getResourceName } from '@tradai/infra-shared';
import { distributionsFromMetrics, tableFromEnv, type DeploymentItem, type DriftItem, type RetrainingItem, type RollbackItem, type Table, type TradingItem } from '@tradai/domain';
import { fakeContext } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderFixtureWorkflow } from '../../../infra/compute/test-support.js';
import { startLocalPlatform, type LocalPlatform } from '../../../apps/platform/src/local-platform.js';
import { runWorkflow, type ContainerRun, type LambdaHandler, type StrategyContainer } from '../../../apps/platform/src/runner.js';
import type { WorkflowHandlerName } from '../../../apps/platform/src/handlers.js';
import { STRATEGY_IMAGES, strategyContainer, strategyImage, writeCandles } from '../../../apps/platform/src/strategy-image.js';
import { resetMlflow } from './test-support.js';

const STRATEGY = 'ml-classifier';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE = strategyImage(STRATEGY, DIGEST);
/** Days of hourly candles the strategy's training section asks for. */
const LOOKBACK_DAYS = 14;
const definition = renderFixtureWorkflow('retraining');
const POLL_MS = Number(definition.States['WaitForVerification']!['Seconds']) * 1000;
const ecr = mockClient(ECRClient);
// deployment-verifier invokes rollback synchronously: answered by the real rollback handler, in-process.
const lambdaApi = mockClient(LambdaClient);
const HOUR = 3_600_000;

let platform: LocalPlatform;
let lambdas: Partial<Record<WorkflowHandlerName, LambdaHandler>>;
let drift: Table<DriftItem>;
let retraining: Table<RetrainingItem>;
let deployments: Table<DeploymentItem>;
let bots: Table<TradingItem>;
let rollbacks: Table<RollbackItem>;
/** How far the verifier's clock is ahead: each WaitForVerification lets its Seconds pass. */
let waited = 0;
let verifications: { deploymentId: string; verdict: string }[] = [];
/** When set, a live bot runs the deployment under verification and reports this drawdown. */
let liveDrawdown: number | undefined;

/** What the training run registered: the candidate's version and the sharpe it logged. */
interface Candidate {
  readonly version: string;
  readonly sharpe: number;
}

/** The real strategy image (set in beforeAll). */
let image: StrategyContainer;

/**
 * The strategy image in train mode; `after` sees the candidate it registered. Every run trains on
 * nearly the same candles (the window ends when the run starts), so a case fixes its decision by
 * setting the champion's score relative to the candidate's real one ({@link setChampionSharpe}).
 */
function trainingContainer(after?: (candidate: Candidate) => void): StrategyContainer {
  return async (r: ContainerRun) => {
    expect(r.env).toMatchObject({ MODE: 'train', STRATEGY });
    expect(r.env['RETRAINING_STARTED_AT']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await image(r);
    const v = platform.mlflow.state.models[STRATEGY]!.at(-1)!;
    after?.({ version: v.version, sharpe: platform.mlflow.state.runs[v.run_id]!['sharpe']! });
  };
}

/** Sets the logged sharpe of the run behind the champion alias; returns it. */
function setChampionSharpe(sharpe: number): number {
  const champion = platform.mlflow.state.aliases[STRATEGY]!['champion']!;
  const v = platform.mlflow.state.models[STRATEGY]!.find((m) => m.version === champion)!;
  platform.mlflow.state.runs[v.run_id]!['sharpe'] = sharpe;
  return sharpe;
}

const run = (name: string, container: StrategyContainer, input: Record<string, unknown> = { strategy: STRATEGY, trigger: 'drift' }) =>
  runWorkflow(definition, input, { lambdas, container, executionName: name });

/** The registry every test starts from: model v1, the champion, with its run's sharpe. */
const REGISTRY = {
  models: { [STRATEGY]: [{ version: '1', run_id: 'run-1' }] },
  aliases: { [STRATEGY]: { champion: '1' } },
  runs: { 'run-1': { sharpe: 1.2 } },
};

beforeAll(async () => {
  platform = await startLocalPlatform(structuredClone(REGISTRY));
  lambdas = {};
  for (const name of ['check-retraining-needed', 'update-status', 'validate-strategy', 'compare-models', 'promote-model'] as const) {
    lambdas[name] = (await platform.handler(name)) as LambdaHandler;
  }
  const verifier = (await platform.handler('deployment-verifier')) as LambdaHandler;
  // The Wait states take no time locally; the verifier (alone) sees the clock they would have moved.
  lambdas['deployment-verifier'] = async (event, context) => {
    if (liveDrawdown !== undefined) {
      const { deploymentId } = event as { deploymentId: string };
      await bots.put({ bot_id: 'live-ml-classifier-1', strategy: STRATEGY, mode: 'live', deployment_id: deploymentId, last_heartbeat_at: new Date().toISOString(), max_drawdown: liveDrawdown });
    }
    waited += POLL_MS;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + waited });
    try {
      const out = (await verifier(event, context)) as { deploymentId: string; verdict: { kind: string } };
      verifications.push({ deploymentId: out.deploymentId, verdict: out.verdict.kind });
      return out;
    } finally {
      vi.useRealTimers();
    }
  };
  const env = platform.db.tableEnv();
  drift = tableFromEnv(platform.db.doc, 'drift_state', env);
  retraining = tableFromEnv(platform.db.doc, 'retraining_state', env);
  deployments = tableFromEnv(platform.db.doc, 'deployments', env);
  bots = tableFromEnv(platform.db.doc, 'trading_state', env);
  rollbacks = tableFromEnv(platform.db.doc, 'rollback_state', env);
  const rollback = (await platform.handler('rollback')) as LambdaHandler;
  lambdaApi.on(InvokeCommand).callsFake(async (input: { FunctionName: string; Payload: Uint8Array }) => {
    if (input.FunctionName !== getResourceName('rollback', 'dev')) throw Object.assign(new Error(`Function not found: ${input.FunctionName}`), { name: 'ResourceNotFoundException' });
    const event = JSON.parse(new TextDecoder().decode(input.Payload)) as unknown;
    try {
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(await rollback(event, fakeContext()))) };
    } catch (err) {
      const e = err as Error;
      return { StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode(JSON.stringify({ errorType: e.name, errorMessage: e.message })) };
    }
  });

  // The registered strategy: its config declares the parameters and what train mode trains on.
  image = strategyContainer(platform);
  const { default: strategy } = await STRATEGY_IMAGES[STRATEGY]();
  const config = { strategy: STRATEGY, parameters: strategy.parameters, training: { symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1h', lookbackDays: LOOKBACK_DAYS } };
  await platform.fx.s3.send(new PutObjectCommand({ Bucket: platform.buckets.configs, Key: `${STRATEGY}/v1.json`, Body: JSON.stringify(config) }));
  // Hourly candles up to now (and a little past, should a run start in the next hour). Read only.
  await writeCandles(platform, ['BTC/USDT', 'ETH/USDT'], '1h', Date.now() - (LOOKBACK_DAYS + 2) * 24 * HOUR, (LOOKBACK_DAYS + 2) * 24 + 3);
});
afterAll(async () => {
  await platform.stop();
});
// Every test starts from the same platform: empty tables but for the records below, the registry
// holding only the v1 champion, no alerts. A test that needs a history (a verified deployment to
// roll back to) makes it itself, so any test can run alone or in any order.
beforeEach(async () => {
  ecr.reset();
  ecr.on(DescribeImagesCommand, { repositoryName: `tradai/strategy-${STRATEGY}` }).resolves({ imageDetails: [{ imageDigest: DIGEST }] });
  resetMlflow(platform.mlflow.state, REGISTRY);
  // Empty tables under the same names (the handlers were loaded with them).
  await platform.db.resetTables();
  waited = 0;
  verifications = [];
  liveDrawdown = undefined;
  await platform.alerts();

  // ml-classifier drifted past DRIFT_THRESHOLD (0.3); calm has low drift and a model promoted two days ago.
  const now = Date.now();
  await drift.put({ strategy: STRATEGY, measured_at: new Date(now - HOUR).toISOString(), drift: 0.41 });
  await drift.put({ strategy: 'calm', measured_at: new Date(now - HOUR).toISOString(), drift: 0.05 });
  const twoDaysAgo = new Date(now - 48 * HOUR).toISOString();
  await retraining.put({ strategy: 'calm', started_at: twoDaysAgo, status: 'PROMOTED', completed_at: twoDaysAgo });
  // Config v1 of the registered strategy (strategy-registrar's record).
  await platform.configVersions.append({ strategy: STRATEGY, config_key: `${STRATEGY}/v1.json`, image: IMAGE, created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' });
});

/** Runs a retraining whose candidate beats the champion, verified healthy live: model v2, config v2, a verified deployment. */
async function promoteVerified(name: string) {
  liveDrawdown = 0.01;
  const r = await run(name, trainingContainer((c) => setChampionSharpe(c.sharpe - 1)));
  expect(r.error, `the run failed: ${JSON.stringify(r.error)}`).toBeUndefined();
  expect(verifications.at(-1)?.verdict).toBe('verified');
  const deployment = await deployments.latest(STRATEGY);
  expect(deployment).toMatchObject({ status: 'verified', config_version: 2, model_version: '2' });
  // What the test itself does next starts from here.
  waited = 0;
  verifications = [];
  liveDrawdown = undefined;
  await platform.alerts();
  return deployment!;
}

describe('retraining workflow (rendered ASL, real handlers, local AWS, fake MLflow)', () => {
  it('skips without a workflow record when drift is low and the model is fresh', async () => {
    const r = await run('rt-calm-1', () => expect.fail('no training should start'), { strategy: 'calm', trigger: 'schedule' });
    expect(r.error, `the run failed: ${JSON.stringify(r.error)}`).toBeUndefined();
    expect(r.path).toEqual(['Start', 'CheckRetrainingNeeded', 'RetrainingNeeded', 'SkipRetraining']);
    const [decision] = await retraining.query('calm', { newestFirst: true, limit: 1 });
    expect(decision).toMatchObject({ status: 'SKIPPED', workflow_id: 'rt-calm-1', reasons: ['drift 0.05 <= threshold 0.3', expect.stringMatching(/^model age 2 d <= max 30 d$/)] });
    expect(await platform.workflows.get('rt-calm-1')).toBeUndefined();
    expect(await platform.alerts()).toEqual([]);
  });

  it('promotes a better candidate: new config version, deployment, champion alias, SUCCEEDED, then verified', async () => {
    // The live bot runs the new deployment with a healthy drawdown while it is verified.
    liveDrawdown = 0.01;
    let candidate: Candidate | undefined;
    let championSharpe = NaN;
    const r = await run(
      'rt-ml-1',
      trainingContainer((c) => {
        candidate = c;
        championSharpe = setChampionSharpe(c.sharpe - 1);
      }),
    );
    expect(r.error, `the run failed: ${JSON.stringify(r.error)}`).toBeUndefined();
    const polls = Array.from({ length: verifications.length }, () => ['WaitForVerification', 'VerifyDeployment', 'VerdictFinal']).flat();
    expect(r.path).toEqual([
      'Start', 'CheckRetrainingNeeded', 'RetrainingNeeded', 'MarkRunning', 'ResolveStrategy', 'PrepareTrainingTask',
      'RunTraining', 'CompareModels', 'PromoteOrReject', 'PromoteModel', 'MarkSucceeded', 'Promoted', ...polls, 'Done',
    ]);
    // Pending at 5, 10, ... 25 minutes into the 30-minute window, verified at 30.
    expect(verifications.map((v) => v.verdict)).toEqual([...Array<string>(5).fill('pending'), 'verified']);
    expect(r.containers.map((c) => c.image)).toEqual([IMAGE]);
    expect(r.output).toMatchObject({ outcome: { outcome: 'promoted', modelVersion: '2', configVersion: 2 } });

    const [record] = await retraining.query(STRATEGY, { newestFirst: true, limit: 1 });
    expect(record).toMatchObject({
      status: 'PROMOTED', workflow_id: 'rt-ml-1', reasons: ['drift 0.41 > threshold 0.3', 'no trained model on record'],
      decision: 'promote', candidate_version: '2', candidate_metric: candidate!.sharpe, champion_version: '1', champion_metric: championSharpe,
    });
    // The candidate's run carries what drift-monitor compares: every model feature and the prediction, in bins.
    const { default: strategy } = await STRATEGY_IMAGES[STRATEGY]();
    const candidateRun = platform.mlflow.state.models[STRATEGY]![1]!.run_id;
    const bins = distributionsFromMetrics(platform.mlflow.state.runs[candidateRun]!, candidateRun);
    expect(Object.keys(bins).sort()).toEqual([...strategy.features, 'prediction'].sort());
    expect(platform.mlflow.state.runInfo![candidateRun]).toMatchObject({ status: 'FINISHED', tags: { 'tradai.run_type': 'training', 'tradai.workflow_id': 'rt-ml-1' } });
    expect(platform.mlflow.state.models[STRATEGY]![1]!.source).toMatch(new RegExp(`^s3://${platform.buckets.mlflow}/artifacts/`));
    const latest = await platform.configVersions.latest(STRATEGY);
    expect(latest).toMatchObject({ version: 2, image: IMAGE, model_name: STRATEGY, model_version: '2', source: 'promote-model', deployment_id: record!.deployment_id });
    expect(await deployments.latest(STRATEGY)).toMatchObject({ deployment_id: record!.deployment_id, config_version: 2, model_version: '2', status: 'verified' });
    expect(verifications.every((v) => v.deploymentId === record!.deployment_id)).toBe(true);
    expect(platform.mlflow.state.aliases[STRATEGY]).toEqual({ champion: '2' });
    expect(platform.mlflow.state.models[STRATEGY]![1]!.tags).toEqual({ tradai_deployment_id: record!.deployment_id });

    // Retraining runs have no QUEUED record: the first status creates it.
    expect(await platform.workflows.get('rt-ml-1')).toMatchObject({ workflow_type: 'retraining', status: 'SUCCEEDED', strategy: STRATEGY });
    expect((await platform.alerts()).map((a) => [a.type, a.details?.['previousStatus']])).toEqual([
      ['workflow.running', 'QUEUED'],
      ['workflow.succeeded', 'RUNNING'],
    ]);
  });

  it('rejects a worse candidate: champion and config untouched, run recorded REJECTED, workflow SUCCEEDED', async () => {
    const r = await run('rt-ml-2', trainingContainer((c) => setChampionSharpe(c.sharpe + 1)));
    expect(r.path.slice(-5)).toEqual(['PromoteOrReject', 'RecordRejected', 'MarkSucceeded', 'Promoted', 'Done']);
    expect(r.invoked).not.toContain('promote-model');
    expect(r.invoked).not.toContain('deployment-verifier');
    expect(r.output).toMatchObject({ outcome: { outcome: 'rejected', candidateVersion: '2' } });
    const [record] = await retraining.query(STRATEGY, { newestFirst: true, limit: 1 });
    expect(record).toMatchObject({ status: 'REJECTED', workflow_id: 'rt-ml-2', decision: 'reject', candidate_version: '2', champion_version: '1' });
    expect(platform.mlflow.state.aliases[STRATEGY]).toEqual({ champion: '1' });
    expect((await platform.configVersions.latest(STRATEGY))!.version).toBe(1);
    expect(await deployments.latest(STRATEGY)).toBeUndefined();
    expect((await platform.workflows.get('rt-ml-2'))!.status).toBe('SUCCEEDED');
  });

  it('a promoted model that regresses live is rolled back by the verifier: previous config restored', async () => {
    // Given: model v2 promoted and verified (config v2). Then model v3 is promoted (config v3) and regresses.
    const before = await promoteVerified('rt-ml-regress-given');
    liveDrawdown = 0.12;
    const r = await run('rt-ml-regress', trainingContainer((c) => setChampionSharpe(c.sharpe - 1)));
    expect(r.error, `the run failed: ${JSON.stringify(r.error)}`).toBeUndefined();
    expect(r.path.slice(-5)).toEqual(['Promoted', 'WaitForVerification', 'VerifyDeployment', 'VerdictFinal', 'Done']);
    expect(verifications.map((v) => v.verdict)).toEqual(['regressed']);
    const promoted = verifications[0]!.deploymentId;

    // rollback (real handler) marked the bad deployment, restored v2's content as v4 and a deployment on it.
    const history = await deployments.query(STRATEGY);
    expect(history.find((d) => d.deployment_id === promoted)).toMatchObject({ status: 'rolled_back', config_version: 3 });
    const restored = (await deployments.latest(STRATEGY))!;
    expect(restored).toMatchObject({ source: 'rollback', restored_deployment_id: before!.deployment_id, previous_deployment_id: promoted, config_version: 4 });
    expect(await platform.configVersions.latest(STRATEGY)).toMatchObject({ version: 4, source: 'rollback', restored_from: 2, model_version: '2' });
    const [record] = await rollbacks.query(STRATEGY, { newestFirst: true, limit: 1 });
    expect(record).toMatchObject({ status: 'COMPLETED', requested_by: 'deployment-verifier', from_deployment_id: promoted, to_deployment_id: before!.deployment_id });
    expect(record!.reason).toContain('drawdown 12.00%');
    // The champion alias follows the model that trades again, so the next candidate is judged against it.
    expect(platform.mlflow.state.aliases[STRATEGY]).toEqual({ champion: '2' });
    // The run itself succeeded; the rollback is announced separately.
    expect((await platform.workflows.get('rt-ml-regress'))!.status).toBe('SUCCEEDED');
    expect((await platform.alerts()).map((a) => a.type)).toEqual(['workflow.running', 'workflow.succeeded', 'deployment.rollback']);
  });

  it('an MLflow outage during the comparison ends FAILED with the error recorded and nothing promoted', async () => {
    const champion = { ...platform.mlflow.state.aliases[STRATEGY] };
    const configVersion = (await platform.configVersions.latest(STRATEGY))!.version;
    const r = await run('rt-ml-3', trainingContainer(() => (platform.mlflow.state.failWith = 503)));
    expect(r.path.slice(-3)).toEqual(['CompareModels', 'NotifyFailure', 'RetrainingFailed']);
    expect(r.error?.name).toBe('RetrainingFailed');
    const item = await platform.workflows.get('rt-ml-3');
    expect(item).toMatchObject({ workflow_type: 'retraining', status: 'FAILED' });
    expect(item!.error).toContain('503');
    expect(platform.mlflow.state.aliases[STRATEGY]).toEqual(champion);
    expect((await platform.configVersions.latest(STRATEGY))!.version).toBe(configVersion);
    expect((await platform.alerts()).map((a) => [a.type, a.severity])).toEqual([
      ['workflow.running', 'info'],
      ['workflow.failed', 'critical'],
    ]);
  });

  it('a training window without stored candles ends FAILED with the one-line cause from the strategy task', async () => {
    // A config version asking for 60 days of history; the arcticdb bucket holds about 16.
    const { default: strategy } = await STRATEGY_IMAGES[STRATEGY]();
    const config = { strategy: STRATEGY, parameters: strategy.parameters, training: { symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 60 } };
    await platform.fx.s3.send(new PutObjectCommand({ Bucket: platform.buckets.configs, Key: `${STRATEGY}/long.json`, Body: JSON.stringify(config) }));
    const current = (await platform.configVersions.latest(STRATEGY))!;
    await platform.configVersions.append({ ...current, config_key: `${STRATEGY}/long.json`, created_at: new Date().toISOString(), source: 'strategy-registrar' });
    const versions = platform.mlflow.state.models[STRATEGY]!.length;
    const r = await run('rt-ml-nodata', trainingContainer());
    expect(r.path.slice(-3)).toEqual(['RunTraining', 'NotifyFailure', 'RetrainingFailed']);
    const item = await platform.workflows.get('rt-ml-nodata');
    expect(item).toMatchObject({ workflow_type: 'retraining', status: 'FAILED' });
    expect(item!.error).toContain('"ExitCode":1');
    expect(item!.error).toMatch(/NotFoundError: missing candles: binance BTC\/USDT 1h covers .* of /);
    expect(platform.mlflow.state.models[STRATEGY]).toHaveLength(versions);
  });
});
