import { ValidationError } from '@tradai/domain';
import { Signal } from '../strategy.js';
import { roiTable, type RoiTable } from './config.js';
import type { BacktestConfig, ExitReason, Trade } from './types.js';

/** An exit the rules call for inside or at the close of a candle: fill at `raw` (before slippage), at time `at`. */
export interface ExitIntent {
  readonly reason: ExitReason;
  readonly raw: number;
  readonly at: number;
}

/** One open position, as saved for a restart (see {@link Portfolio.snapshot}). */
export interface PositionState {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly openPrice: number;
  readonly amount: number;
  readonly stake: number;
  readonly entryFee: number;
  readonly openedAt: number;
}

/** What a restart needs to continue where a portfolio stopped. */
export interface PortfolioState {
  readonly cash: number;
  readonly positions: readonly PositionState[];
}

/**
 * The decision rules and the simulated fill model of the engine, per symbol, over one cash balance.
 * The backtest (`runBacktest`) and the trading engine (dry-run, shadow and live bots) both drive
 * this one class, so a bot takes exactly the backtest's decisions and, when it simulates fills,
 * gets exactly its prices. A live bot asks the same questions (`signalExit`, `entryDirection`,
 * `stakeFor`, `candleExit`) and records the exchange's real fills with `recordOpen`/`recordClose`.
 *
 * State lives in typed arrays indexed by symbol number: the backtest's hot loop allocates only
 * when a trade closes.
 */
export class Portfolio {
  readonly n: number;
  /** Position direction per symbol: 1 long, -1 short, 0 flat. */
  readonly side: Int8Array;
  readonly openPx: Float64Array;
  readonly amount: Float64Array;
  readonly stakeOf: Float64Array;
  readonly entryFee: Float64Array;
  readonly openedAt: Float64Array;
  readonly stopPx: Float64Array;
  readonly tpPx: Float64Array;
  /** Last candle close seen per symbol (marks open positions). */
  readonly lastClose: Float64Array;
  cash: number;
  openCount = 0;

  private readonly fee: number;
  private readonly slip: number;
  private readonly sl: number;
  private readonly tp: number;
  private readonly roi: RoiTable | undefined;
  private readonly allowShort: boolean;
  private readonly fixedStake: number;
  private readonly stakeFraction: number;

  constructor(
    readonly config: BacktestConfig,
    readonly symbols: readonly string[],
    /** Candle length in ms: ROI exits happen at a candle's close (its open time + this). */
    readonly timeframeMs: number,
  ) {
    this.n = symbols.length;
    const n = this.n;
    this.side = new Int8Array(n);
    this.openPx = new Float64Array(n);
    this.amount = new Float64Array(n);
    this.stakeOf = new Float64Array(n);
    this.entryFee = new Float64Array(n);
    this.openedAt = new Float64Array(n);
    this.stopPx = new Float64Array(n);
    this.tpPx = new Float64Array(n);
    this.lastClose = new Float64Array(n);
    this.cash = config.startingBalance;
    this.fee = config.feeRate;
    this.slip = config.slippage;
    this.sl = config.stopLoss ?? NaN;
    this.tp = config.takeProfit ?? NaN;
    this.roi = roiTable(config.minimalRoi);
    this.allowShort = config.allowShort === true;
    this.fixedStake = typeof config.stake === 'number' ? config.stake : NaN;
    this.stakeFraction = typeof config.stake === 'number' ? NaN : config.stake.fraction;
  }

  /** Whether another trade may open (`maxOpenTrades`). */
  canOpen(): boolean {
    return this.openCount < this.config.maxOpenTrades;
  }

  /** Whether signal `s` closes the open position of symbol `k`. */
  signalExit(k: number, s: number): boolean {
    return (this.side[k] === 1 && s === Signal.ExitLong) || (this.side[k] === -1 && s === Signal.ExitShort);
  }

  /** Direction signal `s` opens on flat symbol `k` (0: none; shorts only with `allowShort`). */
  entryDirection(k: number, s: number): 0 | 1 | -1 {
    if (this.side[k] !== 0) return 0;
    return s === Signal.EnterLong ? 1 : s === Signal.EnterShort && this.allowShort ? -1 : 0;
  }

  /** Cash plus open positions marked at their last close (what a fractional stake is a fraction of). */
  equity(): number {
    let eq = this.cash;
    for (let k = 0; k < this.n; k++) if (this.side[k] !== 0) eq += this.markToMarket(k, this.lastClose[k]!);
    return eq;
  }

  /**
   * Quote to commit to the next entry, or NaN to skip it: a fixed stake needs that much cash; a
   * fractional one is of `equityNow` (pass {@link equity} once per timestamp), capped by cash.
   */
  stakeFor(equityNow: number): number {
    const fixed = this.fixedStake;
    if (fixed === fixed) {
      if (this.cash < fixed * (1 - 1e-12)) return NaN;
      return Math.min(fixed, this.cash);
    }
    const stake = Math.min(this.stakeFraction * equityNow, this.cash);
    return stake > this.config.startingBalance * 1e-12 ? stake : NaN;
  }

  /** Whether a fractional stake is configured (then {@link stakeFor} needs the equity). */
  get fractionalStake(): boolean {
    return this.stakeFraction === this.stakeFraction;
  }

  /**
   * The exit the rules call for in candle (t, o, h, l, c) of symbol `k`: stop-loss or take-profit
   * inside it (stop-loss first when both lie inside: OHLC cannot tell the order; a gap fills at the
   * open), else minimal ROI at its close. Undefined when flat or nothing triggers.
   */
  candleExit(k: number, t: number, o: number, h: number, l: number, c: number): ExitIntent | undefined {
    const side = this.side[k];
    if (side === 1) {
      if (l <= this.stopPx[k]!) return { reason: 'stop_loss', raw: Math.min(o, this.stopPx[k]!), at: t };
      if (h >= this.tpPx[k]!) return { reason: 'take_profit', raw: Math.max(o, this.tpPx[k]!), at: t };
    } else if (side === -1) {
      if (h >= this.stopPx[k]!) return { reason: 'stop_loss', raw: Math.max(o, this.stopPx[k]!), at: t };
      if (l <= this.tpPx[k]!) return { reason: 'take_profit', raw: Math.min(o, this.tpPx[k]!), at: t };
    } else return undefined;
    const roi = this.roi;
    if (roi) {
      const closeAt = t + this.timeframeMs;
      const age = closeAt - this.openedAt[k]!;
      let r = -1;
      while (r + 1 < roi.afterMs.length && roi.afterMs[r + 1]! <= age) r++;
      if (r >= 0 && this.exitValue(k, this.exitPx(k, c)) - this.stakeOf[k]! >= roi.minRatio[r]! * this.stakeOf[k]!) return { reason: 'roi', raw: c, at: closeAt };
    }
    return undefined;
  }

  /** Simulated entry: adverse slippage on `raw`, `feeRate` of the stake, then {@link recordOpen}. */
  simulateOpen(k: number, dir: 1 | -1, raw: number, at: number, stake: number): void {
    const px = dir === 1 ? raw * (1 + this.slip) : raw * (1 - this.slip);
    const fee = stake * this.fee;
    this.recordOpen(k, dir, px, (stake - fee) / px, stake, fee, at);
  }

  /** Simulated exit: adverse slippage on `raw`, `feeRate` of the exit value, then {@link recordClose}. */
  simulateClose(k: number, raw: number, at: number, reason: ExitReason): Trade {
    const px = this.exitPx(k, raw);
    return this.recordClose(k, px, this.amount[k]! * px * this.fee, at, reason);
  }

  /** An entry filled at `px` for `amount` base units, committing `stake` quote of which `fee` is the fee. */
  recordOpen(k: number, dir: 1 | -1, px: number, amount: number, stake: number, fee: number, at: number): void {
    if (this.side[k] !== 0) throw new ValidationError(`${this.symbols[k]}: a position is already open`, 'symbol');
    this.side[k] = dir;
    this.openPx[k] = px;
    this.entryFee[k] = fee;
    this.amount[k] = amount;
    this.stakeOf[k] = stake;
    this.openedAt[k] = at;
    this.setTargets(k);
    this.cash -= stake;
    this.openCount++;
  }

  /** Closes the position of `k` filled at `px` with an exit fee of `fee` quote; returns the trade. */
  recordClose(k: number, px: number, fee: number, at: number, reason: ExitReason): Trade {
    const side = this.side[k]!;
    if (side === 0) throw new ValidationError(`${this.symbols[k]}: no open position to close`, 'symbol');
    const gross = side === 1 ? this.amount[k]! * px : this.amount[k]! * (2 * this.openPx[k]! - px);
    const back = gross - fee;
    const profit = back - this.stakeOf[k]!;
    this.cash += back;
    const trade: Trade = {
      pair: this.symbols[k]!,
      side: side === 1 ? 'long' : 'short',
      openedAt: this.openedAt[k]!,
      closedAt: at,
      openPrice: this.openPx[k]!,
      closePrice: px,
      amount: this.amount[k]!,
      stake: this.stakeOf[k]!,
      fees: this.entryFee[k]! + fee,
      profitAbs: profit,
      profitRatio: profit / this.stakeOf[k]!,
      exitReason: reason,
    };
    this.side[k] = 0;
    this.openCount--;
    return trade;
  }

  /**
   * Closes `fraction` (0, 1) of the position of `k` (a partially filled exit): the closed part is a
   * trade with a pro-rated stake and entry fee; the rest stays open with the same entry price.
   */
  recordPartialClose(k: number, fraction: number, px: number, fee: number, at: number, reason: ExitReason): Trade {
    if (!(fraction > 0 && fraction < 1)) throw new ValidationError(`partial close fraction must be in (0, 1), got ${fraction}`, 'fraction');
    const keep = { amount: this.amount[k]!, stake: this.stakeOf[k]!, fee: this.entryFee[k]! };
    this.amount[k] = keep.amount * fraction;
    this.stakeOf[k] = keep.stake * fraction;
    this.entryFee[k] = keep.fee * fraction;
    const trade = this.recordClose(k, px, fee, at, reason);
    // recordClose flattened the symbol: the remainder stays open.
    this.side[k] = trade.side === 'long' ? 1 : -1;
    this.amount[k] = keep.amount * (1 - fraction);
    this.stakeOf[k] = keep.stake * (1 - fraction);
    this.entryFee[k] = keep.fee * (1 - fraction);
    this.openCount++;
    return trade;
  }

  /** Remembers the close of the candle just processed (marks the position for equity). */
  markClose(k: number, close: number): void {
    this.lastClose[k] = close;
  }

  /** Cash a position would return at fill price `px` (after the exit fee). */
  exitValue(k: number, px: number): number {
    const gross = this.side[k] === 1 ? this.amount[k]! * px : this.amount[k]! * (2 * this.openPx[k]! - px);
    return gross - this.amount[k]! * px * this.fee;
  }

  /** Fill price of an exit at raw price `raw` (adverse slippage). */
  exitPx(k: number, raw: number): number {
    return this.side[k] === 1 ? raw * (1 - this.slip) : raw * (1 + this.slip);
  }

  markToMarket(k: number, price: number): number {
    return this.side[k] === 1 ? this.amount[k]! * price : this.amount[k]! * (2 * this.openPx[k]! - price);
  }

  /** Cash and open positions, as JSON-safe values. */
  snapshot(): PortfolioState {
    const positions: PositionState[] = [];
    for (let k = 0; k < this.n; k++) {
      if (this.side[k] === 0) continue;
      positions.push({
        symbol: this.symbols[k]!,
        side: this.side[k] === 1 ? 'long' : 'short',
        openPrice: this.openPx[k]!,
        amount: this.amount[k]!,
        stake: this.stakeOf[k]!,
        entryFee: this.entryFee[k]!,
        openedAt: this.openedAt[k]!,
      });
    }
    return { cash: this.cash, positions };
  }

  /** Replaces cash and positions with a saved snapshot; a position of a symbol this portfolio does not trade is refused. */
  restore(state: PortfolioState): void {
    this.side.fill(0);
    this.openCount = 0;
    this.cash = state.cash;
    for (const p of state.positions) {
      const k = this.symbols.indexOf(p.symbol);
      if (k < 0) throw new ValidationError(`saved position of ${p.symbol}, which this portfolio does not trade (${this.symbols.join(', ')})`, 'positions');
      this.side[k] = p.side === 'long' ? 1 : -1;
      this.openPx[k] = p.openPrice;
      this.amount[k] = p.amount;
      this.stakeOf[k] = p.stake;
      this.entryFee[k] = p.entryFee;
      this.openedAt[k] = p.openedAt;
      this.setTargets(k);
      this.openCount++;
    }
  }

  private setTargets(k: number): void {
    const px = this.openPx[k]!;
    const dir = this.side[k];
    this.stopPx[k] = dir === 1 ? px * (1 - this.sl) : px * (1 + this.sl);
    this.tpPx[k] = dir === 1 ? px * (1 + this.tp) : px * (1 - this.tp);
  }
}
