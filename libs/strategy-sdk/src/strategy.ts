import type { ParameterSpec, ParameterValue } from '@tradai/domain';
import type { CandleColumns, Timeframe } from '@tradai/market-data';
import type { BacktestConfig } from './engine/types.js';

/**
 * The strategy interface. One object, two callers: the backtest engine (a whole window of candles
 * at once) and the trading engine (one closed candle at a time). Both call `signals` on the candles
 * up to and including the last closed candle, so the two produce the same signals; a strategy must
 * never read past the index it is asked about.
 */
export interface Strategy<P extends Record<string, ParameterValue> = Record<string, ParameterValue>> {
  /** Strategy name: the ECR repository suffix and the S3 prefix (domain `strategyName`). */
  readonly name: string;
  readonly description: string;
  /** Timeframes the strategy is written for; the first is its default. */
  readonly timeframes: readonly [Timeframe, ...Timeframe[]];
  /** Declared parameters, checked with the domain's `checkParameters` (the same check validate-strategy runs). */
  readonly parameters: Readonly<Record<keyof P & string, ParameterSpec>>;
  /** Candles needed before the first signal can be computed (indicator warm-up), given the parameters. */
  warmup(params: P): number;
  /**
   * Signals over a series: for each candle index i, the decision taken at the close of candle i,
   * computed only from candles 0..i. Returns one entry per candle (same length as `candles`).
   * `model` is the trained model for model-based strategies (see `Trainable`), else undefined.
   */
  signals(candles: CandleColumns, params: P, model?: unknown): Int8Array;
  /**
   * How orders are managed for these parameters (stop-loss, take-profit, minimal ROI), on top of the
   * run's defaults: part of the strategy, so the task, the local CLI and the trading engine apply the same.
   */
  engine?(params: P): Partial<BacktestConfig>;
}

/**
 * Signal values: hold, enter/exit long, enter/exit short. The engine acts on short signals only
 * with `allowShort`; an entry while a trade on the symbol is open, or an exit without one, is ignored.
 */
export const Signal = { Hold: 0, EnterLong: 1, ExitLong: -1, EnterShort: 2, ExitShort: -2 } as const;
export type Signal = (typeof Signal)[keyof typeof Signal];

/** A model-based strategy also trains (MODE=train) and serialises its model. */
export interface Trainable<P extends Record<string, ParameterValue> = Record<string, ParameterValue>, M = unknown> {
  /** Features a model reads, in order (these are the `dist.<feature>.<i>` names drift-monitor compares). */
  readonly features: readonly string[];
  train(candles: CandleColumns, params: P): { model: M; metrics: Record<string, number> };
  serialize(model: M): string;
  deserialize(text: string): M;
  /** Feature matrix for the candles (row per candle, column per feature; NaN during warm-up). */
  featureRows(candles: CandleColumns, params: P): Float64Array[];
}
