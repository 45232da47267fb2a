import type { Table, TradingItem } from '@tradai/domain';
import { emptyColumns, TIMEFRAME_MS, type Blobs, type CandleColumns } from '@tradai/market-data';
import { Signal, type BacktestConfig, type Strategy } from '@tradai/strategy-sdk';
import { TradingBot, type CycleReport } from './bot.js';
import { columnsFeed } from './feed.js';
import { BotLedger } from './ledger.js';
import type { OrderReport, OrderVenue } from './orders.js';
import { parseBotSettings, type BotMode } from './settings.js';

/*
 * Replays: a bot driven over candles held in memory, hour by hour, writing its real rows and state.
 * What the consumers of trading_state (heartbeat-monitor, shadow-test-evaluator, deployment-verifier,
 * backend-api) test against, so their tests read rows this engine wrote, not hand-made ones.
 */

const HOUR = TIMEFRAME_MS['1h'];
/** Period of {@link sineCandles}, in hours. */
export const SWING_PERIOD = 8;

/** Hourly candles on a sine of period {@link SWING_PERIOD} hours around 100 (±10), from `from` (whole hours). */
export function sineCandles(from: number, hours: number): CandleColumns {
  const c = emptyColumns(hours);
  const px = (t: number) => 100 + 10 * Math.sin((2 * Math.PI * (t / HOUR)) / SWING_PERIOD);
  for (let i = 0; i < hours; i++) {
    const t = from + i * HOUR;
    const o = px(t);
    const cl = px(t + HOUR);
    c.timestamp[i] = t;
    c.open[i] = o;
    c.close[i] = cl;
    c.high[i] = Math.max(o, cl) + 0.05;
    c.low[i] = Math.min(o, cl) - 0.05;
    c.volume[i] = 1;
  }
  return c;
}

/**
 * A clockwork strategy for replays: enters long on the candle whose hour is `offset` in the
 * {@link SWING_PERIOD} cycle and exits half a period later. On {@link sineCandles}, offset 5 buys
 * near the trough and sells near the peak (wins); offset 1 does the opposite (loses).
 */
export function swingStrategy(name = 'swing'): Strategy<{ offset: number }> {
  return {
    name,
    description: 'Clockwork entries and exits on the hour of a sine period (replays and tests).',
    timeframes: ['1h'],
    parameters: { offset: { type: 'number', integer: true, min: 0, max: SWING_PERIOD - 1, default: 5 } },
    warmup: () => 1,
    signals(candles, p) {
      const out = new Int8Array(candles.length);
      for (let i = 0; i < candles.length; i++) {
        const phase = (((candles.timestamp[i]! / HOUR - p.offset) % SWING_PERIOD) + SWING_PERIOD) % SWING_PERIOD;
        if (phase === 0) out[i] = Signal.EnterLong;
        else if (phase === SWING_PERIOD / 2) out[i] = Signal.ExitLong;
      }
      return out;
    },
  };
}

/**
 * A paper exchange for live bots in replays: market orders fill whole at the open of the candle
 * forming at `now()`, paying `feeRate` in quote; orders are found again by client id.
 */
export function paperOrders(candles: CandleColumns, now: () => number, feeRate: number): OrderVenue {
  const orders = new Map<string, OrderReport>();
  const priceAt = (t: number) => {
    const i = candles.timestamp.findIndex((ts) => ts <= t && t < ts + HOUR);
    if (i < 0) throw new Error(`paper exchange: no candle at ${new Date(t).toISOString()}`);
    return candles.open[i]!;
  };
  return {
    async placeMarket(symbol, side, amount, clientOrderId) {
      const known = orders.get(clientOrderId);
      if (known) return known;
      const average = priceAt(now());
      const cost = amount * average;
      const o: OrderReport = { id: String(orders.size + 1), clientOrderId, symbol, side, status: 'closed', amount, filled: amount, average, cost, feeQuote: cost * feeRate };
      orders.set(clientOrderId, o);
      return o;
    },
    findByClientId: async (_symbol, id) => orders.get(id),
    cancel: async () => undefined,
    openOrders: async () => [],
    balances: async () => {
      const held: Record<string, number> = {};
      for (const o of orders.values()) held[o.symbol.split('/')[0]!] = (held[o.symbol.split('/')[0]!] ?? 0) + (o.side === 'buy' ? o.filled : -o.filled);
      return held;
    },
    amountToPrecision: (_symbol, amount) => Math.floor(amount * 1e5) / 1e5,
  };
}

export interface ReplayBot {
  readonly botId: string;
  readonly mode: BotMode;
  /** Swing offset (see {@link swingStrategy}). */
  readonly offset: number;
  readonly deploymentId?: string;
  readonly configVersion?: number;
}

export interface ReplayArgs {
  readonly table: Table<TradingItem>;
  readonly blobs: Blobs;
  readonly strategy: string;
  readonly bots: readonly ReplayBot[];
  /** First cycle time: a whole hour (the candle forming then is the first filled at). */
  readonly from: number;
  readonly hours: number;
  readonly engine?: BacktestConfig;
}

/** Runs each bot over {@link sineCandles} for `hours` hourly cycles; their rows and state are left as the engine wrote them. */
export async function replayBots(a: ReplayArgs): Promise<{ bots: TradingBot[]; reports: CycleReport[][] }> {
  const candles = sineCandles(a.from - 50 * HOUR, a.hours + 60);
  const strategy = swingStrategy(a.strategy);
  const bots: TradingBot[] = [];
  const reports: CycleReport[][] = [];
  for (const b of a.bots) {
    const settings = parseBotSettings({
      botId: b.botId,
      mode: b.mode,
      strategy: a.strategy,
      exchange: 'binance',
      symbols: ['BTC/USDT'],
      timeframe: '1h',
      params: { offset: b.offset },
      engine: a.engine ?? { startingBalance: 10_000, stake: { fraction: 0.99 }, maxOpenTrades: 1, feeRate: 0.001, slippage: 0.0005 },
      lookback: 48,
      ...(b.deploymentId !== undefined && { deploymentId: b.deploymentId }),
      ...(b.configVersion !== undefined && { configVersion: b.configVersion }),
    });
    let now = a.from;
    const bot = new TradingBot({
      settings,
      strategy: strategy as Strategy,
      feed: columnsFeed({ 'BTC/USDT': candles }),
      ledger: new BotLedger(b.botId, a.table, a.blobs),
      ...(b.mode === 'live' && { orders: paperOrders(candles, () => now, settings.engine.feeRate) }),
    });
    await bot.start(now);
    const mine: CycleReport[] = [];
    for (let h = 0; h < a.hours; h++) {
      now = a.from + h * HOUR + 1_000;
      mine.push(await bot.cycle(now));
    }
    bots.push(bot);
    reports.push(mine);
  }
  return { bots, reports };
}
