/**
 * The retraining workflow end to end: the rendered state machine executed locally, with the real
 * check-retraining-needed, update-status, validate-strategy, compare-models, promote-model and
 * deployment-verifier handlers against dynalite, fauxqs and the fake MLflow registry, and a local
 * training container that registers a new model version the way the strategy image does in train
 * mode.
 */
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getResourceName } from '@tradai/infra-shared';
import { tableFromEnv, type DeploymentItem, type DriftItem, type RetrainingItem, type RollbackItem, type Table, type TradingItem } from '@tradai/domain';
import { fakeContext } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderFixtureWorkflow } from '../../../infra/compute/test-support.js';
import { startLocalPlatform, type LocalPlatform } from './local-platform.js';
import { runWorkflow, type ContainerRun, type LambdaHandler, type StrategyContainer } from './runner.js';
import type { WorkflowHandlerName } from './handlers.js';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE = `000000000000.dkr.ecr.us-east-1.amazonaws.com/tradai/strategy-momentum@${DIGEST}`;
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

/** The strategy image in train mode: logs a run with `sharpe` and registers it as the next version. */
function trainingContainer(sharpe: number, after?: () => void): StrategyContainer {
  return ({ env }: ContainerRun) => {
    expect(env).toMatchObject({ MODE: 'train', STRATEGY: 'momentum' });
    expect(env['RETRAINING_STARTED_AT']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const versions = (platform.mlflow.state.models['momentum'] ??= []);
    const version = String(versions.length + 1);
    platform.mlflow.state.runs[`run-${version}`] = { sharpe };
    versions.push({ version, run_id: `run-${version}` });
    after?.();
  };
}

const run = (name: string, container: StrategyContainer, input: Record<string, unknown> = { strategy: 'momentum', trigger: 'drift' }) =>
  runWorkflow(definition, input, { lambdas, container, executionName: name });

beforeAll(async () => {
  platform = await startLocalPlatform({
    models: { momentum: [{ version: '1', run_id: 'run-1' }] },
    aliases: { momentum: { champion: '1' } },
    runs: { 'run-1': { sharpe: 1.2 } },
  });
  lambdas = {};
  for (const name of ['check-retraining-needed', 'update-status', 'validate-strategy', 'compare-models', 'promote-model'] as const) {
    lambdas[name] = (await platform.handler(name)) as LambdaHandler;
  }
  const verifier = (await platform.handler('deployment-verifier')) as LambdaHandler;
  // The Wait states take no time locally; the verifier (alone) sees the clock they would have moved.
  lambdas['deployment-verifier'] = async (event, context) => {
    if (liveDrawdown !== undefined) {
      const { deploymentId } = event as { deploymentId: string };
      await bots.put({ bot_id: 'live-momentum-1', strategy: 'momentum', mode: 'live', deployment_id: deploymentId, last_heartbeat_at: new Date().toISOString(), max_drawdown: liveDrawdown });
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

  // momentum drifted past DRIFT_THRESHOLD (0.3); calm has low drift and a model promoted two days ago.
  const now = Date.now();
  await drift.put({ strategy: 'momentum', measured_at: new Date(now - HOUR).toISOString(), drift: 0.41 });
  await drift.put({ strategy: 'calm', measured_at: new Date(now - HOUR).toISOString(), drift: 0.05 });
  const twoDaysAgo = new Date(now - 48 * HOUR).toISOString();
  await retraining.put({ strategy: 'calm', started_at: twoDaysAgo, status: 'PROMOTED', completed_at: twoDaysAgo });

  await platform.fx.s3.send(new PutObjectCommand({ Bucket: platform.buckets.configs, Key: 'momentum/v1.json', Body: JSON.stringify({ strategy: 'momentum', parameters: {} }) }));
  await platform.configVersions.append({ strategy: 'momentum', config_key: 'momentum/v1.json', image: IMAGE, created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' });
});
afterAll(async () => {
  await platform.stop();
});
beforeEach(async () => {
  ecr.reset();
  ecr.on(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momentum' }).resolves({ imageDetails: [{ imageDigest: DIGEST }] });
  platform.mlflow.state.failWith = undefined;
  waited = 0;
  verifications = [];
  liveDrawdown = undefined;
  await platform.alerts();
});

// One history, in order: model v2 promoted (config v2) and verified, v3 rejected, v4 promoted
// (config v3) and rolled back (config v4 restores v2).
describe('retraining workflow (rendered ASL, real handlers, local AWS, fake MLflow)', () => {
  it('skips without a workflow record when drift is low and the model is fresh', async () => {
    const r = await run('rt-calm-1', () => expect.fail('no training should start'), { strategy: 'calm', trigger: 'schedule' });
    expect(r.error).toBeUndefined();
    expect(r.path).toEqual(['Start', 'CheckRetrainingNeeded', 'RetrainingNeeded', 'SkipRetraining']);
    const [decision] = await retraining.query('calm', { newestFirst: true, limit: 1 });
    expect(decision).toMatchObject({ status: 'SKIPPED', workflow_id: 'rt-calm-1', reasons: ['drift 0.05 <= threshold 0.3', expect.stringMatching(/^model age 2 d <= max 30 d$/)] });
    expect(await platform.workflows.get('rt-calm-1')).toBeUndefined();
    expect(await platform.alerts()).toEqual([]);
  });

  it('promotes a better candidate: new config version, deployment, champion alias, SUCCEEDED, then verified', async () => {
    // The live bot runs the new deployment with a healthy drawdown while it is verified.
    liveDrawdown = 0.01;
    const r = await run('rt-momentum-1', trainingContainer(1.5));
    expect(r.error).toBeUndefined();
    const polls = Array.from({ length: verifications.length }, () => ['WaitForVerification', 'VerifyDeployment', 'VerdictFinal']).flat();
    expect(r.path).toEqual([
      'Start', 'CheckRetrainingNeeded', 'RetrainingNeeded', 'MarkRunning', 'ResolveStrategy', 'PrepareTrainingTask',
      'RunTraining', 'CompareModels', 'PromoteOrReject', 'PromoteModel', 'MarkSucceeded', 'Promoted', ...polls, 'Done',
    ]);
    // Pending at 5, 10, ... 25 minutes into the 30-minute window, verified at 30.
    expect(verifications.map((v) => v.verdict)).toEqual([...Array<string>(5).fill('pending'), 'verified']);
    expect(r.containers.map((c) => c.image)).toEqual([IMAGE]);
    expect(r.output).toMatchObject({ outcome: { outcome: 'promoted', modelVersion: '2', configVersion: 2 } });

    const [record] = await retraining.query('momentum', { newestFirst: true, limit: 1 });
    expect(record).toMatchObject({
      status: 'PROMOTED', workflow_id: 'rt-momentum-1', reasons: ['drift 0.41 > threshold 0.3', 'no trained model on record'],
      decision: 'promote', candidate_version: '2', candidate_metric: 1.5, champion_version: '1', champion_metric: 1.2,
    });
    const latest = await platform.configVersions.latest('momentum');
    expect(latest).toMatchObject({ version: 2, image: IMAGE, model_name: 'momentum', model_version: '2', source: 'promote-model', deployment_id: record!.deployment_id });
    expect(await deployments.latest('momentum')).toMatchObject({ deployment_id: record!.deployment_id, config_version: 2, model_version: '2', status: 'verified' });
    expect(verifications.every((v) => v.deploymentId === record!.deployment_id)).toBe(true);
    expect(platform.mlflow.state.aliases['momentum']).toEqual({ champion: '2' });
    expect(platform.mlflow.state.models['momentum']![1]!.tags).toEqual({ tradai_deployment_id: record!.deployment_id });

    // Retraining runs have no QUEUED record: the first status creates it.
    expect(await platform.workflows.get('rt-momentum-1')).toMatchObject({ workflow_type: 'retraining', status: 'SUCCEEDED', strategy: 'momentum' });
    expect((await platform.alerts()).map((a) => [a.type, a.details?.['previousStatus']])).toEqual([
      ['workflow.running', 'QUEUED'],
      ['workflow.succeeded', 'RUNNING'],
    ]);
  });

  it('rejects a worse candidate: champion and config untouched, run recorded REJECTED, workflow SUCCEEDED', async () => {
    const r = await run('rt-momentum-2', trainingContainer(0.9));
    expect(r.path.slice(-5)).toEqual(['PromoteOrReject', 'RecordRejected', 'MarkSucceeded', 'Promoted', 'Done']);
    expect(r.invoked).not.toContain('promote-model');
    expect(r.invoked).not.toContain('deployment-verifier');
    expect(r.output).toMatchObject({ outcome: { outcome: 'rejected', candidateVersion: '3' } });
    const [record] = await retraining.query('momentum', { newestFirst: true, limit: 1 });
    expect(record).toMatchObject({ status: 'REJECTED', workflow_id: 'rt-momentum-2', decision: 'reject', candidate_version: '3', champion_version: '2' });
    expect(platform.mlflow.state.aliases['momentum']).toEqual({ champion: '2' });
    expect((await platform.configVersions.latest('momentum'))!.version).toBe(2);
    expect((await platform.workflows.get('rt-momentum-2'))!.status).toBe('SUCCEEDED');
  });

  it('a promoted model that regresses live is rolled back by the verifier: previous config restored', async () => {
    const before = await deployments.latest('momentum');
    expect(before).toMatchObject({ status: 'verified', config_version: 2 });
    liveDrawdown = 0.12;
    const r = await run('rt-momentum-regress', trainingContainer(2.5));
    expect(r.error).toBeUndefined();
    expect(r.path.slice(-5)).toEqual(['Promoted', 'WaitForVerification', 'VerifyDeployment', 'VerdictFinal', 'Done']);
    expect(verifications.map((v) => v.verdict)).toEqual(['regressed']);
    const promoted = verifications[0]!.deploymentId;

    // rollback (real handler) marked the bad deployment, restored v2's content as v4 and a deployment on it.
    const history = await deployments.query('momentum');
    expect(history.find((d) => d.deployment_id === promoted)).toMatchObject({ status: 'rolled_back', config_version: 3 });
    const restored = (await deployments.latest('momentum'))!;
    expect(restored).toMatchObject({ source: 'rollback', restored_deployment_id: before!.deployment_id, previous_deployment_id: promoted, config_version: 4 });
    expect(await platform.configVersions.latest('momentum')).toMatchObject({ version: 4, source: 'rollback', restored_from: 2, model_version: '2' });
    const [record] = await rollbacks.query('momentum', { newestFirst: true, limit: 1 });
    expect(record).toMatchObject({ status: 'COMPLETED', requested_by: 'deployment-verifier', from_deployment_id: promoted, to_deployment_id: before!.deployment_id });
    expect(record!.reason).toContain('drawdown 12.00%');
    // The champion alias follows the model that trades again, so the next candidate is judged against it.
    expect(platform.mlflow.state.aliases['momentum']).toEqual({ champion: '2' });
    // The run itself succeeded; the rollback is announced separately.
    expect((await platform.workflows.get('rt-momentum-regress'))!.status).toBe('SUCCEEDED');
    expect((await platform.alerts()).map((a) => a.type)).toEqual(['workflow.running', 'workflow.succeeded', 'deployment.rollback']);
  });

  it('an MLflow outage during the comparison ends FAILED with the error recorded and nothing promoted', async () => {
    const champion = { ...platform.mlflow.state.aliases['momentum'] };
    const configVersion = (await platform.configVersions.latest('momentum'))!.version;
    const r = await run('rt-momentum-3', trainingContainer(2.0, () => (platform.mlflow.state.failWith = 503)));
    expect(r.path.slice(-3)).toEqual(['CompareModels', 'NotifyFailure', 'RetrainingFailed']);
    expect(r.error?.name).toBe('RetrainingFailed');
    const item = await platform.workflows.get('rt-momentum-3');
    expect(item).toMatchObject({ workflow_type: 'retraining', status: 'FAILED' });
    expect(item!.error).toContain('503');
    expect(platform.mlflow.state.aliases['momentum']).toEqual(champion);
    expect((await platform.configVersions.latest('momentum'))!.version).toBe(configVersion);
    expect((await platform.alerts()).map((a) => [a.type, a.severity])).toEqual([
      ['workflow.running', 'info'],
      ['workflow.failed', 'critical'],
    ]);
  });
});
