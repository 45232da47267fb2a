import { checkParameters, ValidationError, type AlertNotification, type ParameterValue } from '@tradai/domain';
import { closedBefore, TIMEFRAME_MS, type CandleColumns, type SeriesKey } from '@tradai/market-data';
import { Portfolio, type ExitReason, type Strategy, type Trade } from '@tradai/strategy-sdk';
import { CandleBuffer } from './buffer.js';
import { clientOrderId } from './client-order-id.js';
import { errorText } from './exchange.js';
import type { CandleFeed } from './feed.js';
import { rowPositions, type BotLedger, type PendingOrder, type SavedState, type TradeRecord } from './ledger.js';
import { OrderRejectedError, type OrderReport, type OrderVenue } from './orders.js';
import { checkEntry, dailyLossReached, startPerformance, utcDay, withEquity, withTrade, type Performance } from './risk.js';
import type { BotSettings } from './settings.js';

/** A structured log line (the services pass their pino logger; tests collect lines). */
export type BotLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface BotDeps {
  readonly settings: BotSettings;
  /** The strategy object: the same one the backtest runs. */
  readonly strategy: Strategy;
  /** Trained model of a model-based strategy. */
  readonly model?: unknown;
  readonly feed: CandleFeed;
  readonly ledger: BotLedger;
  /** Live only: the exchange's order API. */
  readonly orders?: OrderVenue;
  /** Where the closed candles the bot fetches are also written (the market-data store). */
  readonly candleStore?: { write(key: SeriesKey, candles: CandleColumns): Promise<unknown> };
  /** Publishes an alert on the alerts topic (critical: daily loss limit). */
  readonly alert?: (alert: AlertNotification) => Promise<unknown>;
  readonly log?: BotLog;
}

/** What one cycle did (for logs, tests and the bench). */
export interface CycleReport {
  readonly at: number;
  /** Closed candles acted on (all symbols). */
  readonly candles: number;
  readonly trades: readonly Trade[];
  readonly ordersSent: number;
  /** Per order: ms from the cycle's start to the order being handed to the exchange, minus time spent waiting on the exchange before it. */
  readonly orderLatencyMs: readonly number[];
  readonly killSwitch: boolean;
  readonly halted: boolean;
  readonly skipped: readonly string[];
}

/** The bot's status as the status route serves it. */
export interface BotStatus {
  readonly botId: string;
  readonly mode: BotSettings['mode'];
  readonly strategy: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly configVersion?: number;
  readonly deploymentId?: string;
  readonly started: boolean;
  readonly stopping: boolean;
  readonly killSwitch: boolean;
  readonly halted: boolean;
  readonly cash: number;
  readonly equity: number;
  readonly pnl: number;
  readonly pnlRatio: number;
  readonly maxDrawdown: number;
  readonly tradeCount: number;
  readonly positions: ReturnType<typeof rowPositions>;
  readonly pendingOrders: number;
  readonly lastCycleAt: string | null;
  readonly lastError: string | null;
}

/** The exchange holds something the saved state cannot explain: the bot must not trade on a wrong book. */
export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';
}

const EPS = 1e-9;

/** Default logger: the services pass theirs. */
const noLog: BotLog = () => undefined;

/**
 * One trading bot: on each closed candle it computes the strategy's signal with the SDK and acts
 * through the same {@link Portfolio} rules as the backtest, filling simulated (dry-run, shadow) or
 * real (live) orders. Time is whatever `cycle(now)` is given, so tests and the runner drive it.
 *
 * Order of work at the close of candle t (the backtest does the same at each candle):
 * stop-loss / take-profit / ROI inside candle t, then the signal of t: exits, then entries, filled
 * at the open of candle t + timeframe (the candle forming now).
 */
export class TradingBot {
  readonly settings: BotSettings;
  readonly book: Portfolio;
  private readonly params: Record<string, ParameterValue>;
  private readonly tfMs: number;
  private readonly buffers: CandleBuffer[];
  private readonly processed = new Map<string, number>();
  private perf: Performance;
  private day = '';
  private dayStartEquity: number;
  private halted = false;
  private killSwitch = false;
  private pending: PendingOrder[] = [];
  private started = false;
  private stopping = false;
  private lastCycleAt: number | null = null;
  private lastError: string | null = null;
  private readonly log: BotLog;

  constructor(private readonly deps: BotDeps) {
    const s = deps.settings;
    this.settings = s;
    if (deps.strategy.name !== s.strategy) throw new ValidationError(`bot ${s.botId} is set up for strategy ${s.strategy} but was given ${deps.strategy.name}`, 'strategy');
    if (s.mode === 'live' && !deps.orders) throw new ValidationError(`bot ${s.botId}: live mode needs the exchange's order API`, 'orders');
    this.params = checkParameters(deps.strategy.parameters, s.params);
    const warmup = deps.strategy.warmup(this.params as never);
    if (s.lookback < warmup + 1) throw new ValidationError(`invalid bot settings: lookback: ${s.lookback} candles cannot warm up ${s.strategy} (needs ${warmup + 1})`, 'lookback');
    this.tfMs = TIMEFRAME_MS[s.timeframe];
    this.book = new Portfolio(s.engine, s.symbols, this.tfMs);
    this.buffers = s.symbols.map(() => new CandleBuffer(s.lookback));
    this.perf = startPerformance(s.engine.startingBalance);
    this.dayStartEquity = s.engine.startingBalance;
    this.log = deps.log ?? noLog;
  }

  /**
   * Restores the saved state and, live, reconciles with the exchange before any trading: pending
   * orders are looked up by client id and recorded, stray orders of ours are cancelled, and every
   * long position must be covered by the balance. Then the row is written.
   */
  async start(now: number): Promise<void> {
    const saved = await this.deps.ledger.loadState();
    if (saved) this.restore(saved);
    if (this.settings.mode === 'live') await this.reconcile(now);
    this.rollDay(now);
    await this.persist(now);
    this.started = true;
    this.log('info', 'bot started', { botId: this.settings.botId, mode: this.settings.mode, restored: saved !== undefined, positions: this.book.openCount });
  }

  /** One cycle at `now`: read the kill switch, fetch candles, act on every newly closed candle, persist, heartbeat. */
  async cycle(now: number): Promise<CycleReport> {
    if (!this.started) throw new Error(`bot ${this.settings.botId}: cycle before start`);
    const began = performance.now();
    let exchangeMs = 0;
    const report = { trades: [] as Trade[], ordersSent: 0, orderLatencyMs: [] as number[], skipped: [] as string[], candles: 0 };
    const timed = async <T>(p: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await p();
      } finally {
        exchangeMs += performance.now() - t0;
      }
    };
    const sent = () => {
      report.ordersSent++;
      report.orderLatencyMs.push(performance.now() - began - exchangeMs);
    };

    this.lastError = null;
    // The kill switch is read while the candles download: off the candle-close -> order path.
    const rowRead = this.deps.ledger.row();
    rowRead.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    if (this.settings.mode === 'live' && this.pending.length) await this.settlePending(now, report.trades);
    this.rollDay(now);

    const s = this.settings;
    const formingAt = closedBefore(s.timeframe, now);
    const forming: (number | undefined)[] = [];
    const times = new Set<number>();
    for (let k = 0; k < s.symbols.length; k++) {
      const symbol = s.symbols[k]!;
      const buf = this.buffers[k]!;
      const since = buf.length ? buf.last + this.tfMs : formingAt - s.lookback * this.tfMs;
      const recent = await timed(() => this.deps.feed.recent(symbol, s.timeframe, since, now));
      buf.append(recent.closed);
      if (recent.closed.length && this.deps.candleStore) {
        await this.deps.candleStore.write({ exchange: s.exchange, symbol, timeframe: s.timeframe }, recent.closed).catch((e: unknown) => {
          this.log('warn', 'candles not written to the store', { symbol, error: errorText(e) });
        });
      }
      forming[k] = recent.forming?.time === buf.last + this.tfMs ? recent.forming.open : undefined;
      // A new bot acts from the newest closed candle on: history only warms the indicators up.
      if (!this.processed.has(symbol) && buf.length) this.processed.set(symbol, buf.last - this.tfMs);
      const done = this.processed.get(symbol) ?? Infinity;
      for (let i = buf.length - 1; i >= 0 && buf.candle(i).t > done; i--) times.add(buf.candle(i).t);
    }
    const row = await rowRead;
    if (row) this.killSwitch = row.kill_switch === true;

    for (const t of [...times].sort((a, b) => a - b)) {
      report.candles++;
      // A live bot never trades on a signal older than the candle just closed (after downtime, say).
      const act = !this.killSwitch && (s.mode !== 'live' || t + this.tfMs === formingAt);
      if (!act && !this.killSwitch) report.skipped.push(`${new Date(t).toISOString()}: stale candle, no orders`);
      const present: number[] = [];
      // 1. Stop-loss / take-profit inside candle t, ROI at its close.
      for (let k = 0; k < s.symbols.length; k++) {
        const buf = this.buffers[k]!;
        const i = buf.indexOf(t);
        if (i < 0) continue;
        present.push(k);
        const c = buf.candle(i);
        if (act && this.book.side[k] !== 0) {
          const exit = this.book.candleExit(k, c.t, c.o, c.h, c.l, c.c);
          if (exit) await this.exit(k, exit.raw, exit.at, exit.reason, t, now, report.trades, sent);
        }
        this.book.markClose(k, c.c);
      }
      // 2. The signal of candle t, filled at the open of the next candle.
      const sig = new Map<number, number>();
      const nextOpen = new Map<number, number>();
      for (const k of present) {
        const buf = this.buffers[k]!;
        const i = buf.indexOf(t);
        const open = i + 1 < buf.length ? buf.candle(i + 1).o : forming[k];
        if (open === undefined) continue;
        nextOpen.set(k, open);
        sig.set(k, this.signalAt(k, i));
      }
      if (act) {
        const at = t + this.tfMs;
        for (const [k, sg] of sig) if (this.book.signalExit(k, sg)) await this.exit(k, nextOpen.get(k)!, at, 'signal', t, now, report.trades, sent);
        this.checkDailyLoss(now);
        if (this.book.canOpen()) {
          const equityNow = this.book.fractionalStake ? this.book.equity() : this.book.cash;
          for (const [k, sg] of sig) {
            if (!this.book.canOpen()) break;
            const dir = this.book.entryDirection(k, sg);
            if (dir === 0) continue;
            const stake = this.book.stakeFor(equityNow);
            if (stake !== stake) continue;
            const verdict = checkEntry(s.risk, stake, this.book.openCount, this.halted);
            if (!verdict.ok) {
              report.skipped.push(`${s.symbols[k]} entry at ${new Date(at).toISOString()}: ${verdict.reason}`);
              continue;
            }
            await this.enter(k, dir, nextOpen.get(k)!, at, verdict.stake, t, sent);
          }
        }
      }
      for (const k of present) this.processed.set(s.symbols[k]!, t);
    }

    this.perf = withEquity(this.perf, this.book.equity());
    this.checkDailyLoss(now);
    this.lastCycleAt = now;
    await this.persist(now);
    return { at: now, ...report, killSwitch: this.killSwitch, halted: this.halted };
  }

  /** Heartbeat only (between candles: at least every 60 s). */
  async heartbeat(now: number): Promise<void> {
    await this.deps.ledger.report({ ...this.rowFields(now) });
  }

  /** No new orders from now on (SIGTERM): the cycle in progress finishes without sending any. */
  requestStop(): void {
    this.stopping = true;
  }

  /** Saves the state and, for a stop on purpose, removes the bot's row. */
  async shutdown(now: number, removeRow: boolean): Promise<void> {
    this.stopping = true;
    await this.deps.ledger.saveState(this.snapshot(now));
    if (removeRow) await this.deps.ledger.removeRow();
    this.log('info', 'bot stopped', { botId: this.settings.botId, rowRemoved: removeRow });
  }

  /** Records a cycle failure for the status route (the runner keeps going). */
  noteError(e: unknown): void {
    this.lastError = errorText(e);
  }

  status(): BotStatus {
    const s = this.settings;
    const snap = this.book.snapshot();
    return {
      botId: s.botId,
      mode: s.mode,
      strategy: s.strategy,
      symbols: s.symbols,
      timeframe: s.timeframe,
      ...(s.configVersion !== undefined ? { configVersion: s.configVersion } : {}),
      ...(s.deploymentId !== undefined ? { deploymentId: s.deploymentId } : {}),
      started: this.started,
      stopping: this.stopping,
      killSwitch: this.killSwitch,
      halted: this.halted,
      cash: snap.cash,
      equity: this.book.equity(),
      pnl: this.perf.pnl,
      pnlRatio: this.perf.pnl / s.engine.startingBalance,
      maxDrawdown: this.perf.maxDrawdown,
      tradeCount: this.perf.tradeCount,
      positions: rowPositions(snap),
      pendingOrders: this.pending.length,
      lastCycleAt: this.lastCycleAt === null ? null : new Date(this.lastCycleAt).toISOString(),
      lastError: this.lastError,
    };
  }

  private signalAt(k: number, i: number): number {
    const view = this.buffers[k]!.upTo(i);
    const sig = this.deps.strategy.signals(view, this.params as never, this.deps.model);
    if (sig.length !== view.length) throw new ValidationError(`strategy ${this.settings.strategy} returned ${sig.length} signals for ${view.length} candles`, 'signals');
    const v = sig[i]!;
    if (v < -2 || v > 2) throw new ValidationError(`strategy ${this.settings.strategy} returned unknown signal ${v}`, 'signals');
    return v;
  }

  private async exit(k: number, raw: number, at: number, reason: ExitReason, candleTime: number, now: number, trades: Trade[], sent: () => void): Promise<void> {
    if (this.settings.mode !== 'live') {
      trades.push(await this.recordTrade(this.book.simulateClose(k, raw, at, reason), []));
      return;
    }
    if (this.stopping) return;
    const symbol = this.settings.symbols[k]!;
    const amount = this.deps.orders!.amountToPrecision(symbol, this.book.amount[k]!);
    if (!(amount > 0)) return;
    const order: PendingOrder = { clientOrderId: clientOrderId({ botId: this.settings.botId, symbol, candleTime, side: 'sell' }), symbol, side: 'sell', purpose: 'close', amount, reason, candleTime, at: now };
    const filled = await this.send(order, sent, now);
    if (filled) {
      const t = await this.applyFill(order, filled);
      if (t) trades.push(t);
    }
  }

  private async enter(k: number, dir: 1 | -1, raw: number, at: number, stake: number, candleTime: number, sent: () => void): Promise<void> {
    if (this.settings.mode !== 'live') {
      this.book.simulateOpen(k, dir, raw, at, stake);
      return;
    }
    if (this.stopping) return;
    const symbol = this.settings.symbols[k]!;
    const amount = this.deps.orders!.amountToPrecision(symbol, (stake * (1 - this.settings.engine.feeRate)) / raw);
    if (!(amount > 0)) return;
    const order: PendingOrder = { clientOrderId: clientOrderId({ botId: this.settings.botId, symbol, candleTime, side: 'buy' }), symbol, side: 'buy', purpose: 'open', amount, stake, candleTime, at };
    const filled = await this.send(order, sent, at);
    if (filled) await this.applyFill(order, filled);
  }

  /**
   * Sends a live order: saved as pending first (a crash after sending is found by client id on
   * restart), then placed. A rejection drops it; a transient failure that outlasts the retries
   * leaves it pending, to be looked up next cycle.
   */
  private async send(order: PendingOrder, sent: () => void, now: number): Promise<OrderReport | undefined> {
    this.pending.push(order);
    await this.deps.ledger.saveState(this.snapshot(now));
    sent();
    try {
      return await this.deps.orders!.placeMarket(order.symbol, order.side, order.amount, order.clientOrderId);
    } catch (e) {
      if (e instanceof OrderRejectedError) {
        this.dropPending(order.clientOrderId);
        this.log('warn', 'order rejected', { clientOrderId: order.clientOrderId, error: errorText(e) });
        this.lastError = errorText(e);
        return undefined;
      }
      this.log('warn', 'order outcome unknown: looked up next cycle', { clientOrderId: order.clientOrderId, error: errorText(e) });
      this.lastError = errorText(e);
      return undefined;
    }
  }

  /** Records what an order filled (whole or part), cancels an unfilled remainder, drops it from pending. */
  private async applyFill(order: PendingOrder, rep: OrderReport): Promise<Trade | undefined> {
    const k = this.settings.symbols.indexOf(order.symbol);
    let trade: Trade | undefined;
    if (rep.status === 'open') await this.deps.orders!.cancel(order.symbol, rep.id);
    if (rep.filled > EPS && k >= 0) {
      if (order.purpose === 'open') {
        if (this.book.side[k] === 0) {
          const feeQuote = rep.feeQuote;
          this.book.recordOpen(k, 1, rep.average, rep.filled, rep.cost + feeQuote, feeQuote, order.at);
        }
      } else if (this.book.side[k] !== 0) {
        const held = this.book.amount[k]!;
        const fraction = rep.filled / held;
        const closed = fraction >= 1 - 1e-6 ? this.book.recordClose(k, rep.average, rep.feeQuote, order.at, order.reason ?? 'signal') : this.book.recordPartialClose(k, fraction, rep.average, rep.feeQuote, order.at, order.reason ?? 'signal');
        trade = await this.recordTrade(closed, [order.clientOrderId]);
      }
    }
    this.dropPending(order.clientOrderId);
    await this.deps.ledger.saveState(this.snapshot(order.at));
    return trade;
  }

  /** Pending orders of an earlier cycle or run: found by client id -> recorded; not at the exchange -> dropped. */
  private async settlePending(now: number, trades: Trade[]): Promise<void> {
    for (const order of [...this.pending]) {
      const rep = await this.deps.orders!.findByClientId(order.symbol, order.clientOrderId);
      if (!rep) {
        this.log('warn', 'pending order never reached the exchange: dropped', { clientOrderId: order.clientOrderId });
        this.dropPending(order.clientOrderId);
        continue;
      }
      const t = await this.applyFill(order, rep);
      if (t) trades.push(t);
    }
    await this.deps.ledger.saveState(this.snapshot(now));
  }

  private async reconcile(now: number): Promise<void> {
    const orders = this.deps.orders!;
    await this.settlePending(now, []);
    for (const o of await orders.openOrders(this.settings.symbols)) {
      this.log('warn', 'cancelling an open order left by an earlier run', { clientOrderId: o.clientOrderId, symbol: o.symbol });
      await orders.cancel(o.symbol, o.id);
    }
    const balances = await orders.balances();
    for (const p of this.book.snapshot().positions) {
      const base = p.symbol.split('/')[0]!;
      const held = balances[base] ?? 0;
      if (held < p.amount * (1 - 1e-6)) {
        throw new ReconcileError(`bot ${this.settings.botId}: saved state holds ${p.amount} ${base} (${p.side} ${p.symbol}) but the exchange account has ${held} ${base}; fix the account or the state at bots/${this.settings.botId}/state.json before trading`);
      }
    }
  }

  private async recordTrade(trade: Trade, clientOrderIds: string[]): Promise<Trade> {
    this.perf = withTrade(this.perf, trade.profitAbs);
    this.perf = withEquity(this.perf, this.book.equity());
    const record: TradeRecord = { ...trade, botId: this.settings.botId, seq: this.perf.tradeCount, ...(clientOrderIds.length ? { clientOrderIds } : {}) };
    await this.deps.ledger.appendTrade(record);
    return trade;
  }

  private dropPending(id: string): void {
    this.pending = this.pending.filter((p) => p.clientOrderId !== id);
  }

  private rollDay(now: number): void {
    const day = utcDay(now);
    if (day === this.day) return;
    this.day = day;
    this.dayStartEquity = this.book.equity();
    this.halted = false;
  }

  private checkDailyLoss(now: number): void {
    if (this.halted || !dailyLossReached(this.settings.risk, this.dayStartEquity, this.book.equity())) return;
    this.halted = true;
    const s = this.settings;
    const loss = (this.dayStartEquity - this.book.equity()) / this.dayStartEquity;
    this.log('error', 'daily loss limit reached: entries halted', { botId: s.botId, loss });
    const alert: AlertNotification = {
      type: 'trading.daily_loss_limit',
      severity: 'critical',
      source: `trading-engine/${s.botId}`,
      subject: `Bot ${s.botId} halted: daily loss limit`.slice(0, 100),
      message: `Bot ${s.botId} (${s.strategy}, ${s.mode}) lost ${(loss * 100).toFixed(2)}% of its equity today (limit ${((s.risk.dailyLossLimit ?? 0) * 100).toFixed(2)}%): new entries are halted until the next UTC day; exits continue.`,
      occurredAt: new Date(now).toISOString(),
      dedupKey: `daily-loss:${s.botId}:${this.day}`,
      details: { botId: s.botId, strategy: s.strategy, mode: s.mode, day: this.day, dayStartEquity: this.dayStartEquity, equity: this.book.equity() },
    };
    // The halt holds even if the alert cannot be published; the failure is logged.
    void this.deps.alert?.(alert).catch((e: unknown) => this.log('error', 'daily loss alert not published', { error: errorText(e) }));
  }

  private restore(saved: SavedState): void {
    const s = this.settings;
    if (saved.strategy !== s.strategy || saved.mode !== s.mode) {
      throw new ValidationError(`saved state of bot ${s.botId} is for ${saved.strategy} (${saved.mode}), not ${s.strategy} (${s.mode}): use a new bot id`, 'botId');
    }
    this.book.restore(saved.portfolio);
    this.perf = saved.performance;
    for (const [sym, t] of Object.entries(saved.processed)) this.processed.set(sym, t);
    this.day = saved.day;
    this.dayStartEquity = saved.dayStartEquity;
    this.halted = saved.halted;
    this.killSwitch = saved.killSwitch;
    this.pending = [...saved.pending];
  }

  private snapshot(now: number): SavedState {
    const s = this.settings;
    return {
      version: 1,
      botId: s.botId,
      mode: s.mode,
      strategy: s.strategy,
      portfolio: this.book.snapshot(),
      performance: this.perf,
      processed: Object.fromEntries(this.processed),
      day: this.day,
      dayStartEquity: this.dayStartEquity,
      halted: this.halted,
      killSwitch: this.killSwitch,
      pending: this.pending,
      savedAt: new Date(now).toISOString(),
    };
  }

  private rowFields(now: number) {
    const s = this.settings;
    const iso = new Date(now).toISOString();
    return {
      strategy: s.strategy,
      mode: s.mode,
      last_heartbeat_at: iso,
      updated_at: iso,
      pnl: this.perf.pnl,
      pnl_ratio: this.perf.pnl / s.engine.startingBalance,
      max_drawdown: this.perf.maxDrawdown,
      trade_count: this.perf.tradeCount,
      equity: this.book.equity(),
      positions: rowPositions(this.book.snapshot()),
      ...(s.deploymentId !== undefined ? { deployment_id: s.deploymentId } : {}),
      ...(s.configVersion !== undefined ? { config_version: s.configVersion } : {}),
      ...(this.halted ? { halted_day: this.day } : {}),
    };
  }

  private async persist(now: number): Promise<void> {
    await this.deps.ledger.saveState(this.snapshot(now));
    await this.deps.ledger.report({ ...this.rowFields(now), ...(this.killSwitch ? { kill_switch: true } : {}) });
  }
}
