import { closedBefore, TIMEFRAME_MS } from '@tradai/market-data';
import type { BotLog, TradingBot } from './bot.js';
import { errorText } from './exchange.js';

/** Time as the runner sees it: injectable so tests drive cycles without waiting on the wall clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};

export interface RunnerOptions {
  readonly bot: TradingBot;
  readonly clock?: Clock;
  /** How long after a candle's close the cycle runs, so the exchange has closed it (default 2 s). */
  readonly closeDelayMs?: number;
  /** Longest time between two heartbeats (default 60 s: heartbeat-monitor's contract). */
  readonly heartbeatMs?: number;
  /** The loop counts as stuck when it has not finished an iteration for this long (default 3 min). */
  readonly stallMs?: number;
  readonly log?: BotLog;
}

/**
 * Runs a bot: a cycle after every candle close, a heartbeat at least every `heartbeatMs` between
 * them. A failed cycle is logged and recorded in the status; the loop goes on. `alive()` turns
 * false when an iteration hangs (the health route answers 503 then), and `stop()` finishes the
 * cycle in progress without sending new orders, saves the state and removes the row.
 */
export class BotRunner {
  private readonly clock: Clock;
  private readonly closeDelayMs: number;
  private readonly heartbeatMs: number;
  private readonly stallMs: number;
  private readonly tfMs: number;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private lastProgress = 0;
  private stopped = false;
  private readonly log: BotLog;
  /** Cycles run (for tests and the status route). */
  cycles = 0;
  heartbeats = 0;

  constructor(private readonly opts: RunnerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.closeDelayMs = opts.closeDelayMs ?? 2_000;
    this.heartbeatMs = opts.heartbeatMs ?? 60_000;
    this.stallMs = opts.stallMs ?? 180_000;
    this.tfMs = TIMEFRAME_MS[opts.bot.settings.timeframe];
    this.log = opts.log ?? (() => undefined);
  }

  /** Starts the bot (restore, reconcile) and then the loop; rejects when the start fails. */
  async start(): Promise<void> {
    await this.opts.bot.start(this.clock.now());
    this.lastProgress = this.clock.now();
    this.loop = this.run();
  }

  /** Whether the loop is running and finished an iteration within `stallMs`. */
  alive(): boolean {
    return this.loop !== undefined && !this.stopped && this.clock.now() - this.lastProgress <= this.stallMs;
  }

  /** A readiness check for the service runtime's /health: throws (503) while the loop is stuck or stopped. */
  readonly healthCheck = async (): Promise<void> => {
    if (this.loop === undefined) throw new Error('trading loop not started');
    if (this.stopped) throw new Error('trading loop stopped');
    const idle = this.clock.now() - this.lastProgress;
    if (idle > this.stallMs) throw new Error(`trading loop stuck: no progress for ${Math.round(idle / 1000)} s`);
  };

  /**
   * SIGTERM: no new orders, let the cycle in progress end (at most `timeoutMs`), save the state and,
   * when `removeRow`, delete the bot's row (a bot stopped on purpose is not a silent one).
   */
  async stop(removeRow: boolean, timeoutMs: number): Promise<'stopped' | 'timeout'> {
    const bot = this.opts.bot;
    bot.requestStop();
    this.stopped = true;
    this.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const outcome = await Promise.race([(this.loop ?? Promise.resolve()).then(() => 'stopped' as const), expired]);
    clearTimeout(timer);
    await bot.shutdown(this.clock.now(), removeRow);
    return outcome;
  }

  private async run(): Promise<void> {
    const bot = this.opts.bot;
    let lastBeat = this.clock.now();
    let due = this.nextDue(this.clock.now());
    while (!this.stopped) {
      const now = this.clock.now();
      if (now >= due) {
        try {
          const r = await bot.cycle(now);
          this.cycles++;
          if (r.trades.length || r.ordersSent || r.skipped.length) this.log('info', 'cycle', { at: new Date(now).toISOString(), trades: r.trades.length, orders: r.ordersSent, skipped: r.skipped });
        } catch (e) {
          bot.noteError(e);
          this.log('error', 'cycle failed', { error: errorText(e) });
        }
        lastBeat = now;
        due = this.nextDue(now);
      } else if (now - lastBeat >= this.heartbeatMs) {
        try {
          await bot.heartbeat(now);
          this.heartbeats++;
        } catch (e) {
          this.log('error', 'heartbeat failed', { error: errorText(e) });
        }
        lastBeat = now;
      }
      this.lastProgress = this.clock.now();
      if (this.stopped) break;
      const wake = Math.min(due, lastBeat + this.heartbeatMs);
      await this.clock.sleep(wake - this.clock.now(), this.abort.signal);
    }
  }

  /** When the cycle after the candle closing after `now` runs. */
  private nextDue(now: number): number {
    return closedBefore(this.opts.bot.settings.timeframe, now) + this.tfMs + this.closeDelayMs;
  }
}
