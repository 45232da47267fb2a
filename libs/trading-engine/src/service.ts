import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from '@tradai/contracts';
import { ConfigVersionRepo, EnvError, listSetting, NotFoundError, numberSetting, positiveIntSetting, publishAlert, tableFromEnv, ValidationError } from '@tradai/domain';
import { createCandleStore, isTimeframe, localBlobs, s3Blobs, type Blobs } from '@tradai/market-data';
import { defaultBacktestConfig, isTrainable, loadConfig, loadStrategy, type Strategy } from '@tradai/strategy-sdk';
import { TradingBot, type BotLog } from './bot.js';
import { createExchange, type ExchangeCredentials } from './exchange.js';
import { ccxtFeed } from './feed.js';
import { BotLedger } from './ledger.js';
import { ccxtOrders } from './orders.js';
import { chooseConfigVersion, configParameters, configVersionItem, NothingToShadowError } from './resolve.js';
import { BotRunner } from './runner.js';
import { parseBotSettings, type BotMode, type BotSettings } from './settings.js';

type Source = Readonly<Record<string, string | undefined>>;

/** Variables a bot service reads besides the ones every service and the compute stack set (ENV). */
export const BOT_ENV = {
  /** live | dry-run | shadow (the compute stack sets it per service). */
  mode: 'TRADING_MODE',
  botId: 'BOT_ID',
  strategy: 'STRATEGY',
  /** Comma-separated, e.g. `BTC/USDT,ETH/USDT` (default: the config's training symbols). */
  symbols: 'BOT_SYMBOLS',
  /** Default: the config's training timeframe, else the strategy's first. */
  timeframe: 'BOT_TIMEFRAME',
  /** Dry-run: run this config version instead of the active deployment's. */
  configVersion: 'CONFIG_VERSION',
  /** Shadow: the shadow test whose candidate config runs (default: the strategy's RUNNING one; none: the bot idles). */
  shadowTestId: 'SHADOW_TEST_ID',
  startingBalance: 'BOT_STARTING_BALANCE',
  lookback: 'BOT_LOOKBACK',
  maxPositionSize: 'RISK_MAX_POSITION_SIZE',
  maxOpenPositions: 'RISK_MAX_OPEN_POSITIONS',
  dailyLossLimit: 'RISK_DAILY_LOSS_LIMIT',
  /** `true` lets a live bot run outside prod (a testnet account, say). */
  allowLiveOutsideProd: 'ALLOW_LIVE_OUTSIDE_PROD',
  /** Local runs without a catalog (BotIo.strategy): where strategies are loaded from (`apps/strategies/<name>` under it; default the working directory). */
  strategiesRoot: 'STRATEGIES_ROOT',
  /** Local runs: saved state and trades in this folder instead of the results bucket. */
  stateDir: 'BOT_STATE_DIR',
  /** Local runs: write candles to this folder instead of the arcticdb bucket. */
  marketDataDir: 'MARKET_DATA_DIR',
  arcticdbBucket: 'ARCTICDB_BUCKET',
} as const;

/** The bot's environment, checked. */
export interface BotEnv {
  readonly mode: BotMode;
  readonly botId: string;
  readonly strategy: string;
  readonly environment: string;
  readonly symbols?: readonly string[];
  readonly timeframe?: string;
  readonly configVersion?: number;
  readonly shadowTestId?: string;
  readonly startingBalance?: number;
  readonly lookback?: number;
  readonly risk: BotSettings['risk'];
  readonly exchangeSecretId?: string;
}

const trimmed = (env: Source, name: string) => env[name]?.trim() || undefined;

/**
 * Reads and checks the bot's variables; EnvError names each variable at fault. A live bot is
 * refused outside prod unless ALLOW_LIVE_OUTSIDE_PROD=true, and without EXCHANGE_SECRET_ID.
 */
export function readBotEnv(mode: BotMode, env: Source): BotEnv {
  const declared = trimmed(env, BOT_ENV.mode);
  if (declared && declared !== mode) throw new EnvError(`${BOT_ENV.mode} is "${declared}" but this service runs ${mode} bots`, [BOT_ENV.mode]);
  const missing = [BOT_ENV.botId, BOT_ENV.strategy, ENV.environment].filter((v) => !trimmed(env, v));
  if (missing.length) throw new EnvError(`missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, missing);
  const environment = trimmed(env, ENV.environment)!;
  let exchangeSecretId: string | undefined;
  if (mode === 'live') {
    const allow = trimmed(env, BOT_ENV.allowLiveOutsideProd);
    if (allow !== undefined && allow !== 'true' && allow !== 'false') throw new EnvError(`${BOT_ENV.allowLiveOutsideProd} must be true or false, got "${allow}"`, [BOT_ENV.allowLiveOutsideProd]);
    if (environment !== 'prod' && allow !== 'true') {
      throw new EnvError(
        `live trading refused in ${environment}: real orders run in prod only; set ${BOT_ENV.allowLiveOutsideProd}=true to trade live in ${environment} (a testnet account, say)`,
        [ENV.environment, BOT_ENV.allowLiveOutsideProd],
      );
    }
    exchangeSecretId = trimmed(env, ENV.exchangeSecretId);
    if (!exchangeSecretId) {
      throw new EnvError(`live trading needs exchange credentials: ${ENV.exchangeSecretId} is not set (the Secrets Manager secret with {"apiKey","secret"}, readable by the task role)`, [ENV.exchangeSecretId]);
    }
  }
  const timeframe = trimmed(env, BOT_ENV.timeframe);
  if (timeframe !== undefined && !isTimeframe(timeframe)) throw new EnvError(`${BOT_ENV.timeframe} is not a timeframe: "${timeframe}"`, [BOT_ENV.timeframe]);
  const opt = <T>(name: string, read: () => T): T | undefined => (trimmed(env, name) === undefined ? undefined : read());
  return {
    mode,
    botId: trimmed(env, BOT_ENV.botId)!,
    strategy: trimmed(env, BOT_ENV.strategy)!,
    environment,
    ...(trimmed(env, BOT_ENV.symbols) !== undefined && { symbols: listSetting(env, BOT_ENV.symbols) }),
    ...(timeframe !== undefined && { timeframe }),
    ...(trimmed(env, BOT_ENV.configVersion) !== undefined && { configVersion: positiveIntSetting(env, BOT_ENV.configVersion) }),
    ...(trimmed(env, BOT_ENV.shadowTestId) !== undefined && { shadowTestId: trimmed(env, BOT_ENV.shadowTestId)! }),
    ...(trimmed(env, BOT_ENV.startingBalance) !== undefined && { startingBalance: numberSetting(env, BOT_ENV.startingBalance, { min: 1 }) }),
    ...(trimmed(env, BOT_ENV.lookback) !== undefined && { lookback: positiveIntSetting(env, BOT_ENV.lookback) }),
    risk: {
      ...(opt(BOT_ENV.maxPositionSize, () => ({ maxPositionSize: numberSetting(env, BOT_ENV.maxPositionSize, { min: 0 }) })) ?? {}),
      ...(opt(BOT_ENV.maxOpenPositions, () => ({ maxOpenPositions: positiveIntSetting(env, BOT_ENV.maxOpenPositions) })) ?? {}),
      ...(opt(BOT_ENV.dailyLossLimit, () => ({ dailyLossLimit: numberSetting(env, BOT_ENV.dailyLossLimit, { min: 0, max: 1 }) })) ?? {}),
    },
    ...(exchangeSecretId !== undefined && { exchangeSecretId }),
  };
}

/** The exchange API key and secret from Secrets Manager (a JSON `{"apiKey": ..., "secret": ...}`); errors name the secret. */
export async function readExchangeCredentials(secrets: SecretsManagerClient, secretId: string): Promise<ExchangeCredentials> {
  const res = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  let value: unknown;
  try {
    value = JSON.parse(res.SecretString ?? '');
  } catch {
    throw new ValidationError(`exchange secret ${secretId} is not JSON: expected {"apiKey": "...", "secret": "..."}`, 'exchangeSecret');
  }
  const v = value as { apiKey?: unknown; secret?: unknown };
  const bad = (['apiKey', 'secret'] as const).filter((k) => typeof v?.[k] !== 'string' || (v[k] as string).length === 0);
  if (bad.length) throw new ValidationError(`exchange secret ${secretId} has no ${bad.join(' and ')}: expected {"apiKey": "...", "secret": "..."}`, 'exchangeSecret');
  return { apiKey: v.apiKey as string, secret: v.secret as string };
}

/** AWS clients and overrides a bot service is built with (tests pass local ones). */
export interface BotIo {
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sns?: SNSClient;
  readonly secrets?: SecretsManagerClient;
  /** Extra ccxt constructor config (tests: the fake exchange's urls). */
  readonly ccxtConfig?: Record<string, unknown>;
  /** Strategy lookup (default loadStrategy from STRATEGIES_ROOT). */
  readonly strategy?: (name: string) => Promise<Strategy>;
  readonly log?: BotLog;
}

/**
 * A strategy lookup over strategies compiled into the service (its `src/strategies.ts`): the
 * deployed image has no strategy sources to load at run time. An unknown name lists the known ones.
 */
export function strategyCatalog(strategies: readonly Strategy[]): (name: string) => Promise<Strategy> {
  const byName = new Map<string, Strategy>();
  for (const s of strategies) {
    if (byName.has(s.name)) throw new ValidationError(`strategy catalog names ${s.name} twice`, 'strategy');
    byName.set(s.name, s);
  }
  const names = [...byName.keys()].sort();
  return async (name) => byName.get(name) ?? Promise.reject(new NotFoundError(`unknown strategy "${name}": this service has ${names.join(', ') || '(none)'}`));
}

/** A bot with nothing to trade yet (a standing shadow service without a RUNNING test). */
export interface IdleBot {
  readonly botId: string;
  readonly reason: string;
  /** Writes the row's heartbeat (no PnL, no positions): an idle bot is alive, not silent. */
  heartbeat(): Promise<void>;
  /** Removes the row (stopped on purpose while idle). */
  removeRow(): Promise<void>;
}

/** Thrown by botFromEnv instead of a bot: runBotService idles, re-checking each cycle. */
export class BotIdleError extends Error {
  override readonly name = 'BotIdleError';
  constructor(readonly idle: IdleBot) {
    super(idle.reason);
  }
}

/**
 * Builds a bot and its runner from the environment: resolves the config version (live: active
 * deployment; shadow: the test's candidate; dry-run: given or active), reads the config file,
 * loads the strategy, and wires ccxt, the candle store, the ledger and alerts.
 */
export async function botFromEnv(mode: BotMode, source: Source, io: BotIo): Promise<{ bot: TradingBot; runner: BotRunner; env: BotEnv }> {
  const env = readBotEnv(mode, source);
  const credentials = env.exchangeSecretId ? await readExchangeCredentials(io.secrets ?? missing('a Secrets Manager client'), env.exchangeSecretId) : undefined;
  const choice = await chooseConfigVersion({
    mode,
    strategy: env.strategy,
    ...(mode !== 'shadow' && { deployments: tableFromEnv(io.doc, 'deployments', source) }),
    ...(mode === 'shadow' && { shadowTests: tableFromEnv(io.doc, 'shadow_test_state', source) }),
    ...(env.configVersion !== undefined && { configVersion: env.configVersion }),
    ...(env.shadowTestId !== undefined && { shadowTestId: env.shadowTestId }),
  }).catch((e: unknown) => {
    if (!(e instanceof NothingToShadowError)) throw e;
    const ledger = new BotLedger(env.botId, tableFromEnv(io.doc, 'trading_state', source), stateBlobsOf(source, io));
    throw new BotIdleError({
      botId: env.botId,
      reason: e.message,
      heartbeat: async () => {
        const now = new Date().toISOString();
        await ledger.report({ strategy: env.strategy, mode, last_heartbeat_at: now, updated_at: now });
      },
      removeRow: () => ledger.removeRow(),
    });
  });
  const version = await configVersionItem(new ConfigVersionRepo(tableFromEnv(io.doc, 'config_versions', source)), env.strategy, choice.configVersion);
  const configsBucket = requireVar(source, ENV.configsBucket);
  const config = await loadConfig(io.s3, configsBucket, version.config_key, env.strategy);
  const strategy = await (io.strategy ?? ((name: string) => loadStrategy(name, trimmed(source, BOT_ENV.strategiesRoot) ?? process.cwd())))(env.strategy);
  if (isTrainable(strategy)) throw new ValidationError(`strategy ${env.strategy} is model-based: bots load no MLflow models yet, so it cannot trade`, 'strategy');
  const symbols = env.symbols ?? config.training?.symbols;
  if (!symbols?.length) throw new EnvError(`no symbols to trade: set ${BOT_ENV.symbols} (the config names none)`, [BOT_ENV.symbols]);
  const params = configParameters(config);
  const settings = parseBotSettings({
    botId: env.botId,
    mode,
    strategy: env.strategy,
    exchange: config.exchange ?? 'binance',
    symbols,
    timeframe: env.timeframe ?? config.training?.timeframe ?? strategy.timeframes[0],
    params,
    engine: {
      ...defaultBacktestConfig(symbols.length),
      ...strategy.engine?.(params as never),
      ...(env.startingBalance !== undefined && { startingBalance: env.startingBalance }),
    },
    risk: env.risk,
    ...(env.lookback !== undefined && { lookback: env.lookback }),
    configVersion: choice.configVersion,
    ...(choice.deploymentId !== undefined && { deploymentId: choice.deploymentId }),
  });
  const exchange = createExchange({ exchange: settings.exchange, ...(credentials && { credentials }), ...(io.ccxtConfig && { ccxtConfig: io.ccxtConfig }) });
  const stateBlobs = stateBlobsOf(source, io);
  const marketDir = trimmed(source, BOT_ENV.marketDataDir);
  const arctic = trimmed(source, BOT_ENV.arcticdbBucket);
  const candleStore = marketDir ? createCandleStore({ blobs: localBlobs(marketDir) }) : arctic ? createCandleStore({ blobs: s3Blobs({ s3: io.s3, bucket: arctic }) }) : undefined;
  const topic = trimmed(source, ENV.alertsTopicArn);
  const sns = io.sns;
  const bot = new TradingBot({
    settings,
    strategy,
    feed: ccxtFeed(exchange),
    ledger: new BotLedger(settings.botId, tableFromEnv(io.doc, 'trading_state', source), stateBlobs),
    ...(mode === 'live' && { orders: ccxtOrders(exchange, settings.engine.feeRate) }),
    ...(candleStore && { candleStore }),
    ...(topic && sns && { alert: (a) => publishAlert(sns, topic, a) }),
    ...(io.log && { log: io.log }),
  });
  return { bot, runner: new BotRunner({ bot, ...(io.log && { log: io.log }) }), env };
}

/** Where saved state and trades go: BOT_STATE_DIR locally, else the results bucket under trading/. */
function stateBlobsOf(source: Source, io: BotIo): Blobs {
  const dir = trimmed(source, BOT_ENV.stateDir);
  return dir ? localBlobs(dir) : s3Blobs({ s3: io.s3, bucket: requireVar(source, ENV.resultsBucket), prefix: 'trading/' });
}

function requireVar(env: Source, name: string): string {
  const v = trimmed(env, name);
  if (!v) throw new EnvError(`missing environment variable ${name}`, [name]);
  return v;
}

function missing(what: string): never {
  throw new Error(`bot service wiring: ${what} is required`);
}
