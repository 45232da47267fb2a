import type { BacktestMetrics, ParameterValue } from '@tradai/domain';
import type { CandleColumns, TimeRange, Timeframe } from '@tradai/market-data';
import type { Strategy } from '../strategy.js';

/**
 * How the engine trades. Validated by `parseBacktestConfig` (errors name the field).
 * Prices of stop-loss / take-profit are fractions of the entry fill price (gross of fees);
 * `minimalRoi` compares the net profit ratio (after slippage and both fees), like freqtrade's.
 */
export interface BacktestConfig {
  /** Quote currency at the start (e.g. 10_000 USDT). */
  readonly startingBalance: number;
  /** Quote per trade (fixed), or a fraction of current equity (marked at the last close), capped by free cash. */
  readonly stake: number | { readonly fraction: number };
  /** Most trades open at once across all symbols (at most one per symbol). */
  readonly maxOpenTrades: number;
  /** Fee per side as a fraction of the traded value (0.001 = 0.1 %). */
  readonly feeRate: number;
  /** Adverse price slippage per fill as a fraction (buys fill higher, sells lower). */
  readonly slippage: number;
  /** Exit when price moves this fraction against the entry (0.05 = 5 %). */
  readonly stopLoss?: number;
  /** Exit when price moves this fraction in favour of the entry. */
  readonly takeProfit?: number;
  /** freqtrade `minimal_roi`: minutes in trade -> minimum net profit ratio; exits at the candle close where reached. */
  readonly minimalRoi?: Readonly<Record<string, number>>;
  /** Act on EnterShort/ExitShort signals (default false: short signals are ignored). */
  readonly allowShort?: boolean;
}

export type ExitReason = 'signal' | 'stop_loss' | 'take_profit' | 'roi' | 'end_of_data';
export type TradeSide = 'long' | 'short';

/** A closed trade. Times are epoch ms; prices include slippage. */
export interface Trade {
  readonly pair: string;
  readonly side: TradeSide;
  /** Open time of the candle whose open filled the entry. */
  readonly openedAt: number;
  /** Fill time: the candle's open (signal exit), its open time (stop-loss/take-profit inside it), or its close time (ROI, end of data). */
  readonly closedAt: number;
  readonly openPrice: number;
  readonly closePrice: number;
  /** Base units bought (long) or sold (short). */
  readonly amount: number;
  /** Quote committed, entry fee included. */
  readonly stake: number;
  /** Entry + exit fee in quote. */
  readonly fees: number;
  /** Net profit in quote (after fees and slippage). */
  readonly profitAbs: number;
  /** profitAbs / stake. */
  readonly profitRatio: number;
  readonly exitReason: ExitReason;
}

/** One point per candle of the (merged) timeline, marked to market at that candle's close. */
export interface EquityPoint {
  /** Candle open time (epoch ms), like the candle's own timestamp. */
  readonly timestamp: number;
  readonly equity: number;
}

/** The equity curve as columns (one entry per candle; see `equityPoints` for objects). Read-only: with one symbol `timestamp` is a view of the candles' own column. */
export interface EquityCurve {
  readonly length: number;
  readonly timestamp: Float64Array;
  readonly equity: Float64Array;
}

export interface BacktestArgs<P extends Record<string, ParameterValue> = Record<string, ParameterValue>> {
  readonly strategy: Strategy<P>;
  /** Requested parameters; checked and merged over the declared defaults with the domain's `checkParameters`. */
  readonly params: Readonly<Record<string, ParameterValue>>;
  /** Candles per symbol (e.g. `BTC/USDT`); may start before `range.start` so indicators warm up. */
  readonly candles: Readonly<Record<string, CandleColumns>>;
  readonly timeframe: Timeframe;
  /** Config; validated (throws ValidationError naming the field). */
  readonly config: BacktestConfig;
  /** Half-open window `[start, end)` to trade in (default: all candles). Signals see only candles before `end`. */
  readonly range?: TimeRange;
  /** Trained model for model-based strategies (passed to `strategy.signals`). */
  readonly model?: unknown;
}

export interface BacktestResult {
  readonly strategy: string;
  readonly timeframe: Timeframe;
  /** Parameters as used (defaults merged). */
  readonly params: Readonly<Record<string, ParameterValue>>;
  readonly config: BacktestConfig;
  readonly symbols: readonly string[];
  readonly startingBalance: number;
  readonly finalBalance: number;
  /** Closed trades in closing order. */
  readonly trades: readonly Trade[];
  readonly equityCurve: EquityCurve;
  /** Same maths as consume-results (`computeBacktestMetrics` in @tradai/domain). */
  readonly metrics: BacktestMetrics;
}

/** Signature of the engine entry point (implemented in ./backtest.ts). */
export type RunBacktest = <P extends Record<string, ParameterValue>>(args: BacktestArgs<P>) => BacktestResult;
