import { LAMBDA_ACCESS } from '@tradai/contracts';
import { EnvError, listSetting, numberSetting, TIMEFRAMES } from '@tradai/domain';
import { isTimeframe, type Timeframe } from '@tradai/market-data';
import { authConfig, serviceConfig, type AuthConfig, type ServiceConfig } from '@tradai/service-runtime';
import { parseSymbol } from './symbols.js';

type Source = Readonly<Record<string, string | undefined>>;

/** Variables this service reads besides the runtime's (SERVICE_PORT, HEALTH_PATH, LOG_LEVEL, ...) and the token ones (AUTH_ENV). */
export const DATA_ENV = {
  exchange: 'EXCHANGE_ID',
  symbols: 'SYMBOLS',
  timeframes: 'TIMEFRAMES',
  /** Local runs: a folder instead of the bucket (same name as the strategy task's). */
  marketDataDir: 'MARKET_DATA_DIR',
  /** Set by the compute stack (bucketEnvName('arcticdb')); read when MARKET_DATA_DIR is not set. */
  arcticdbBucket: 'ARCTICDB_BUCKET',
  /** Local runs and tests: the fake exchange's origin, e.g. http://127.0.0.1:9000. */
  exchangeUrl: 'EXCHANGE_URL',
  /** Where a series with nothing stored starts (ISO date); default 30 days back. */
  syncSince: 'SYNC_SINCE',
  /** How long POST /sync waits before answering 202 with a job id. */
  syncWaitMs: 'SYNC_WAIT_MS',
} as const;

/**
 * Defaults of the lists are the data-collection-trigger's (LAMBDA_ACCESS settings): the schedule and
 * the symbols route then describe the same series unless the stack overrides both.
 */
const TRIGGER = LAMBDA_ACCESS['data-collection-trigger'].settings!;

const DAY_MS = 86_400_000;

export type StoreLocation = { readonly kind: 'local'; readonly dir: string } | { readonly kind: 's3'; readonly bucket: string };

export interface DataCollectionConfig {
  readonly service: ServiceConfig;
  /** Whose tokens the /api/v1 routes accept (the CLI needs none: it calls the sync code directly). */
  readonly auth: AuthConfig;
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframes: readonly Timeframe[];
  readonly store: StoreLocation;
  readonly exchangeUrl?: string;
  /** Epoch ms where a series with nothing stored starts. */
  readonly syncSince: number;
  readonly syncWaitMs: number;
}

/** Parses an ISO date (`2024-01-01`) or date-time into epoch ms; throws naming `what`. */
export function isoToMs(value: string, what: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim()) ? Date.parse(value.trim()) : NaN;
  if (!Number.isFinite(ms)) throw new EnvError(`${what} must be an ISO date like 2024-01-01, got "${value}"`, [what]);
  return ms;
}

/** The whole configuration, checked at start; every error is an EnvError naming the variable. */
export function dataCollectionConfig(source: Source = process.env, now: () => number = Date.now): DataCollectionConfig {
  const service = serviceConfig('data-collection', source);
  const withDefaults = { [DATA_ENV.symbols]: TRIGGER.SYMBOLS, [DATA_ENV.timeframes]: TRIGGER.TIMEFRAMES, ...definedOnly(source) };
  const symbols = listSetting(withDefaults, DATA_ENV.symbols);
  for (const s of symbols) {
    if (!parseSymbol(s)) throw new EnvError(`${DATA_ENV.symbols} entry "${s}" is not a BASE/QUOTE symbol`, [DATA_ENV.symbols]);
  }
  const timeframes = listSetting(withDefaults, DATA_ENV.timeframes);
  for (const t of timeframes) {
    if (!isTimeframe(t)) throw new EnvError(`${DATA_ENV.timeframes} entry "${t}" is not one of ${TIMEFRAMES.join(', ')}`, [DATA_ENV.timeframes]);
  }
  const dir = source[DATA_ENV.marketDataDir]?.trim();
  const bucket = source[DATA_ENV.arcticdbBucket]?.trim();
  if (!dir && !bucket) {
    throw new EnvError(`missing or empty environment variable: ${DATA_ENV.arcticdbBucket} (or ${DATA_ENV.marketDataDir} for a local folder)`, [DATA_ENV.arcticdbBucket]);
  }
  const exchangeUrl = source[DATA_ENV.exchangeUrl]?.trim();
  if (exchangeUrl && !URL.canParse(exchangeUrl)) throw new EnvError(`${DATA_ENV.exchangeUrl} must be a URL, got "${exchangeUrl}"`, [DATA_ENV.exchangeUrl]);
  const since = source[DATA_ENV.syncSince]?.trim();
  const syncSince = since ? isoToMs(since, DATA_ENV.syncSince) : Math.floor(now() / DAY_MS) * DAY_MS - 30 * DAY_MS;
  const syncWaitMs = source[DATA_ENV.syncWaitMs]?.trim() ? numberSetting(source, DATA_ENV.syncWaitMs, { min: 0, max: 9_000, integer: true }) : 5_000;
  const auth = authConfig(source);
  return {
    service,
    auth,
    exchange: source[DATA_ENV.exchange]?.trim() || 'binance',
    symbols,
    timeframes: timeframes as Timeframe[],
    store: dir ? { kind: 'local', dir } : { kind: 's3', bucket: bucket! },
    ...(exchangeUrl ? { exchangeUrl } : {}),
    syncSince,
    syncWaitMs,
  };
}

function definedOnly(source: Source): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== ''));
}
