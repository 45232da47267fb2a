import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkParameters, createS3Client, distributionMetrics, MlflowClient, reportKeyFor, ValidationError, type ParameterValue, type StrategyConfigFile } from '@tradai/domain';
import { createCandleStore, localBlobs, lowerBound, s3Blobs, sliceColumns, TIMEFRAME_MS, type CandleColumns, type Timeframe } from '@tradai/market-data';
import { runBacktest } from '../engine/backtest.js';
import { toResultFile } from '../engine/result-file.js';
import { renderReport } from '../report/html.js';
import type { BacktestConfig, BacktestResult } from '../engine/types.js';
import type { Strategy } from '../strategy.js';
import { loadCandles, type CandleReader } from './candles.js';
import { loadConfig } from './config.js';
import { parseTaskEnv, type BacktestEnv, type TaskEnv, type TrainEnv } from './env.js';
import { isTrainable, referenceDistributions, type ModelArtifact } from './model.js';

type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** The run was stopped from outside (SIGTERM: Spot reclaim, StopTask). */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

export interface TaskOptions {
  /** The task environment (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** S3 client for the configs, results, arcticdb and mlflow buckets (default createS3Client()). */
  readonly s3?: S3Client;
  /** fetch for the MLflow REST API (train mode). */
  readonly fetch?: FetchLike;
  /** Candle source; default the market-data store over MARKET_DATA_DIR or the arcticdb bucket. */
  readonly candles?: CandleReader;
  /** Aborts the run between steps and cancels S3 / MLflow calls in flight. */
  readonly signal?: AbortSignal;
  /**
   * How the engine trades for this strategy (stop-loss, take-profit, ...), from the checked
   * parameters; merged over {@link defaultBacktestConfig}.
   */
  readonly engine?: (params: Readonly<Record<string, ParameterValue>>) => Partial<BacktestConfig>;
  /** Progress lines (default: one JSON line per step on stdout, for CloudWatch). */
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface TaskOutcome {
  readonly mode: 'backtest' | 'train';
  readonly strategy: string;
  readonly workflowId: string;
  /** Engine metrics (backtest: the window; train: the holdout the candidate is judged on). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly resultKey?: string;
  readonly modelName?: string;
  readonly modelVersion?: string;
  readonly runId?: string;
  /** Milliseconds since process start at each step; `firstCandle` is the cold start up to the engine's first candle. */
  readonly timings: Readonly<Record<string, number>>;
}

/** Default exchange of the stored candles when the config names none. */
export const DEFAULT_EXCHANGE = 'binance';
/** Share of the training window trained on; the rest is the holdout the candidate's metrics come from. */
export const TRAIN_SPLIT = 0.7;
const DAY_MS = 86_400_000;

/** The engine settings a run starts from: 10,000 quote, equal stakes per symbol, 0.1 % fee, 0.05 % slippage. */
export function defaultBacktestConfig(symbols: number): BacktestConfig {
  return { startingBalance: 10_000, stake: { fraction: Math.min(1, 0.99 / symbols) }, maxOpenTrades: symbols, feeRate: 0.001, slippage: 0.0005 };
}

const defaultLog = (msg: string, fields: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ msg, ...fields })}\n`);

/**
 * The strategy container's work, testable: parses the environment, loads the config version and the
 * candles, then backtests (writes the result file at RESULT_KEY) or trains (logs a run and registers
 * a model version in MLflow). Throws on any failure, before anything is written where it can; see
 * {@link main} for the exit code and the one-line cause.
 */
export async function runTask(strategy: Strategy, opts: TaskOptions = {}): Promise<TaskOutcome> {
  const timings: Record<string, number> = {};
  const mark = (step: string) => (timings[step] = Math.round(performance.now()));
  const log = opts.log ?? defaultLog;
  const signal = opts.signal;
  const interruption = () => (signal?.reason instanceof InterruptedError ? signal.reason : new InterruptedError(`interrupted: ${String(signal?.reason ?? 'aborted')}`));
  const check = () => {
    if (signal?.aborted) throw interruption();
  };
  try {
    return await run();
  } catch (err) {
    // A call cancelled by the abort fails with AbortError: report the interruption instead.
    throw signal?.aborted ? interruption() : err;
  }

  async function run(): Promise<TaskOutcome> {
    const env = parseTaskEnv(opts.env ?? process.env);
    if (env.strategy !== strategy.name) throw new ValidationError(`STRATEGY is "${env.strategy}" but this image runs "${strategy.name}"`, 'STRATEGY');
    // Unknown or out-of-range parameters fail before any I/O, naming the parameter.
    const params = checkParameters(strategy.parameters, env.parameters);
    check();
    mark('env');
    const s3 = opts.s3 ?? createS3Client();
    const config = await loadConfig(s3, env.configsBucket, env.configKey, strategy.name, signal);
    check();
    mark('config');
    log('config loaded', { strategy: strategy.name, mode: env.mode, configKey: env.configKey, configVersion: env.configVersion });
    const reader = opts.candles ?? defaultReader(env, s3);
    const location = 'dir' in env.marketData ? env.marketData.dir : `s3://${env.marketData.bucket}/`;
    const engine = (symbols: number): BacktestConfig => ({ ...defaultBacktestConfig(symbols), ...(opts.engine ?? strategy.engine?.bind(strategy))?.(params) });
    const ctx: Ctx = { strategy, params, config, reader, location, engine, check, mark, log, s3, signal };
    const outcome = env.mode === 'backtest' ? await backtest(ctx, env) : await train(ctx, env, opts.fetch);
    return { ...outcome, timings };
  }
}

interface Ctx {
  readonly strategy: Strategy;
  readonly params: Record<string, ParameterValue>;
  readonly config: StrategyConfigFile;
  readonly reader: CandleReader;
  readonly location: string;
  readonly engine: (symbols: number) => BacktestConfig;
  readonly check: () => void;
  readonly mark: (step: string) => void;
  readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  readonly s3: S3Client;
  readonly signal: AbortSignal | undefined;
}

function defaultReader(env: TaskEnv, s3: S3Client): CandleReader {
  const blobs = 'dir' in env.marketData ? localBlobs(env.marketData.dir) : s3Blobs({ s3, bucket: env.marketData.bucket });
  return createCandleStore({ blobs });
}

function trainingSection(ctx: Ctx) {
  const t = ctx.config.training;
  if (!t) throw new ValidationError(`strategy config of ${ctx.strategy.name} has no training section (model-based strategies need one)`, 'training');
  return t;
}

/** Rows of `c` with timestamp < t. */
const before = (c: CandleColumns, t: number) => sliceColumns(c, 0, lowerBound(c.timestamp, t));

async function backtest(ctx: Ctx, env: BacktestEnv): Promise<Omit<TaskOutcome, 'timings'>> {
  const { strategy, params } = ctx;
  // A model-based strategy is trained walk-forward on the lookback before the window, never on it.
  const lookbackMs = isTrainable(strategy) ? trainingSection(ctx).lookbackDays * DAY_MS : 0;
  const candles = await loadCandles(
    ctx.reader,
    { exchange: ctx.config.exchange ?? DEFAULT_EXCHANGE, symbols: env.symbols, timeframe: env.timeframe, range: { start: env.start - lookbackMs, end: env.end }, warmup: strategy.warmup(params) },
    ctx.location,
  );
  ctx.check();
  ctx.mark('candles');
  let model: unknown;
  if (isTrainable(strategy)) {
    model = strategy.train(before(candles[env.symbols[0]!]!, env.start), params).model;
    ctx.mark('trained');
  }
  ctx.mark('firstCandle');
  const result = runBacktest({ strategy, params, candles, timeframe: env.timeframe, config: ctx.engine(env.symbols.length), range: { start: env.start, end: env.end }, model });
  ctx.mark('backtest');
  const file = toResultFile(result);
  ctx.check();
  await ctx.s3.send(new PutObjectCommand({ Bucket: env.resultsBucket, Key: env.resultKey, Body: JSON.stringify(file), ContentType: 'application/json' }), { abortSignal: ctx.signal });
  // The report after the result: the result is what consume-results needs; a failed report write fails the task too.
  const reportKey = reportKeyFor(env.resultKey);
  await ctx.s3.send(new PutObjectCommand({ Bucket: env.resultsBucket, Key: reportKey, Body: renderReport(result, candles), ContentType: 'text/html; charset=utf-8' }), { abortSignal: ctx.signal });
  ctx.mark('written');
  ctx.log('result written', { resultKey: env.resultKey, reportKey, trades: result.trades.length, metrics: result.metrics });
  return { mode: 'backtest', strategy: strategy.name, workflowId: env.workflowId, metrics: finiteOnly(result.metrics), resultKey: env.resultKey };
}

async function train(ctx: Ctx, env: TrainEnv, fetchImpl: FetchLike | undefined): Promise<Omit<TaskOutcome, 'timings'>> {
  const { strategy, params } = ctx;
  if (!isTrainable(strategy)) throw new ValidationError(`strategy ${strategy.name} has no model to train (MODE=train needs a Trainable strategy)`, 'MODE');
  const t = trainingSection(ctx);
  const timeframe = t.timeframe as Timeframe;
  const step = TIMEFRAME_MS[timeframe];
  // The window ends at the last whole candle before the run started, so reruns see the same data.
  const end = Math.floor(env.startedAt / step) * step;
  const start = end - t.lookbackDays * DAY_MS;
  const split = start + Math.floor(((end - start) * TRAIN_SPLIT) / step) * step;
  const exchange = ctx.config.exchange ?? DEFAULT_EXCHANGE;
  const candles = await loadCandles(ctx.reader, { exchange, symbols: t.symbols, timeframe, range: { start, end }, warmup: strategy.warmup(params) }, ctx.location);
  ctx.check();
  ctx.mark('candles');

  ctx.mark('firstCandle');
  const trainSymbol = t.symbols[0]!;
  const trainCandles = before(candles[trainSymbol]!, split);
  const { model, metrics: trainMetrics } = strategy.train(trainCandles, params);
  const reference = referenceDistributions(strategy, trainCandles, params, model);
  const holdout: BacktestResult = runBacktest({ strategy, params, candles, timeframe, config: ctx.engine(t.symbols.length), range: { start: split, end }, model });
  ctx.mark('trained');
  ctx.check();

  const iso = (ms: number) => new Date(ms).toISOString();
  const artifact: ModelArtifact = {
    format: 'tradai.model/v1',
    strategy: strategy.name,
    features: [...strategy.features],
    parameters: params,
    distributionEdges: reference.edges,
    trainedOn: { exchange, symbol: trainSymbol, timeframe, start: iso(start), end: iso(split) },
    model: strategy.serialize(model),
  };
  const modelName = t.modelName ?? strategy.name;
  const signal = ctx.signal;
  const base = fetchImpl ?? ((url, init) => fetch(url, init));
  const mlflow = new MlflowClient(env.mlflowTrackingUri, (url, init) => base(url, { ...init, signal: signal && init?.signal ? AbortSignal.any([signal, init.signal]) : (init?.signal ?? signal) }));
  // One experiment per model: the bots' monitoring runs go to the same one (drift-monitor looks there).
  const experimentId = await mlflow.getOrCreateExperiment(modelName);
  const { runId } = await mlflow.createRun(experimentId, {
    runName: `train-${env.workflowId}`,
    tags: { 'tradai.run_type': 'training', 'tradai.strategy': strategy.name, 'tradai.workflow_id': env.workflowId, 'tradai.config_version': String(env.configVersion) },
  });
  try {
    const metrics: Record<string, number> = {
      ...finiteOnly(holdout.metrics),
      // compare-models ranks on sharpe; a holdout with flat equity has none, which ranks as 0.
      sharpe: holdout.metrics.sharpe ?? 0,
      ...prefixed('train.', trainMetrics),
      ...distributionMetrics(reference.counts),
    };
    await mlflow.logBatch(runId, {
      metrics,
      params: {
        ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
        'training.exchange': exchange,
        'training.symbols': t.symbols.join(','),
        'training.timeframe': timeframe,
        'training.start': iso(start),
        'training.split': iso(split),
        'training.end': iso(end),
      },
    });
    // The artifact where MLflow keeps this run's artifacts (default root s3://<mlflow bucket>/artifacts).
    const key = `artifacts/${experimentId}/${runId}/artifacts/model/model.json`;
    await ctx.s3.send(new PutObjectCommand({ Bucket: env.mlflowBucket, Key: key, Body: JSON.stringify(artifact), ContentType: 'application/json' }), { abortSignal: signal });
    ctx.check();
    // Registered last: compare-models takes the newest version, which must have its metrics.
    const version = await mlflow.createModelVersion(modelName, `s3://${env.mlflowBucket}/${key.replace(/\/model\.json$/, '')}`, runId);
    await mlflow.finishRun(runId, 'FINISHED');
    ctx.mark('registered');
    ctx.log('model registered', { modelName, version: version.version, runId, sharpe: holdout.metrics.sharpe });
    return { mode: 'train', strategy: strategy.name, workflowId: env.workflowId, metrics, modelName, modelVersion: version.version, runId };
  } catch (err) {
    await mlflow.finishRun(runId, signal?.aborted ? 'KILLED' : 'FAILED').catch(() => undefined);
    throw err;
  }
}

function finiteOnly(m: object): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}

function prefixed(prefix: string, m: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(finiteOnly(m)).map(([k, v]) => [`${prefix}${k}`, v]));
}

