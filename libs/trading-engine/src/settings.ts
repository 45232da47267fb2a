import { parseEvent, strategyName, timeframe, ValidationError, type ParameterValue } from '@tradai/domain';
import { TIMEFRAME_MS, type Timeframe } from '@tradai/market-data';
import { parseBacktestConfig, type BacktestConfig } from '@tradai/strategy-sdk';
import * as z from 'zod/mini';

/** The three ways a bot runs: real orders, simulated fills, or simulated fills of a candidate config beside live. */
export const BOT_MODES = ['live', 'dry-run', 'shadow'] as const;
export type BotMode = (typeof BOT_MODES)[number];

/** Risk limits on top of the strategy's own order management. */
export interface RiskLimits {
  /** Most quote one position may commit (a larger stake is cut to this). */
  readonly maxPositionSize?: number;
  /** Most positions open at once (the stricter of this and the engine's `maxOpenTrades` applies). */
  readonly maxOpenPositions?: number;
  /**
   * Fall of equity since the start of the UTC day, as a fraction of it (0.05 = 5 %), at which new
   * entries halt for the rest of the day and a critical alert goes out. Exits still happen.
   */
  readonly dailyLossLimit?: number;
}

/** Everything a bot needs to know before it starts; validated by {@link parseBotSettings}. */
export interface BotSettings {
  /** trading_state key; also the prefix of its client order ids and saved state. */
  readonly botId: string;
  readonly mode: BotMode;
  readonly strategy: string;
  /** ccxt exchange id. */
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Strategy parameters (checked against the strategy's declaration when the bot is built). */
  readonly params: Readonly<Record<string, ParameterValue>>;
  /** Fees, slippage, stake, stop-loss/take-profit/ROI: the backtest's config, so the bot decides like it. */
  readonly engine: BacktestConfig;
  readonly risk: RiskLimits;
  /** Candles kept per symbol for the signals (default 500, at least the strategy's warm-up + 1). */
  readonly lookback: number;
  /** Strategy config version and deployment the bot runs (reported in its row). */
  readonly configVersion?: number;
  readonly deploymentId?: string;
}

const symbol = z.string().check(z.regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'must look like BTC/USDT'));
const fraction = z.number().check(z.gt(0, 'must be > 0'), z.lt(1, 'must be < 1'));

const Schema = z.object({
  botId: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 chars of A-Z, a-z, 0-9, "_", ".", "-"')),
  mode: z.enum(BOT_MODES),
  strategy: strategyName,
  exchange: z.string().check(z.regex(/^[a-z0-9]{2,32}$/, 'must be a ccxt exchange id (a-z, 0-9)')),
  symbols: z.array(symbol).check(
    z.minLength(1, 'must list at least one symbol'),
    z.maxLength(20, 'at most 20 symbols per bot'),
    z.refine((s) => new Set(s).size === s.length, 'must not repeat a symbol'),
  ),
  timeframe,
  params: z._default(z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])), {}),
  engine: z.unknown(),
  risk: z._default(
    z.object({
      maxPositionSize: z.optional(z.number().check(z.gt(0, 'must be > 0'))),
      maxOpenPositions: z.optional(z.int().check(z.gte(1, 'must be >= 1'))),
      dailyLossLimit: z.optional(fraction),
    }),
    {},
  ),
  lookback: z._default(z.int().check(z.gte(2, 'must be >= 2'), z.lte(10_000, 'must be <= 10000')), 500),
  configVersion: z.optional(z.int().check(z.gte(1, 'must be >= 1'))),
  deploymentId: z.optional(z.string().check(z.minLength(1))),
});

/**
 * Validates bot settings; throws ValidationError naming the field (`invalid bot settings: symbols.0: ...`).
 * A live bot may not short (spot markets): `engine.allowShort` is refused for it.
 */
export function parseBotSettings(input: unknown): BotSettings {
  const s = parseEvent(Schema, input, 'bot settings');
  let engine: BacktestConfig;
  try {
    engine = parseBacktestConfig(s.engine);
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(`invalid bot settings: engine: ${err.message.replace(/^invalid backtest config: /, '')}`, `engine.${err.path}`);
    throw err;
  }
  if (s.mode === 'live' && engine.allowShort) throw new ValidationError('invalid bot settings: engine.allowShort: a live bot trades spot and cannot short', 'engine.allowShort');
  if (TIMEFRAME_MS[s.timeframe] === undefined) throw new ValidationError(`invalid bot settings: timeframe: unknown "${s.timeframe}"`, 'timeframe');
  return { ...s, engine, risk: s.risk };
}
