import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { checkParameters, ValidationError, type ParameterValue } from '@tradai/domain';
import { createCandleStore, localBlobs, lowerBound, sliceColumns, TIMEFRAME_MS, type CandleColumns, type Timeframe } from '@tradai/market-data';
import { runBacktest } from '../engine/backtest.js';
import { parseBacktestConfig } from '../engine/config.js';
import { toResultFile } from '../engine/result-file.js';
import type { BacktestConfig, BacktestResult } from '../engine/types.js';
import { renderReport } from '../report/html.js';
import { isTrainable } from '../task/model.js';
import { defaultBacktestConfig } from '../task/run.js';
import { metricsText } from '../report/format.js';
import { parseBacktestArgs, type BacktestCliArgs } from './args.js';
import { DEFAULT_WORKSPACE_ROOT, loadStrategyModule, type StrategyModule } from './strategies.js';

export interface BacktestCliOptions {
  /** Folder relative paths are resolved against (default: process.cwd()). */
  readonly cwd?: string;
  /** Workspace whose apps/strategies/<name>/src/strategy.ts is loaded (default: this repository). */
  readonly workspaceRoot?: string;
  /** Where the metrics and the written paths go (default: process.stdout). */
  readonly stdout?: (text: string) => void;
  /** Where the one-line error goes (default: process.stderr). */
  readonly stderr?: (text: string) => void;
}

export interface BacktestCliRun {
  readonly result: BacktestResult;
  /** Absolute paths written. */
  readonly resultPath: string;
  readonly htmlPath?: string;
}

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The backtest command: parse flags, load the strategy and candles, run, then write the result
 * file (and the HTML report). Every input is checked before anything is written; a bad one throws
 * ValidationError / NotFoundError whose message starts with the flag at fault.
 */
export async function runBacktestCommand(args: BacktestCliArgs, options: BacktestCliOptions = {}): Promise<BacktestCliRun> {
  const cwd = options.cwd ?? process.cwd();
  const print = options.stdout ?? ((text: string) => process.stdout.write(text));
  const mod = await loadStrategyModule(options.workspaceRoot ?? DEFAULT_WORKSPACE_ROOT, args.strategy);
  const { strategy } = mod;

  const timeframe: Timeframe = args.timeframe ?? strategy.timeframes[0];
  if (!strategy.timeframes.includes(timeframe)) {
    throw new ValidationError(`--timeframe: ${strategy.name} is written for ${strategy.timeframes.join(', ')}, not ${timeframe}`, 'timeframe');
  }
  let params: Record<string, ParameterValue>;
  try {
    params = checkParameters(strategy.parameters, args.params);
  } catch (err) {
    throw new ValidationError(`--params: ${(err as Error).message}`, 'params');
  }
  const config = await readConfig(args, mod, params, cwd);

  // Candles before --start warm the indicators up (and train a model-based strategy); the engine trades only inside the window.
  const warmup = Math.max(0, Math.ceil(strategy.warmup(params)));
  const step = TIMEFRAME_MS[timeframe];
  const trainable = isTrainable(strategy);
  const lookback = warmup * step + (trainable ? args.trainDays * DAY_MS : 0);
  const storeDir = resolve(cwd, args.store);
  const store = createCandleStore({ blobs: localBlobs(storeDir) });
  const candles: Record<string, CandleColumns> = {};
  for (const symbol of args.symbols) {
    const c = await store.read({ exchange: args.exchange, symbol, timeframe }, { start: args.start - lookback, end: args.end });
    if (c.length === 0 || c.timestamp[c.length - 1]! < args.start) {
      throw new ValidationError(
        `--symbols: no ${symbol} ${timeframe} candles from ${args.exchange} in ${storeDir} between ${day(args.start)} and ${day(args.end - 1)}`,
        'symbols',
      );
    }
    candles[symbol] = c;
  }

  let model: unknown;
  if (trainable) {
    // Walk-forward like the task: trained on the first symbol's candles before the window, never on it.
    const first = candles[args.symbols[0]!]!;
    try {
      model = strategy.train(sliceColumns(first, 0, lowerBound(first.timestamp, args.start)), params).model;
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ValidationError(`--train-days: training on the ${args.trainDays} days before --start failed: ${(err as Error).message}`, 'train-days');
    }
  }

  const result = runBacktest({ strategy, params, candles, timeframe, config, range: { start: args.start, end: args.end }, model });
  // Render both outputs before writing either, so a failure leaves nothing behind.
  const resultJson = `${JSON.stringify(toResultFile(result), null, 2)}\n`;
  const html = args.html === undefined ? undefined : renderReport(result, candles);

  const resultPath = resolve(cwd, args.out ?? join('dist', 'backtests', `${strategy.name}_${timeframe}_${day(args.start)}_${day(args.end - 1)}.json`));
  const htmlPath = args.html === undefined ? undefined : resolve(cwd, args.html);
  await writeAtomic(resultPath, resultJson);
  if (htmlPath && html !== undefined) await writeAtomic(htmlPath, html);

  print(`${strategy.name} ${timeframe} ${args.symbols.join(',')} ${day(args.start)}..${day(args.end - 1)} (${args.exchange}, warm-up ${warmup} candles)\n`);
  print(`${metricsText(result)}\n`);
  print(`result: ${resultPath}\n`);
  if (htmlPath) print(`report: ${htmlPath}\n`);
  return { result, resultPath, ...(htmlPath && { htmlPath }) };
}

/** Engine settings: the task's defaults, then the strategy's own (`engine(params)`), then `--config`. */
async function readConfig(args: BacktestCliArgs, mod: StrategyModule, params: Record<string, ParameterValue>, cwd: string): Promise<BacktestConfig> {
  const defaults = { ...defaultBacktestConfig(args.symbols.length), ...mod.engine?.(params) };
  if (args.config === undefined) return parseBacktestConfig(defaults);
  const file = resolve(cwd, args.config);
  let overrides: unknown;
  try {
    overrides = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ValidationError(`--config: cannot read ${file}: ${why}`, 'config');
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new ValidationError(`--config: ${file} must hold a JSON object of BacktestConfig fields`, 'config');
  }
  try {
    return parseBacktestConfig({ ...defaults, ...overrides });
  } catch (err) {
    throw new ValidationError(`--config: ${(err as Error).message}`, 'config');
  }
}

/** Writes via a temp file in the same folder and a rename, so a reader never sees half a file. */
async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * The CLI as a function: returns the exit code. Bad input prints one line (`error: --flag: ...`)
 * to stderr and writes nothing; anything unexpected is printed the same way with its stack kept
 * out of the way (it is a local tool; the message is what the author acts on).
 */
export async function backtestCli(argv: readonly string[], options: BacktestCliOptions = {}): Promise<number> {
  const printError = options.stderr ?? ((text: string) => process.stderr.write(text));
  try {
    await runBacktestCommand(parseBacktestArgs(argv), options);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    printError(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
