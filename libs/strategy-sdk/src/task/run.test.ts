import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { BacktestResultFile, distributionsFromMetrics, NotFoundError, parseJsonEvent, ValidationError, type ParameterValue } from '@tradai/domain';
import { startFakeMlflow, startFauxqs, type FakeMlflow, type Fauxqs } from '@tradai/domain/testing';
import { createCandleStore, generateCandles, localBlobs, type CandleColumns } from '@tradai/market-data';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Signal, type Strategy, type Trainable } from '../strategy.js';
import { INTERRUPTED_EXIT, main } from './main.js';
import { currentDistributions, readModelArtifact, type TrainableStrategy } from './model.js';
import { DEFAULT_EXCHANGE, defaultBacktestConfig, InterruptedError, runTask, TRAIN_SPLIT } from './run.js';
import { hourly, memoryReader } from './test-support.js';

const HOUR = 3_600_000;
const JAN = Date.UTC(2026, 0, 1);

/** Enters every `every` candles, exits `hold` later: deterministic trades on any series. */
const periodic: Strategy = {
  name: 'periodic',
  description: 'test strategy',
  timeframes: ['1h'],
  parameters: { every: { type: 'number', integer: true, min: 2, default: 10 }, hold: { type: 'number', integer: true, min: 1, default: 4 } },
  warmup: () => 0,
  signals(c, p) {
    const out = new Int8Array(c.length);
    for (let i = 0; i < c.length; i++) {
      const k = Math.floor(c.timestamp[i]! / HOUR) % Number(p['every']);
      if (k === 0) out[i] = Signal.EnterLong;
      else if (k === Number(p['hold'])) out[i] = Signal.ExitLong;
    }
    return out;
  },
};

/** A "model" that is the mean 1-candle return of the training candles; enters when the last return beats it. */
type MeanModel = { mean: number };
const ret = (c: CandleColumns, i: number) => (i > 0 ? c.close[i]! / c.close[i - 1]! - 1 : NaN);
const meanReverter: Strategy & Trainable<Record<string, ParameterValue>, MeanModel> = {
  name: 'mean-model',
  description: 'test trainable strategy',
  timeframes: ['1h'],
  parameters: {},
  warmup: () => 1,
  features: ['ret_1', 'range'],
  featureRows: (c) => Array.from({ length: c.length }, (_, i) => Float64Array.of(ret(c, i), (c.high[i]! - c.low[i]!) / c.close[i]!)),
  train(c) {
    let sum = 0;
    for (let i = 1; i < c.length; i++) sum += ret(c, i);
    return { model: { mean: sum / (c.length - 1) }, metrics: { rows: c.length - 1 } };
  },
  signals(c, _p, model) {
    const m = model as MeanModel;
    const out = new Int8Array(c.length);
    for (let i = 1; i < c.length; i++) out[i] = ret(c, i) < m.mean ? Signal.EnterLong : Signal.ExitLong;
    return out;
  },
  serialize: (m) => JSON.stringify(m),
  deserialize: (t) => JSON.parse(t) as MeanModel,
};

let fx: Fauxqs;
// Per train-mode test (see there): a fresh registry and artifact bucket.
let mlflow: FakeMlflow;
let mlflowBucket: string;
let dir: string;
const silent = () => undefined;

beforeAll(async () => {
  fx = await startFauxqs();
  for (const b of ['configs', 'results']) fx.server.createBucket(b);
  dir = mkdtempSync(join(tmpdir(), 'task-candles-'));
  const store = createCandleStore({ blobs: localBlobs(dir) });
  // January 2026 (hourly) for two symbols; nothing after Feb 1.
  for (const [symbol, seed] of [['BTC/USDT', 1], ['ETH/USDT', 2]] as const) {
    await store.write({ exchange: 'binance', symbol, timeframe: '1h' }, generateCandles({ symbol, timeframe: '1h', start: JAN, count: 31 * 24, seed }));
  }
  const put = (key: string, body: unknown) => fx.s3.send(new PutObjectCommand({ Bucket: 'configs', Key: key, Body: typeof body === 'string' ? body : JSON.stringify(body) }));
  await put('periodic/v1.json', { strategy: 'periodic', parameters: periodic.parameters });
  await put('periodic/corrupt.json', '{"strategy": "periodic", "parameters": {"every": {"type": "integer"}}}');
  await put('periodic/notjson.json', 'strategy: periodic');
  await put('mean-model/v1.json', { strategy: 'mean-model', training: { symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1h', lookbackDays: 10 } });
});
afterAll(async () => {
  await fx.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backtestEnv = (workflowId: string, change: Record<string, string> = {}): Record<string, string> => ({
  MODE: 'backtest',
  WORKFLOW_ID: workflowId,
  STRATEGY: 'periodic',
  CONFIG_KEY: 'periodic/v1.json',
  CONFIG_VERSION: '1',
  RESULT_KEY: `backtests/${workflowId}/result.json`,
  TIMEFRAME: '1h',
  START_DATE: '2026-01-10T00:00:00Z',
  END_DATE: '2026-01-20T00:00:00Z',
  SYMBOLS: '["BTC/USDT","ETH/USDT"]',
  PARAMETERS: '{"every":12}',
  CONFIGS_BUCKET: 'configs',
  RESULTS_BUCKET: 'results',
  MARKET_DATA_DIR: dir,
  ...change,
});

const trainEnv = (workflowId: string, change: Record<string, string> = {}): Record<string, string> => ({
  MODE: 'train',
  WORKFLOW_ID: workflowId,
  STRATEGY: 'mean-model',
  CONFIG_KEY: 'mean-model/v1.json',
  CONFIG_VERSION: '1',
  PARAMETERS: '{}',
  RETRAINING_STARTED_AT: '2026-01-25T06:30:00Z',
  CONFIGS_BUCKET: 'configs',
  MLFLOW_BUCKET: mlflowBucket,
  MLFLOW_TRACKING_URI: mlflow.url,
  MARKET_DATA_DIR: dir,
  ...change,
});

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const res = await fx.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

async function text(bucket: string, key: string): Promise<string> {
  return (await fx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}

describe('runTask, backtest mode', () => {
  it('writes a result file BacktestResultFile parses, covering exactly the window', async () => {
    const out = await runTask(periodic, { env: backtestEnv('ok-1'), s3: fx.s3, log: silent });
    expect(out).toMatchObject({ mode: 'backtest', strategy: 'periodic', workflowId: 'ok-1', resultKey: 'backtests/ok-1/result.json' });
    expect(out.timings['firstCandle']).toBeGreaterThan(0);
    expect(Object.keys(out.timings)).toEqual(['env', 'config', 'candles', 'firstCandle', 'backtest', 'written']);
    const file = parseJsonEvent(BacktestResultFile, await text('results', 'backtests/ok-1/result.json'), 'result');
    expect(file).toMatchObject({ strategy: 'periodic', timeframe: '1h', startingBalance: 10_000 });
    expect(file.equityCurve[0]!.timestamp).toBe('2026-01-10T00:00:00.000Z');
    expect(file.equityCurve.at(-1)!.timestamp).toBe('2026-01-19T23:00:00.000Z');
    // Every 12 h on two symbols for ten days.
    expect(file.trades.length).toBeGreaterThanOrEqual(36);
    expect(new Set(file.trades.map((t) => t.pair))).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    expect(out.metrics['trade_count']).toBe(file.trades.length);
    // The HTML report beside it, of the same run (its title names the strategy and the pairs).
    const html = await text('results', 'backtests/ok-1/result.html');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('periodic · 1h · BTC/USDT, ETH/USDT');
  });

  it.each([
    ['an unknown parameter', { PARAMETERS: '{"evry":3}' }, ValidationError, /parameters\.evry: unknown parameter/],
    ['a parameter out of range', { PARAMETERS: '{"every":1}' }, ValidationError, /parameters\.every: must be >= 2/],
    ['a corrupt config', { CONFIG_KEY: 'periodic/corrupt.json' }, ValidationError, /invalid strategy config s3:\/\/configs\/periodic\/corrupt\.json: parameters\.every\.type/],
    ['a config that is not JSON', { CONFIG_KEY: 'periodic/notjson.json' }, ValidationError, /not valid JSON/],
    ['a missing config', { CONFIG_KEY: 'periodic/v9.json' }, NotFoundError, /strategy config s3:\/\/configs\/periodic\/v9\.json does not exist/],
    ['another strategy', { STRATEGY: 'momentum' }, ValidationError, /STRATEGY is "momentum" but this image runs "periodic"/],
    ['missing candles for the window', { END_DATE: '2026-02-03T00:00:00Z' }, NotFoundError, /missing candles: binance BTC\/USDT 1h covers 2026-01-10T00:00:00.000Z \.\. 2026-01-31T23:00:00.000Z of 2026-01-10T00:00:00.000Z \.\. 2026-02-02T23:00:00.000Z/],
    ['a symbol with no candles', { SYMBOLS: '["SOL/USDT"]' }, NotFoundError, /missing candles: no binance SOL\/USDT 1h candles/],
  ])('fails on %s, naming the cause, and writes nothing', async (_what, change, type, message) => {
    const id = `bad-${Math.random().toString(36).slice(2, 8)}`;
    const err = await runTask(periodic, { env: backtestEnv(id, change), s3: fx.s3, log: silent }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
    expect(await keys('results', `backtests/${id}/`)).toEqual([]);
  });

  it('trains a model-based strategy walk-forward on the lookback before the window', async () => {
    const env = { ...backtestEnv('wf-1'), STRATEGY: 'mean-model', CONFIG_KEY: 'mean-model/v1.json', PARAMETERS: '{}', START_DATE: '2026-01-15T00:00:00Z' };
    await runTask(meanReverter, { env, s3: fx.s3, log: silent });
    expect(parseJsonEvent(BacktestResultFile, await text('results', 'backtests/wf-1/result.json'), 'result').trades.length).toBeGreaterThan(0);
    // Ten days of lookback before Jan 3 are not stored: refused, not trained on less.
    const early = { ...env, WORKFLOW_ID: 'wf-2', RESULT_KEY: 'backtests/wf-2/result.json', START_DATE: '2026-01-03T00:00:00Z' };
    await expect(runTask(meanReverter, { env: early, s3: fx.s3, log: silent })).rejects.toThrow(/missing candles: binance BTC\/USDT 1h covers 2026-01-01T00:00:00.000Z/);
  });
});

describe('runTask, train mode', () => {
  // Each test starts from an empty model history and an empty artifact bucket: version numbers and
  // artifact keys are asserted exactly, which a registry shared with the other tests would make
  // depend on the order the tests run in.
  let bucketNo = 0;
  beforeEach(async () => {
    mlflow = await startFakeMlflow();
    mlflowBucket = `mlflow-${++bucketNo}`;
    fx.server.createBucket(mlflowBucket);
  });
  afterEach(() => mlflow.stop());

  it('logs metrics and drift reference bins, stores the model and registers the next version', async () => {
    const out = await runTask(meanReverter, { env: trainEnv('rt-1'), s3: fx.s3, log: silent });
    expect(out).toMatchObject({ mode: 'train', modelName: 'mean-model', modelVersion: '1' });
    expect(Object.keys(out.timings)).toEqual(['env', 'config', 'candles', 'firstCandle', 'trained', 'registered']);
    const runId = out.runId!;
    const metrics = mlflow.state.runs[runId]!;
    expect(typeof metrics['sharpe']).toBe('number');
    expect(metrics['train.rows']).toBeGreaterThan(100);
    // What drift-monitor reads back: every feature and the prediction, bins contiguous from 0.
    const dists = distributionsFromMetrics(metrics, runId);
    expect(Object.keys(dists).sort()).toEqual(['prediction', 'range', 'ret_1']);
    expect(dists['ret_1']!.length).toBe(10);
    expect(dists['prediction']!.length).toBe(2);
    expect(mlflow.state.runInfo![runId]).toMatchObject({
      status: 'FINISHED',
      tags: { 'tradai.run_type': 'training', 'tradai.workflow_id': 'rt-1' },
      // Trained on the first 70 % (7 of 10 days), judged on the rest.
      params: { 'training.end': '2026-01-25T06:00:00.000Z', 'training.start': '2026-01-15T06:00:00.000Z', 'training.split': '2026-01-22T06:00:00.000Z', 'training.symbols': 'BTC/USDT,ETH/USDT', 'training.exchange': 'binance', 'training.timeframe': '1h' },
    });
    // The registered version points at the artifact, which holds the model and the bin edges.
    const version = mlflow.state.models['mean-model']![0]!;
    expect(version.run_id).toBe(runId);
    const [key, ...more] = await keys(mlflowBucket, 'artifacts/');
    expect(more).toEqual([]);
    expect(version.source).toBe(`s3://${mlflowBucket}/${key!.replace(/\/model\.json$/, '')}`);
    const { artifact, model } = readModelArtifact(meanReverter as TrainableStrategy, await text(mlflowBucket, key!), key!);
    expect(artifact.distributionEdges['ret_1']).toHaveLength(9);
    expect(artifact.trainedOn).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', start: '2026-01-15T06:00:00.000Z', end: '2026-01-22T06:00:00.000Z' });
    expect(artifact).toMatchObject({ format: 'tradai.model/v1', strategy: 'mean-model', features: ['ret_1', 'range'], parameters: {} });
    expect((model as MeanModel).mean).toBeTypeOf('number');
    // A bot's monitoring run bins its candles with the artifact's edges: same bins, PSI-comparable.
    const recent = generateCandles({ timeframe: '1h', start: JAN, count: 200, seed: 9 });
    const current = currentDistributions(meanReverter as TrainableStrategy, recent, {}, model, artifact.distributionEdges);
    for (const [name, bins] of Object.entries(dists)) expect(current[name]).toHaveLength(bins.length);
    expect(current['ret_1']!.reduce((a, b) => a + b, 0)).toBe(199);

    const again = await runTask(meanReverter, { env: trainEnv('rt-2'), s3: fx.s3, log: silent });
    expect(again.modelVersion).toBe('2');
  });

  it('refuses a strategy without a model, and a config without a training section', async () => {
    await expect(runTask(periodic, { env: { ...trainEnv('rt-3'), STRATEGY: 'periodic', CONFIG_KEY: 'periodic/v1.json' }, s3: fx.s3, log: silent })).rejects.toThrow(/periodic has no model to train/);
    const noTraining = { ...meanReverter, name: 'periodic', parameters: periodic.parameters };
    await expect(runTask(noTraining, { env: { ...trainEnv('rt-4'), STRATEGY: 'periodic', CONFIG_KEY: 'periodic/v1.json' }, s3: fx.s3, log: silent })).rejects.toThrow(/has no training section/);
  });

  it('names the run after the workflow, stores the artifact as JSON and logs the registered version', async () => {
    const logs: [string, Record<string, unknown> | undefined][] = [];
    const out = await runTask(meanReverter, { env: trainEnv('rt-9'), s3: fx.s3, log: (msg, fields) => logs.push([msg, fields]) });
    expect(mlflow.state.runInfo![out.runId!]!.runName).toBe('train-rt-9');
    const [key] = await keys(mlflowBucket, 'artifacts/');
    expect((await fx.s3.send(new HeadObjectCommand({ Bucket: mlflowBucket, Key: key! }))).ContentType).toBe('application/json');
    const registered = logs.filter(([msg]) => msg === 'model registered');
    expect(registered).toEqual([['model registered', expect.objectContaining({ modelName: 'mean-model', version: '1', runId: out.runId })]]);
    expect(registered[0]![1]).toHaveProperty('sharpe');
  });

  it('names the variable or config section at fault', async () => {
    const path = (run: Promise<unknown>) => run.then(() => 'resolved', (e: unknown) => (e instanceof ValidationError ? e.path : String(e)));
    expect(await path(runTask(periodic, { env: { ...trainEnv('rt-6'), STRATEGY: 'periodic', CONFIG_KEY: 'periodic/v1.json' }, s3: fx.s3, log: silent }))).toBe('MODE');
    const noTraining = { ...meanReverter, name: 'periodic', parameters: periodic.parameters };
    expect(await path(runTask(noTraining, { env: { ...trainEnv('rt-7'), STRATEGY: 'periodic', CONFIG_KEY: 'periodic/v1.json' }, s3: fx.s3, log: silent }))).toBe('training');
    expect(await path(runTask(meanReverter, { env: trainEnv('rt-8', { STRATEGY: 'other' }), s3: fx.s3, log: silent }))).toBe('STRATEGY');
  });

  it('fails when MLflow is down, registering nothing', async () => {
    mlflow.state.failWith = 503;
    await expect(runTask(meanReverter, { env: trainEnv('rt-5'), s3: fx.s3, log: silent })).rejects.toThrow(/MLflow .* 503/);
    expect(mlflow.state.models).toEqual({});
    expect(await keys(mlflowBucket, 'artifacts/')).toEqual([]);
  });
});

describe('main', () => {
  const run = async (strategy: Strategy, env: Record<string, string>, during?: (signals: EventEmitter) => void) => {
    const lines: string[] = [];
    const signals = new EventEmitter();
    const slowCandles = {
      read: async () => {
        during?.(signals);
        await new Promise((r) => setTimeout(r, 50));
        return generateCandles({ timeframe: '1h', start: JAN, count: 10, seed: 1 });
      },
    };
    const code = await main(strategy, { env, s3: fx.s3, log: silent, stderr: (l) => lines.push(l), signals: signals as never, ...(during ? { candles: slowCandles } : {}) });
    return { code, lines, listeners: signals.listenerCount('SIGTERM') };
  };

  it('exits 0 on success and 1 with one line naming the cause on failure', async () => {
    expect(await run(periodic, backtestEnv('main-1'))).toEqual({ code: 0, lines: [], listeners: 0 });
    const bad = await run(periodic, backtestEnv('main-2', { SYMBOLS: 'BTC' }));
    expect(bad.code).toBe(1);
    expect(bad.lines).toEqual(['EnvError: SYMBOLS is not valid JSON: BTC']);
  });

  it('stops on SIGTERM: exit 143, one line saying it was interrupted, nothing written', async () => {
    const out = await run(periodic, backtestEnv('main-3'), (signals) => signals.emit('SIGTERM', 'SIGTERM'));
    expect(out.code).toBe(INTERRUPTED_EXIT);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^InterruptedError: interrupted by SIGTERM/);
    expect(await keys('results', 'backtests/main-3/')).toEqual([]);
    expect(out.listeners).toBe(0);
  });

  it('an already aborted run throws InterruptedError before any I/O', async () => {
    const c = new AbortController();
    c.abort(new InterruptedError('stop'));
    await expect(runTask(periodic, { env: backtestEnv('main-4'), s3: fx.s3, log: silent, signal: c.signal })).rejects.toThrow(InterruptedError);
  });
});

describe('runTask, backtest outcome', () => {
  it('reports only the finite metrics: a run without trades has no sharpe to report', async () => {
    // Entries fall on hours that are 0 mod 1,000,000 since 1970: none in January 2026, so equity stays flat.
    const out = await runTask(periodic, { env: backtestEnv('bt-flat', { PARAMETERS: '{"every":1000000,"hold":999999}' }), s3: fx.s3, log: silent });
    expect(out.metrics).not.toHaveProperty('sharpe');
    expect(out.metrics['trade_count']).toBe(0);
    for (const v of Object.values(out.metrics)) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('defaultBacktestConfig', () => {
  it('starts from 10,000 quote with 99 % of the balance split equally over the symbols', () => {
    expect(defaultBacktestConfig(1)).toEqual({ startingBalance: 10_000, stake: { fraction: 0.99 }, maxOpenTrades: 1, feeRate: 0.001, slippage: 0.0005 });
    expect(defaultBacktestConfig(2)).toEqual({ startingBalance: 10_000, stake: { fraction: 0.495 }, maxOpenTrades: 2, feeRate: 0.001, slippage: 0.0005 });
    expect(defaultBacktestConfig(50).stake).toEqual({ fraction: 0.99 / 50 });
  });

  it('names binance as the default exchange and trains on 70 % of the window', () => {
    expect(DEFAULT_EXCHANGE).toBe('binance');
    expect(TRAIN_SPLIT).toBe(0.7);
  });
});

describe('runTask, backtest mode details', () => {
  const reasonOf = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as Error,
    );

  it("reads the config's exchange from the arcticdb bucket's location, and logs each step", async () => {
    await fx.s3.send(new PutObjectCommand({ Bucket: 'configs', Key: 'periodic/kraken.json', Body: JSON.stringify({ strategy: 'periodic', exchange: 'kraken' }) }));
    const { MARKET_DATA_DIR: _, ...env } = backtestEnv('ex-1', { CONFIG_KEY: 'periodic/kraken.json', ARCTICDB_BUCKET: 'arcticdb', SYMBOLS: '["BTC/USDT"]', CONFIG_VERSION: '7' });
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const reader = memoryReader({ 'BTC/USDT': hourly(JAN, 31 * 24) });
    await runTask(periodic, { env, s3: fx.s3, candles: reader, log: (msg, fields) => lines.push([msg, fields]) });
    expect(reader.reads).toEqual([{ key: { exchange: 'kraken', symbol: 'BTC/USDT', timeframe: '1h' }, range: { start: Date.UTC(2026, 0, 10), end: Date.UTC(2026, 0, 20) } }]);
    expect(lines.map(([msg]) => msg)).toEqual(['config loaded', 'result written']);
    expect(lines[0]![1]).toEqual({ strategy: 'periodic', mode: 'backtest', configKey: 'periodic/kraken.json', configVersion: 7 });
    expect(lines[1]![1]).toMatchObject({ resultKey: 'backtests/ex-1/result.json', reportKey: 'backtests/ex-1/result.html', trades: expect.any(Number) });
    const head = async (key: string) => (await fx.s3.send(new HeadObjectCommand({ Bucket: 'results', Key: key }))).ContentType;
    expect(await head('backtests/ex-1/result.json')).toBe('application/json');
    expect(await head('backtests/ex-1/result.html')).toBe('text/html; charset=utf-8');

    const missing = await reasonOf(runTask(periodic, { env: { ...env, WORKFLOW_ID: 'ex-2', RESULT_KEY: 'backtests/ex-2/r.json' }, s3: fx.s3, candles: memoryReader({}), log: silent }));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing!.message).toBe('missing candles: no kraken BTC/USDT 1h candles for 2026-01-10T00:00:00.000Z .. 2026-01-19T23:00:00.000Z in s3://arcticdb/');
  });

  it('names MARKET_DATA_DIR as the location of missing candles', async () => {
    const err = await reasonOf(runTask(periodic, { env: backtestEnv('loc-1', { SYMBOLS: '["SOL/USDT"]' }), s3: fx.s3, log: silent }));
    expect(err!.message).toBe(`missing candles: no binance SOL/USDT 1h candles for 2026-01-10T00:00:00.000Z .. 2026-01-19T23:00:00.000Z in ${dir}`);
  });

  it("trades with the strategy's engine settings, or the caller's over them", async () => {
    const withEngine: Strategy = {
      ...periodic,
      engine(this: Strategy) {
        // Called as a method: `this` is the strategy.
        return { startingBalance: this.name === 'periodic' ? 1234 : 1 };
      },
    };
    await runTask(withEngine, { env: backtestEnv('eng-1'), s3: fx.s3, log: silent });
    expect(parseJsonEvent(BacktestResultFile, await text('results', 'backtests/eng-1/result.json'), 'result').startingBalance).toBe(1234);
    await runTask(withEngine, { env: backtestEnv('eng-2'), s3: fx.s3, log: silent, engine: (p) => ({ startingBalance: Number(p['every']) * 100 }) });
    expect(parseJsonEvent(BacktestResultFile, await text('results', 'backtests/eng-2/result.json'), 'result').startingBalance).toBe(1200);
  });

  it('an already aborted run makes no S3 call at all', async () => {
    const sent: unknown[] = [];
    const s3 = { send: (cmd: unknown) => (sent.push(cmd), Promise.reject(new Error('no I/O expected'))) } as never;
    const c = new AbortController();
    c.abort(new InterruptedError('stop'));
    const err = await reasonOf(runTask(periodic, { env: backtestEnv('ab-1'), s3, log: silent, signal: c.signal }));
    expect(err).toBe(c.signal.reason);
    expect(sent).toEqual([]);
  });

  it('reports an abort with another reason as an interruption naming the reason', async () => {
    const c = new AbortController();
    const reader = memoryReader({ 'BTC/USDT': hourly(JAN, 31 * 24) }, () => c.abort('maintenance'));
    const err = await reasonOf(runTask(periodic, { env: backtestEnv('ab-2', { SYMBOLS: '["BTC/USDT"]' }), s3: fx.s3, candles: reader, log: silent, signal: c.signal }));
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err!.message).toBe('interrupted: maintenance');
    expect(await keys('results', 'backtests/ab-2/')).toEqual([]);
  });

  it('reports an aborted signal without a reason as "interrupted: aborted"', async () => {
    const signal = { aborted: true, reason: undefined } as unknown as AbortSignal;
    const err = await reasonOf(runTask(periodic, { env: backtestEnv('ab-3'), s3: fx.s3, log: silent, signal }));
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err!.message).toBe('interrupted: aborted');
  });

  it('reports a step that fails because of the abort (a cancelled call) as the interruption', async () => {
    const c = new AbortController();
    const stop = new InterruptedError('stopped');
    const candles = {
      read: () => {
        c.abort(stop);
        return Promise.reject(new Error('read cancelled'));
      },
    };
    expect(await reasonOf(runTask(periodic, { env: backtestEnv('ab-4'), s3: fx.s3, candles, log: silent, signal: c.signal }))).toBe(stop);
    // Without an abort, the same failure is reported as it is.
    const failing = { read: () => Promise.reject(new Error('read failed')) };
    expect((await reasonOf(runTask(periodic, { env: backtestEnv('ab-5'), s3: fx.s3, candles: failing, log: silent })))!.message).toBe('read failed');
  });

  /** An S3 stand-in serving periodic's config and recording every command; `onGet` runs inside the config read. */
  const recordingS3 = (onGet?: () => void) => {
    const sent: string[] = [];
    const client = {
      send: (cmd: { constructor: { name: string } }) => {
        sent.push(cmd.constructor.name);
        if (cmd instanceof GetObjectCommand) {
          onGet?.();
          return Promise.resolve({ Body: { transformToString: () => Promise.resolve('{"strategy":"periodic"}') } });
        }
        return Promise.resolve({});
      },
    };
    return { sent, s3: client as never };
  };

  it('stops after the backtest, before sending anything to S3, when aborted during it', async () => {
    const c = new AbortController();
    const aborting: Strategy = {
      ...periodic,
      signals(candles, p) {
        c.abort(new InterruptedError('stop'));
        return periodic.signals(candles, p);
      },
    };
    const { sent, s3 } = recordingS3();
    await expect(runTask(aborting, { env: backtestEnv('ab-6'), s3, log: silent, signal: c.signal })).rejects.toThrow(InterruptedError);
    expect(sent).toEqual(['GetObjectCommand']);
  });

  it('reads no candles when aborted while the config was loading', async () => {
    const c = new AbortController();
    const { sent, s3 } = recordingS3(() => c.abort(new InterruptedError('stop')));
    const reader = memoryReader({ 'BTC/USDT': hourly(JAN, 31 * 24), 'ETH/USDT': hourly(JAN, 31 * 24) });
    await expect(runTask(periodic, { env: backtestEnv('ab-7'), s3, candles: reader, log: silent, signal: c.signal })).rejects.toThrow(InterruptedError);
    expect(sent).toEqual(['GetObjectCommand']);
    expect(reader.reads).toEqual([]);
  });

  it('records a "trained" step for a model-based strategy', async () => {
    const env = { ...backtestEnv('wf-3'), STRATEGY: 'mean-model', CONFIG_KEY: 'mean-model/v1.json', PARAMETERS: '{}', START_DATE: '2026-01-15T00:00:00Z' };
    const out = await runTask(meanReverter, { env, s3: fx.s3, log: silent });
    expect(Object.keys(out.timings)).toEqual(['env', 'config', 'candles', 'trained', 'firstCandle', 'backtest', 'written']);
  });
});

describe('runTask, train mode failures', () => {
  let bucketNo = 0;
  beforeEach(async () => {
    mlflow = await startFakeMlflow();
    mlflowBucket = `mlflow-f-${++bucketNo}`;
    fx.server.createBucket(mlflowBucket);
  });
  afterEach(() => mlflow.stop());

  it('marks the run FAILED when storing the model fails, and registers nothing', async () => {
    await expect(runTask(meanReverter, { env: trainEnv('rf-1', { MLFLOW_BUCKET: 'no-such-bucket' }), s3: fx.s3, log: silent })).rejects.toThrow();
    const [run, ...more] = Object.values(mlflow.state.runInfo ?? {});
    expect(more).toEqual([]);
    expect(run!.status).toBe('FAILED');
    expect(mlflow.state.models).toEqual({});
  });

  it('cancels MLflow calls in flight on abort and marks the run KILLED', async () => {
    const c = new AbortController();
    const seen: { path: string; body: string; aborted: boolean }[] = [];
    const fetchImpl = (url: string, init?: RequestInit) => {
      const path = url.split('/api/2.0/mlflow/')[1]!.split('?')[0]!;
      if (path === 'runs/log-batch') c.abort(new InterruptedError('stop'));
      seen.push({ path, body: String(init?.body ?? ''), aborted: init?.signal?.aborted ?? false });
      return fetch(url, init);
    };
    await expect(runTask(meanReverter, { env: trainEnv('rf-2'), s3: fx.s3, log: silent, fetch: fetchImpl, signal: c.signal })).rejects.toThrow(InterruptedError);
    expect(seen.find((s) => s.path === 'runs/create')!.aborted).toBe(false);
    expect(seen.find((s) => s.path === 'runs/log-batch')!.aborted).toBe(true);
    expect(JSON.parse(seen.find((s) => s.path === 'runs/update')!.body)).toMatchObject({ status: 'KILLED' });
    expect(mlflow.state.models).toEqual({});
    expect(await keys(mlflowBucket, 'artifacts/')).toEqual([]);
  });
});
