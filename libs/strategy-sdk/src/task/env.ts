import { ENV } from '@tradai/contracts';
import { EnvError, isoTimestamp, parameters, positiveInt, strategyName, timeframe, workflowId, type ParameterValue } from '@tradai/domain';
import type { Timeframe } from '@tradai/market-data';
import * as z from 'zod/mini';

/**
 * The environment of the strategy task: the task definition's base environment (buckets, MLflow,
 * MODE=backtest) plus the per-run overrides of the RunBacktest / RunTraining states
 * (infra/compute/asl-templates). Nothing else is read, so a local run sets exactly these.
 */
export const TASK_ENV = {
  mode: 'MODE',
  workflowId: 'WORKFLOW_ID',
  strategy: 'STRATEGY',
  configKey: 'CONFIG_KEY',
  configVersion: 'CONFIG_VERSION',
  parameters: 'PARAMETERS',
  resultKey: 'RESULT_KEY',
  timeframe: 'TIMEFRAME',
  startDate: 'START_DATE',
  endDate: 'END_DATE',
  symbols: 'SYMBOLS',
  retrainingStartedAt: 'RETRAINING_STARTED_AT',
  configsBucket: ENV.configsBucket,
  resultsBucket: ENV.resultsBucket,
  arcticdbBucket: 'ARCTICDB_BUCKET',
  mlflowBucket: 'MLFLOW_BUCKET',
  mlflowTrackingUri: ENV.mlflowTrackingUri,
  /** Local runs only: read candles from this folder instead of the arcticdb bucket. */
  marketDataDir: 'MARKET_DATA_DIR',
} as const;

interface CommonEnv {
  readonly workflowId: string;
  readonly strategy: string;
  readonly configKey: string;
  readonly configVersion: number;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly configsBucket: string;
  /** Where candles come from: a local folder (MARKET_DATA_DIR) or the arcticdb bucket. */
  readonly marketData: { readonly dir: string } | { readonly bucket: string };
}

export interface BacktestEnv extends CommonEnv {
  readonly mode: 'backtest';
  readonly resultsBucket: string;
  readonly resultKey: string;
  readonly timeframe: Timeframe;
  /** Epoch ms, half-open window [start, end). */
  readonly start: number;
  readonly end: number;
  readonly symbols: readonly string[];
}

export interface TrainEnv extends CommonEnv {
  readonly mode: 'train';
  readonly mlflowBucket: string;
  readonly mlflowTrackingUri: string;
  /** `$$.Execution.StartTime` of the retraining run: the training window ends here. */
  readonly startedAt: number;
}

export type TaskEnv = BacktestEnv | TrainEnv;

type Source = Readonly<Record<string, string | undefined>>;

const symbol = z.string().check(z.regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'must look like BTC/USDT'));
const symbols = z.array(symbol).check(z.minLength(1), z.maxLength(50));

/** Reads one variable (required, trimmed) and validates it; the error names the variable and the problem. */
function read<S extends z.ZodMiniType>(source: Source, name: string, schema: S, json = false): z.output<S> {
  const raw = source[name]?.trim();
  if (!raw) throw new EnvError(`missing or empty environment variable: ${name}`, [name]);
  let value: unknown = raw;
  if (json) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new EnvError(`${name} is not valid JSON: ${raw.slice(0, 80)}`, [name]);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new EnvError(`${name} is invalid${where}: ${issue.message} (got ${raw.slice(0, 80)})`, [name]);
  }
  return parsed.data;
}

const nonEmpty = z.string().check(z.minLength(1));

/**
 * Parses and validates the task environment; throws {@link EnvError} naming the first bad variable.
 * `RESULT_KEY` must lie under `backtests/<WORKFLOW_ID>/` (consume-results reads it there; a task must
 * never overwrite another run's result).
 */
export function parseTaskEnv(source: Source): TaskEnv {
  const mode = read(source, TASK_ENV.mode, z.enum(['backtest', 'train']));
  const dir = source[TASK_ENV.marketDataDir]?.trim();
  const common: CommonEnv = {
    workflowId: read(source, TASK_ENV.workflowId, workflowId),
    strategy: read(source, TASK_ENV.strategy, strategyName),
    configKey: read(source, TASK_ENV.configKey, nonEmpty),
    configVersion: read(source, TASK_ENV.configVersion, z.pipe(z.string().check(z.regex(/^\d+$/, 'must be a positive integer')), z.transform(Number)).check(z.refine((n) => positiveInt.safeParse(n).success, 'must be a positive integer'))),
    parameters: read(source, TASK_ENV.parameters, parameters, true),
    configsBucket: read(source, TASK_ENV.configsBucket, nonEmpty),
    marketData: dir ? { dir } : { bucket: read(source, TASK_ENV.arcticdbBucket, nonEmpty) },
  };
  if (mode === 'train') {
    return {
      ...common,
      mode,
      mlflowBucket: read(source, TASK_ENV.mlflowBucket, nonEmpty),
      mlflowTrackingUri: read(source, TASK_ENV.mlflowTrackingUri, z.url()),
      startedAt: Date.parse(read(source, TASK_ENV.retrainingStartedAt, isoTimestamp)),
    };
  }
  const resultKey = read(source, TASK_ENV.resultKey, nonEmpty);
  const prefix = `backtests/${common.workflowId}/`;
  if (!resultKey.startsWith(prefix) || resultKey.length === prefix.length || resultKey.includes('..')) {
    throw new EnvError(`RESULT_KEY must lie under ${prefix} (the results prefix of this workflow), got ${resultKey}`, [TASK_ENV.resultKey]);
  }
  const start = Date.parse(read(source, TASK_ENV.startDate, isoTimestamp));
  const end = Date.parse(read(source, TASK_ENV.endDate, isoTimestamp));
  if (!(start < end)) throw new EnvError(`END_DATE must be after START_DATE, got ${source[TASK_ENV.startDate]} .. ${source[TASK_ENV.endDate]}`, [TASK_ENV.endDate]);
  return {
    ...common,
    mode,
    resultsBucket: read(source, TASK_ENV.resultsBucket, nonEmpty),
    resultKey,
    timeframe: read(source, TASK_ENV.timeframe, timeframe),
    start,
    end,
    symbols: read(source, TASK_ENV.symbols, symbols, true),
  };
}
