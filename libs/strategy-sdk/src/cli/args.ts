import { parseArgs } from 'node:util';
import { parameters, parseEvent, strategyName, ValidationError, type ParameterValue } from '@tradai/domain';
import { isTimeframe, TIMEFRAME_MS, type Timeframe } from '@tradai/market-data';

/** The backtest command's flags, checked. Paths are as given (resolved against the cwd by the runner). */
export interface BacktestCliArgs {
  readonly strategy: string;
  readonly symbols: readonly string[];
  /** Undefined: the strategy's default (its first timeframe). */
  readonly timeframe?: Timeframe;
  /** Window `[start, end)` in epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly store: string;
  readonly exchange: string;
  readonly params: Readonly<Record<string, ParameterValue>>;
  /** JSON file with BacktestConfig overrides. */
  readonly config?: string;
  /** Days before --start a model-based strategy trains on (walk-forward, like the task). */
  readonly trainDays: number;
  /** Undefined: a name derived from the run under dist/backtests/. */
  readonly out?: string;
  readonly html?: string;
}

export const USAGE =
  'usage: backtest --strategy=<name> --symbols=BTC/USDT[,ETH/USDT] --start=YYYY-MM-DD --end=YYYY-MM-DD [--timeframe=1h] ' +
  "[--store=data/sample-store] [--exchange=binance] [--params='{\"fast\":10}'] [--config=<file.json>] [--train-days=90] [--out=<result.json>] [--html=<report.html>]";

const SYMBOL = /^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function fail(flag: string, problem: string): never {
  throw new ValidationError(`--${flag}: ${problem}`, flag);
}

/**
 * A date flag: `YYYY-MM-DD` (UTC midnight) or an ISO timestamp with offset. A date-only `--end`
 * names the last day included, so `--start=2024-01-01 --end=2024-06-30` covers the whole half-year.
 */
export function parseDateFlag(flag: 'start' | 'end', text: string): number {
  if (DATE_ONLY.test(text)) {
    const t = Date.parse(`${text}T00:00:00Z`);
    // Date.parse rolls 2024-02-30 over to March; a round trip refuses it.
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== text) fail(flag, `"${text}" is not a calendar date`);
    return flag === 'end' ? t + DAY_MS : t;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t;
  }
  return fail(flag, `"${text}" is not a date (use YYYY-MM-DD or an ISO timestamp like 2024-01-01T00:00:00Z)`);
}

/** Parses and checks the flags; throws ValidationError naming the flag at fault (`--start: ...`). */
export function parseBacktestArgs(argv: readonly string[]): BacktestCliArgs {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        strategy: { type: 'string' },
        symbols: { type: 'string' },
        timeframe: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        store: { type: 'string', default: 'data/sample-store' },
        exchange: { type: 'string', default: 'binance' },
        params: { type: 'string' },
        config: { type: 'string' },
        'train-days': { type: 'string', default: '90' },
        out: { type: 'string' },
        html: { type: 'string' },
      },
    }));
  } catch (err) {
    // node:util's messages name the flag ("Unknown option '--foo'..."); keep its first sentence on one line.
    throw new ValidationError(`${(err as Error).message.split('\n')[0]}`, '(args)');
  }
  const required = (flag: string): string => values[flag] || fail(flag, `is required (${USAGE})`);

  const strategy = required('strategy');
  if (!strategyName.safeParse(strategy).success) fail('strategy', `"${strategy}" is not a strategy name (1-63 chars of a-z, 0-9, "-", "_")`);

  const symbols = required('symbols')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (symbols.length === 0) fail('symbols', 'give at least one symbol, e.g. BTC/USDT');
  for (const s of symbols) if (!SYMBOL.test(s)) fail('symbols', `"${s}" must look like BTC/USDT`);
  if (new Set(symbols).size !== symbols.length) fail('symbols', 'a symbol is listed twice');

  const timeframe = values.timeframe;
  if (timeframe !== undefined && !isTimeframe(timeframe)) fail('timeframe', `"${timeframe}" is not one of ${Object.keys(TIMEFRAME_MS).join(', ')}`);

  const start = parseDateFlag('start', required('start'));
  const end = parseDateFlag('end', required('end'));
  if (!(start < end)) fail('end', 'must be after --start');

  const exchange = values.exchange!;
  if (!/^[a-z0-9][a-z0-9_.]*$/.test(exchange)) fail('exchange', `"${exchange}" must be a lower-case ccxt id, e.g. binance`);

  let params: Record<string, ParameterValue> = {};
  if (values.params !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(values.params);
    } catch {
      fail('params', `not valid JSON: ${values.params}`);
    }
    try {
      params = parseEvent(parameters, raw, 'parameters');
    } catch (err) {
      fail('params', (err as Error).message);
    }
  }

  const trainDays = Number(values['train-days']);
  if (!Number.isInteger(trainDays) || trainDays < 1) fail('train-days', `"${values['train-days']}" must be a whole number of days >= 1`);

  if (values.out !== undefined && values.out === values.html) fail('html', 'must differ from --out');
  return {
    strategy,
    symbols,
    ...(timeframe !== undefined && { timeframe: timeframe as Timeframe }),
    start,
    end,
    store: values.store!,
    exchange,
    params,
    trainDays,
    ...(values.config !== undefined && { config: values.config }),
    ...(values.out !== undefined && { out: values.out }),
    ...(values.html !== undefined && { html: values.html }),
  };
}
