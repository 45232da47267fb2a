/**
 * The backtest workflow end to end: an SQS request through the real backtest-consumer, the
 * rendered state machine executed locally, the real validate-strategy / update-status /
 * consume-results handlers against dynalite and fauxqs, and a local strategy container that
 * writes its result file where the task definition tells it to.
 */
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { BacktestResultFile } from '@tradai/domain';
import { fakeContext, sqsEvent, sqsRecord } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderFixtureWorkflow } from '../../../infra/compute/test-support.js';
import type { WORKFLOW_HANDLERS } from './handlers.js';
import { startLocalPlatform, type LocalPlatform } from './local-platform.js';
import { ContainerExit, runWorkflow, type ContainerRun, type LambdaHandler, type StrategyContainer } from './runner.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const IMAGE = `000000000000.dkr.ecr.us-east-1.amazonaws.com/tradai/strategy-momentum@${DIGEST}`;
const definition = renderFixtureWorkflow('backtest');

// No emulator exists for these two APIs: Step Functions' StartExecution is answered by queueing
// a local execution, ECR's DescribeImages by the set of pushed digests.
const sfn = mockClient(SFNClient);
const ecr = mockClient(ECRClient);
let pushedDigests: Set<string>;
let started: { name: string; input: Record<string, unknown> }[];

let platform: LocalPlatform;
let consumer: Awaited<ReturnType<(typeof WORKFLOW_HANDLERS)['backtest-consumer']>>['handler'];
let lambdas: Record<'validate-strategy' | 'update-status' | 'consume-results', LambdaHandler>;

/** A result file as the strategy writes it: equity 10000 -> 10500 -> 10200 -> 11000, three trades. */
function resultFile(strategy: string, timeframe: string): BacktestResultFile {
  const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
  return {
    strategy,
    timeframe: timeframe as BacktestResultFile['timeframe'],
    startingBalance: 10_000,
    equityCurve: [10_000, 10_500, 10_200, 11_000].map((equity, h) => ({ timestamp: at(h), equity })),
    trades: [
      { pair: 'BTC/USDT', openedAt: at(0), closedAt: at(1), profitAbs: 500, profitRatio: 0.05 },
      { pair: 'ETH/USDT', openedAt: at(1), closedAt: at(2), profitAbs: -300, profitRatio: -0.0286 },
      { pair: 'BTC/USDT', openedAt: at(2), closedAt: at(3), profitAbs: 800, profitRatio: 0.0784 },
    ],
  };
}

/** The strategy image in backtest mode: checks its env and writes the result file. */
const strategyContainer: StrategyContainer = async ({ env }: ContainerRun) => {
  expect(env).toMatchObject({ MODE: 'backtest', TRADAI_ENVIRONMENT: 'dev' });
  await platform.fx.s3.send(
    new PutObjectCommand({ Bucket: env['RESULTS_BUCKET'], Key: env['RESULT_KEY'], Body: JSON.stringify(resultFile(env['STRATEGY']!, env['TIMEFRAME']!)) }),
  );
};

const request = (requestId: string, extra: Record<string, unknown> = {}) => ({
  requestId,
  strategy: 'momentum',
  symbols: ['BTC/USDT', 'ETH/USDT'],
  timeframe: '1h',
  startDate: '2026-01-01T00:00:00Z',
  endDate: '2026-01-02T00:00:00Z',
  parameters: { lookback: 20 },
  ...extra,
});

/** Delivers `body` on the backtest queue; returns the failed message ids. */
async function deliver(body: unknown, messageId: string): Promise<string[]> {
  const res = await consumer(sqsEvent(sqsRecord(body, messageId)), fakeContext('tradai-backtest-consumer-dev'));
  return res.batchItemFailures.map((f) => f.itemIdentifier);
}

/** Runs the execution backtest-consumer started last. */
function runStarted(container: StrategyContainer = strategyContainer) {
  const execution = started.at(-1)!;
  return runWorkflow(definition, execution.input, { lambdas, container, executionName: execution.name });
}

beforeAll(async () => {
  platform = await startLocalPlatform();
  consumer = await platform.handler('backtest-consumer');
  lambdas = {
    'validate-strategy': (await platform.handler('validate-strategy')) as LambdaHandler,
    'update-status': (await platform.handler('update-status')) as LambdaHandler,
    'consume-results': (await platform.handler('consume-results')) as LambdaHandler,
  };
  // What strategy-registrar leaves behind for a registered strategy: a config file and a version.
  const config = { strategy: 'momentum', parameters: { lookback: { type: 'number', integer: true, min: 5, max: 200, default: 50 } } };
  await platform.fx.s3.send(new PutObjectCommand({ Bucket: platform.buckets.configs, Key: 'momentum/v1.json', Body: JSON.stringify(config) }));
  await platform.configVersions.append({ strategy: 'momentum', config_key: 'momentum/v1.json', image: IMAGE, created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' });
});
afterAll(async () => {
  await platform.stop();
});
beforeEach(async () => {
  started = [];
  pushedDigests = new Set([DIGEST]);
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string; input: string }) => {
    if (started.some((s) => s.name === input.name)) throw Object.assign(new Error(`Execution ${input.name} already exists`), { name: 'ExecutionAlreadyExists' });
    started.push({ name: input.name, input: JSON.parse(input.input) as Record<string, unknown> });
    return { executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date() };
  });
  ecr.reset();
  ecr.on(DescribeImagesCommand).callsFake((input: { repositoryName: string; imageIds: { imageDigest?: string }[] }) => {
    const digest = input.imageIds[0]?.imageDigest;
    if (input.repositoryName !== 'tradai/strategy-momentum' || !digest || !pushedDigests.has(digest)) {
      throw Object.assign(new Error(`The image with imageId {imageDigest:'${digest}'} does not exist`), { name: 'ImageNotFoundException' });
    }
    return { imageDetails: [{ repositoryName: input.repositoryName, imageDigest: digest }] };
  });
  await platform.alerts(); // drop what earlier tests published
});

describe('backtest workflow (rendered ASL, real handlers, local AWS)', () => {
  it('goes QUEUED -> RUNNING -> SUCCEEDED and stores the metrics of the result file', async () => {
    expect(await deliver(request('happy-1'), 'm-1')).toEqual([]);
    expect(started.map((s) => s.name)).toEqual(['bt-happy-1']);
    expect(await platform.workflows.get('bt-happy-1')).toMatchObject({ status: 'QUEUED', strategy: 'momentum', result_key: 'backtests/bt-happy-1/result.json' });

    const run = await runStarted();
    expect(run.error).toBeUndefined();
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'PrepareStrategyTask', 'RunBacktest', 'ConsumeResults', 'MarkSucceeded']);
    expect(run.invoked).toEqual(['validate-strategy', 'update-status', 'consume-results', 'update-status']);
    // The container ran the validated image with the request's parameters merged over the declared defaults.
    expect(run.containers).toHaveLength(1);
    expect(run.containers[0]!.image).toBe(IMAGE);
    expect(run.containers[0]!.env).toMatchObject({ WORKFLOW_ID: 'bt-happy-1', CONFIG_VERSION: '1', SYMBOLS: '["BTC/USDT","ETH/USDT"]', PARAMETERS: '{"lookback":20}' });

    const item = await platform.workflows.get('bt-happy-1');
    expect(item).toMatchObject({ status: 'SUCCEEDED', notified_status: 'SUCCEEDED', result_key: 'backtests/bt-happy-1/result.json' });
    expect(item!.error).toBeUndefined();
    const m = item!.metrics!;
    expect(m.total_return).toBeCloseTo(0.1, 10);
    expect(m.max_drawdown).toBeCloseTo(300 / 10_500, 10);
    expect(m.win_rate).toBeCloseTo(2 / 3, 10);
    expect(m.trade_count).toBe(3);
    expect(m.final_equity).toBe(11_000);
    expect(m.sharpe).toBeGreaterThan(0);
    // One alert per status reached, each naming the status it left.
    const alerts = await platform.alerts();
    expect(alerts.map((a) => [a.type, a.details?.['previousStatus']])).toEqual([
      ['workflow.running', 'QUEUED'],
      ['workflow.succeeded', 'RUNNING'],
    ]);
    expect(alerts[1]!.details?.['metrics']).toEqual(m);
  });

  it('starts a redelivered request once: the duplicate neither starts nor changes the workflow', async () => {
    expect(await deliver(request('dup-1'), 'm-2')).toEqual([]);
    await runStarted();
    const before = await platform.workflows.get('bt-dup-1');
    expect(await deliver(request('dup-1'), 'm-2-redelivered')).toEqual([]);
    expect(started.map((s) => s.name)).toEqual(['bt-dup-1']);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(await platform.workflows.get('bt-dup-1')).toEqual(before);
  });

  it('a strategy container that crashes ends FAILED with the exit recorded, and no metrics', async () => {
    await deliver(request('crash-1'), 'm-3');
    const run = await runStarted(() => {
      throw new ContainerExit(137, 'OutOfMemoryError: Container killed due to memory usage');
    });
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'PrepareStrategyTask', 'RunBacktest', 'MarkFailed', 'BacktestFailed']);
    expect(run.error?.name).toBe('BacktestFailed');
    const item = await platform.workflows.get('bt-crash-1');
    expect(item).toMatchObject({ status: 'FAILED', notified_status: 'FAILED' });
    expect(item!.error).toMatch(/^States\.TaskFailed: /);
    expect(item!.error).toContain('"ExitCode":137');
    expect(item!.error).toContain('OutOfMemoryError');
    expect(item!.metrics).toBeUndefined();
    const alerts = await platform.alerts();
    expect(alerts.map((a) => [a.type, a.severity])).toEqual([
      ['workflow.running', 'info'],
      ['workflow.failed', 'critical'],
    ]);
  });

  it('an unknown strategy fails at validation: FAILED from QUEUED, no container started', async () => {
    await deliver(request('ghost-1', { strategy: 'ghost' }), 'm-4');
    const run = await runStarted();
    expect(run.path).toEqual(['ValidateStrategy', 'MarkFailed', 'BacktestFailed']);
    expect(run.containers).toEqual([]);
    const item = await platform.workflows.get('bt-ghost-1');
    expect(item).toMatchObject({ status: 'FAILED' });
    expect(item!.error).toMatch(/^NotFoundError: /);
    expect(item!.error).toContain('unknown strategy ghost: no config version registered');
    expect((await platform.alerts()).map((a) => [a.type, a.details?.['previousStatus']])).toEqual([['workflow.failed', 'QUEUED']]);
  });

  it('an image missing from ECR fails validation, naming the image', async () => {
    pushedDigests.clear();
    await deliver(request('noimage-1'), 'm-5');
    const run = await runStarted();
    expect(run.path).toEqual(['ValidateStrategy', 'MarkFailed', 'BacktestFailed']);
    const item = await platform.workflows.get('bt-noimage-1');
    expect(item!.status).toBe('FAILED');
    expect(item!.error).toContain(`image ${IMAGE} of momentum v1 is not in ECR (ImageNotFoundException)`);
  });

  it('a result file that does not parse ends FAILED naming the field, and stores nothing', async () => {
    await deliver(request('garbage-1'), 'm-6');
    const run = await runStarted(async ({ env }) => {
      const file = { ...resultFile('momentum', '1h'), equityCurve: [{ timestamp: 'yesterday', equity: 1 }, { timestamp: '2026-01-01T00:00:00Z', equity: 2 }] };
      await platform.fx.s3.send(new PutObjectCommand({ Bucket: env['RESULTS_BUCKET'], Key: env['RESULT_KEY'], Body: JSON.stringify(file) }));
    });
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'PrepareStrategyTask', 'RunBacktest', 'ConsumeResults', 'MarkFailed', 'BacktestFailed']);
    const item = await platform.workflows.get('bt-garbage-1');
    expect(item!.status).toBe('FAILED');
    expect(item!.error).toMatch(/^ValidationError: /);
    expect(item!.error).toContain('equityCurve.0.timestamp');
    expect(item!.metrics).toBeUndefined();
  });

  it('a malformed request fails only its SQS record and starts nothing', async () => {
    expect(await deliver({ ...request('bad-1'), symbols: [] }, 'm-7')).toEqual(['m-7']);
    expect(started).toEqual([]);
    expect(await platform.workflows.get('bt-bad-1')).toBeUndefined();
  });
});
