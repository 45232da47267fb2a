/**
 * The backtest workflow end to end: an SQS request through the real backtest-consumer, the
 * rendered state machine executed locally, the real validate-strategy / update-status /
 * consume-results handlers against dynalite and fauxqs, and the real strategy image (the
 * ma-crossover project's task entrypoint, in-process) backtesting candles stored in the arcticdb
 * bucket and writing its result file where the task definition tells it to.
 */
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { BacktestResultFile, parseJsonEvent } from '@tradai/domain';
import { fakeContext, sqsEvent, sqsRecord } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderFixtureWorkflow } from '../../../infra/compute/test-support.js';
import type { WORKFLOW_HANDLERS } from '../../../apps/platform/src/handlers.js';
import { startLocalPlatform, type LocalPlatform } from '../../../apps/platform/src/local-platform.js';
import { ContainerExit, runWorkflow, type LambdaHandler, type StrategyContainer } from '../../../apps/platform/src/runner.js';
import { STRATEGY_IMAGES, strategyContainer, strategyImage, writeCandles } from '../../../apps/platform/src/strategy-image.js';

const STRATEGY = 'ma-crossover';
const DIGEST = `sha256:${'c'.repeat(64)}`;
const IMAGE = strategyImage(STRATEGY, DIGEST);
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

/** A result file of the right shape (a buggy image's output is made from it). */
function resultFile(strategy: string, timeframe: string): BacktestResultFile {
  const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
  return {
    strategy,
    timeframe: timeframe as BacktestResultFile['timeframe'],
    startingBalance: 10_000,
    equityCurve: [10_000, 10_500].map((equity, h) => ({ timestamp: at(h), equity })),
    trades: [{ pair: 'BTC/USDT', openedAt: at(0), closedAt: at(1), profitAbs: 500, profitRatio: 0.05 }],
  };
}

/** The real strategy image (set in beforeAll). */
let strategyImageContainer: StrategyContainer;

async function readResult(key: string): Promise<BacktestResultFile> {
  const res = await platform.fx.s3.send(new GetObjectCommand({ Bucket: platform.buckets.results, Key: key }));
  return parseJsonEvent(BacktestResultFile, await res.Body!.transformToString(), key);
}

async function resultKeys(workflowId: string): Promise<string[]> {
  const res = await platform.fx.s3.send(new ListObjectsV2Command({ Bucket: platform.buckets.results, Prefix: `backtests/${workflowId}/` }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

const request = (requestId: string, extra: Record<string, unknown> = {}) => ({
  requestId,
  strategy: STRATEGY,
  symbols: ['BTC/USDT', 'ETH/USDT'],
  timeframe: '1h',
  startDate: '2026-01-01T00:00:00Z',
  endDate: '2026-01-08T00:00:00Z',
  parameters: { fast: 8 },
  ...extra,
});

/** Delivers `body` on the backtest queue; returns the failed message ids. */
async function deliver(body: unknown, messageId: string): Promise<string[]> {
  const res = await consumer(sqsEvent(sqsRecord(body, messageId)), fakeContext('tradai-backtest-consumer-dev'));
  return res.batchItemFailures.map((f) => f.itemIdentifier);
}

/** Runs the execution backtest-consumer started last. */
function runStarted(container: StrategyContainer = strategyImageContainer) {
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
  strategyImageContainer = strategyContainer(platform);
  // What strategy-registrar leaves behind for a registered strategy: a config file declaring the
  // strategy's parameters, and a version.
  const { default: strategy } = await STRATEGY_IMAGES[STRATEGY]();
  const config = { strategy: STRATEGY, parameters: strategy.parameters };
  await platform.fx.s3.send(new PutObjectCommand({ Bucket: platform.buckets.configs, Key: `${STRATEGY}/v1.json`, Body: JSON.stringify(config) }));
  await platform.configVersions.append({ strategy: STRATEGY, config_key: `${STRATEGY}/v1.json`, image: IMAGE, created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' });
  // What data-collection leaves behind: hourly candles from Dec 20 to Jan 10 (warm-up before the window included).
  await writeCandles(platform, ['BTC/USDT', 'ETH/USDT'], '1h', Date.UTC(2025, 11, 20), 21 * 24);
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
    if (input.repositoryName !== `tradai/strategy-${STRATEGY}` || !digest || !pushedDigests.has(digest)) {
      throw Object.assign(new Error(`The image with imageId {imageDigest:'${digest}'} does not exist`), { name: 'ImageNotFoundException' });
    }
    return { imageDetails: [{ repositoryName: input.repositoryName, imageDigest: digest }] };
  });
  await platform.alerts(); // drop what earlier tests published
});

describe('backtest workflow (rendered ASL, real handlers, local AWS)', () => {
  it('goes QUEUED -> RUNNING -> SUCCEEDED and stores the metrics of the result file the strategy wrote', async () => {
    expect(await deliver(request('happy-1'), 'm-1')).toEqual([]);
    expect(started.map((s) => s.name)).toEqual(['bt-happy-1']);
    expect(await platform.workflows.get('bt-happy-1')).toMatchObject({ status: 'QUEUED', strategy: STRATEGY, result_key: 'backtests/bt-happy-1/result.json' });

    const run = await runStarted();
    expect(run.error).toBeUndefined();
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'PrepareStrategyTask', 'RunBacktest', 'ConsumeResults', 'MarkSucceeded']);
    expect(run.invoked).toEqual(['validate-strategy', 'update-status', 'consume-results', 'update-status']);
    // The container ran the validated image with the request's parameters merged over the declared defaults.
    expect(run.containers).toHaveLength(1);
    expect(run.containers[0]!.image).toBe(IMAGE);
    expect(run.containers[0]!.env).toMatchObject({ MODE: 'backtest', TRADAI_ENVIRONMENT: 'dev', WORKFLOW_ID: 'bt-happy-1', CONFIG_VERSION: '1', SYMBOLS: '["BTC/USDT","ETH/USDT"]' });
    expect(JSON.parse(run.containers[0]!.env['PARAMETERS']!)).toEqual({ fast: 8, slow: 26, kind: 'ema', stop_loss: 0.05 });

    // The strategy backtested exactly the requested week, hourly, on both symbols.
    const file = await readResult('backtests/bt-happy-1/result.json');
    expect(file).toMatchObject({ strategy: STRATEGY, timeframe: '1h', startingBalance: 10_000 });
    expect(file.equityCurve).toHaveLength(7 * 24);
    expect(file.equityCurve[0]!.timestamp).toBe('2026-01-01T00:00:00.000Z');
    expect(file.trades.length).toBeGreaterThan(0);
    expect(new Set(file.trades.map((t) => t.pair))).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    for (const t of file.trades) expect(Date.parse(t.openedAt)).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1));

    const item = await platform.workflows.get('bt-happy-1');
    expect(item).toMatchObject({ status: 'SUCCEEDED', notified_status: 'SUCCEEDED', result_key: 'backtests/bt-happy-1/result.json' });
    expect(item!.error).toBeUndefined();
    const m = item!.metrics!;
    expect(m.trade_count).toBe(file.trades.length);
    expect(m.final_equity).toBeCloseTo(file.equityCurve.at(-1)!.equity, 6);
    expect(m.total_return).toBeCloseTo(file.equityCurve.at(-1)!.equity / 10_000 - 1, 10);
    // The extended metrics are stored too, consistent with the trades the strategy wrote.
    expect(m.win_rate).toBeCloseTo(file.trades.filter((t) => t.profitAbs > 0).length / file.trades.length, 10);
    expect(m.exposure).toBeGreaterThan(0);
    expect(m.exposure).toBeLessThanOrEqual(1);
    expect(m.max_drawdown_duration_ms).toBeGreaterThanOrEqual(0);
    expect(m).toHaveProperty('sortino');
    expect(m).toHaveProperty('profit_factor');
    expect(m.cagr).toBeNull(); // a one-week window is too short to annualise (CAGR_MIN_DAYS)
    // One alert per status reached, each naming the status it left.
    const alerts = await platform.alerts();
    expect(alerts.map((a) => [a.type, a.details?.['previousStatus']])).toEqual([
      ['workflow.running', 'QUEUED'],
      ['workflow.succeeded', 'RUNNING'],
    ]);
    expect(alerts[1]!.details?.['metrics']).toEqual(m);
  });

  it('a window without stored candles ends FAILED with the one-line cause from the strategy task, and no result', async () => {
    await deliver(request('nodata-1', { endDate: '2026-01-20T00:00:00Z' }), 'm-8');
    const run = await runStarted();
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'PrepareStrategyTask', 'RunBacktest', 'MarkFailed', 'BacktestFailed']);
    const item = await platform.workflows.get('bt-nodata-1');
    expect(item).toMatchObject({ status: 'FAILED', notified_status: 'FAILED' });
    expect(item!.error).toMatch(/^States\.TaskFailed: /);
    expect(item!.error).toContain('"ExitCode":1');
    expect(item!.error).toContain('NotFoundError: missing candles: binance BTC/USDT 1h covers 2026-01-01T00:00:00.000Z .. 2026-01-09T23:00:00.000Z of 2026-01-01T00:00:00.000Z .. 2026-01-19T23:00:00.000Z');
    expect(item!.metrics).toBeUndefined();
    expect(await resultKeys('bt-nodata-1')).toEqual([]);
  });

  it('parameters outside what the config declares fail validation before any container starts', async () => {
    await deliver(request('badparam-1', { parameters: { fats: 8 } }), 'm-9');
    const run = await runStarted();
    expect(run.path).toEqual(['ValidateStrategy', 'MarkFailed', 'BacktestFailed']);
    expect(run.containers).toEqual([]);
    expect((await platform.workflows.get('bt-badparam-1'))!.error).toContain('parameters.fats: unknown parameter');
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
    expect(item!.error).toContain(`image ${IMAGE} of ${STRATEGY} v1 is not in ECR (ImageNotFoundException)`);
  });

  it('a result file that does not parse ends FAILED naming the field, and stores nothing', async () => {
    await deliver(request('garbage-1'), 'm-6');
    const run = await runStarted(async ({ env }) => {
      const file = { ...resultFile(STRATEGY, '1h'), equityCurve: [{ timestamp: 'yesterday', equity: 1 }, { timestamp: '2026-01-01T00:00:00Z', equity: 2 }] };
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
