import { TIMEFRAMES } from '@tradai/domain';
import { isTimeframe, type Timeframe } from '@tradai/market-data';
import { isIsoTime } from './schemas.js';
import { parseSymbol } from './symbols.js';

export const CLI_USAGE = [
  'usage: data sync --exchange=binance --symbols=BTC/USDT,ETH/USDT --timeframe=1h[,4h] --since=2024-01-01',
  '                 [--until=2024-02-01] [--store=./data/local-store] [--exchange-url=http://127.0.0.1:<port>]',
].join('\n');

export interface SyncCommand {
  readonly command: 'sync';
  readonly exchange: string;
  readonly symbols: string[];
  readonly timeframes: Timeframe[];
  /** Epoch ms. */
  readonly since: number;
  readonly until?: number;
  readonly store: string;
  readonly exchangeUrl?: string;
}

/** A command-line mistake; the message names the flag. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FLAGS = ['exchange', 'symbols', 'timeframe', 'since', 'until', 'store', 'exchange-url'] as const;
type Flag = (typeof FLAGS)[number];

/** Parses `sync --flag=value ...` (pure); every error names the flag at fault. */
export function parseCliArgs(argv: readonly string[]): SyncCommand {
  const [command, ...rest] = argv;
  if (command !== 'sync') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  const flags = new Map<Flag, string>();
  for (const arg of rest) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new UsageError(`"${arg}" is not --flag=value`);
    const [, name, value] = m as unknown as [string, string, string];
    if (!(FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown flag --${name}`);
    if (flags.has(name as Flag)) throw new UsageError(`--${name} given twice`);
    flags.set(name as Flag, value.trim());
  }
  const required = (f: Flag) => {
    const v = flags.get(f);
    if (!v) throw new UsageError(`--${f} is required`);
    return v;
  };
  const list = (f: Flag) => {
    const items = required(f).split(',').map((s) => s.trim());
    if (items.some((s) => s === '')) throw new UsageError(`--${f} has an empty entry`);
    return items;
  };
  const time = (f: Flag, v: string) => {
    if (!isIsoTime(v)) throw new UsageError(`--${f} must be an ISO date like 2024-01-01, got "${v}"`);
    return Date.parse(v);
  };

  const symbols = list('symbols');
  for (const s of symbols) if (!parseSymbol(s)) throw new UsageError(`--symbols entry "${s}" is not a BASE/QUOTE symbol like BTC/USDT`);
  const timeframes = list('timeframe');
  for (const t of timeframes) if (!isTimeframe(t)) throw new UsageError(`--timeframe "${t}" is not one of ${TIMEFRAMES.join(', ')}`);
  const since = time('since', required('since'));
  const untilRaw = flags.get('until');
  const until = untilRaw ? time('until', untilRaw) : undefined;
  if (until !== undefined && until <= since) throw new UsageError(`--until must be after --since`);
  const exchangeUrl = flags.get('exchange-url');
  if (exchangeUrl && !URL.canParse(exchangeUrl)) throw new UsageError(`--exchange-url must be a URL, got "${exchangeUrl}"`);
  return {
    command: 'sync',
    exchange: required('exchange'),
    symbols,
    timeframes: timeframes as Timeframe[],
    since,
    ...(until !== undefined ? { until } : {}),
    store: flags.get('store') || './data/local-store',
    ...(exchangeUrl ? { exchangeUrl } : {}),
  };
}
