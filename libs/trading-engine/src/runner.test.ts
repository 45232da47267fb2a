import { emptyColumns, type CandleColumns } from '@tradai/market-data';
import { seededCandles } from '@tradai/testing-tools';
import type { Strategy } from '@tradai/strategy-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TradingBot } from './bot.js';
import { columnsFeed, type CandleFeed } from './feed.js';
import { BotRunner, systemClock, type Clock } from './runner.js';
import { HOUR, maCrossover, startStateFixture, testSettings, type StateFixture } from './test-support.js';

/** A clock the test moves; `asleep()` resolves once the loop is waiting on it. */
class ManualClock implements Clock {
  private waiters: { at: number; wake: () => void }[] = [];
  private idle: (() => void)[] = [];
  constructor(public t: number) {}
  now() {
    return this.t;
  }
  sleep(ms: number, signal: AbortSignal) {
    return new Promise<void>((resolve) => {
      const w = { at: this.t + ms, wake: resolve };
      this.waiters.push(w);
      signal.addEventListener('abort', () => resolve(), { once: true });
      this.idle.splice(0).forEach((f) => f());
    });
  }
  asleep(): Promise<void> {
    return this.waiters.length ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }
  async advance(ms: number) {
    await this.jump(ms);
    await this.asleep();
  }
  /** Moves the clock and wakes the loop, without waiting for it to sleep again. */
  async jump(ms: number) {
    await this.asleep();
    this.t += ms;
    const due = this.waiters.filter((w) => w.at <= this.t);
    this.waiters = this.waiters.filter((w) => w.at > this.t);
    due.forEach((w) => w.wake());
  }
}

const T0 = Date.UTC(2025, 0, 10);

/** Hourly candles of the fake exchange's generator, for a replay feed. */
function replay(from: number, hours: number): CandleColumns {
  const gen = seededCandles(1);
  const c = emptyColumns(hours);
  for (let i = 0; i < hours; i++) {
    const k = gen('BTCUSDT', from + i * HOUR, HOUR);
    c.timestamp[i] = k.openTime;
    c.open[i] = k.open;
    c.high[i] = k.high;
    c.low[i] = k.low;
    c.close[i] = k.close;
    c.volume[i] = k.volume;
  }
  return c;
}

// Hundreds of cycles per case: 10-20 s on an idle machine, past the 30 s default when the cores are
// shared with other test runs (the cases time out, they do not fail).
describe('bot runner (injected clock)', { timeout: 120_000 }, () => {
  let state: StateFixture;
  let strategy: Strategy;
  const candles = replay(T0 - 500 * HOUR, 520);
  let seq = 0;

  beforeAll(async () => {
    [state, strategy] = await Promise.all([startStateFixture(), maCrossover()]);
  });
  afterAll(() => state?.stop());

  const runnerWith = (feed: CandleFeed, clock: ManualClock) => {
    const settings = testSettings({ botId: `run-${++seq}` });
    const bot = new TradingBot({ settings, strategy, feed, ledger: state.ledger(settings.botId) });
    return { bot, runner: new BotRunner({ bot, clock }) };
  };

  it('cycles after each candle close and heartbeats at least every 60 s in between', async () => {
    const clock = new ManualClock(T0 + 50 * 60_000);
    const { bot, runner } = runnerWith(columnsFeed({ 'BTC/USDT': candles }), clock);
    await runner.start();
    let worstGap = 0;
    for (let i = 0; i < (2 * HOUR + 15 * 60_000) / 30_000; i++) {
      await clock.advance(30_000);
      const row = await state.table.get({ bot_id: bot.settings.botId });
      worstGap = Math.max(worstGap, clock.now() - Date.parse(row!.last_heartbeat_at));
      expect(runner.alive()).toBe(true);
    }
    expect(worstGap).toBeLessThanOrEqual(60_000);
    expect(runner.cycles).toBe(3); // the 01:00, 02:00 and 03:00 closes (woken at the next 30 s step)
    expect(runner.heartbeats).toBeGreaterThanOrEqual(130);
    expect(bot.status().lastCycleAt).toBe(new Date(T0 + 3 * HOUR + 30_000).toISOString());
    // The stop timeout's timer is cleared once the loop has ended: a stopped runner holds no timer open.
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    expect(await runner.stop(true, 1_000)).toBe('stopped');
    const timeout = set.mock.results[set.mock.calls.findIndex((c) => c[1] === 1_000)]?.value;
    set.mockRestore();
    expect(timeout).toBeDefined();
    expect(clear).toHaveBeenCalledWith(timeout);
    clear.mockRestore();
    expect(await state.table.get({ bot_id: bot.settings.botId })).toBeUndefined();
  });

  it('a stuck cycle turns the health check to failing; stop still exits within its timeout and saves state', async () => {
    const clock = new ManualClock(T0 + 10 * 60_000);
    const inner = columnsFeed({ 'BTC/USDT': candles });
    let hang = false;
    const feed: CandleFeed = { recent: (...a) => (hang ? new Promise<never>(() => undefined) : inner.recent(...a)) };
    const { bot, runner } = runnerWith(feed, clock);
    await runner.start();
    await runner.healthCheck();
    hang = true;
    // Past the close: the cycle starts and never returns; the clock moves on without it.
    await clock.jump(HOUR);
    clock.t += 3 * 60_000 + 1;
    expect(runner.alive()).toBe(false);
    await expect(runner.healthCheck()).rejects.toThrow(/^trading loop stuck: no progress for \d+ s$/);
    const began = Date.now();
    expect(await runner.stop(true, 200)).toBe('timeout');
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(await state.table.get({ bot_id: bot.settings.botId })).toBeUndefined();
    expect(await state.ledger(bot.settings.botId).loadState()).toMatchObject({ botId: bot.settings.botId });
    await expect(runner.healthCheck()).rejects.toThrow('trading loop stopped');
  });
});

/** A bot stand-in recording what the runner asks of it; `cycle` answers with `next` (or waits on `gate`). */
function fakeBot() {
  const calls: string[] = [];
  const f = {
    calls,
    next: { trades: [] as unknown[], ordersSent: 0, skipped: [] as string[] } as unknown,
    gate: undefined as Promise<void> | undefined,
    failCycle: undefined as Error | undefined,
    failBeat: undefined as Error | undefined,
    errors: [] as unknown[],
    bot: {
      settings: { timeframe: '1h' },
      start: async () => void calls.push('start'),
      cycle: async (now: number) => {
        calls.push(`cycle ${now}`);
        if (f.gate) await f.gate;
        if (f.failCycle) throw f.failCycle;
        return f.next;
      },
      heartbeat: async (now: number) => {
        calls.push(`beat ${now}`);
        if (f.failBeat) throw f.failBeat;
      },
      requestStop: () => void calls.push('requestStop'),
      noteError: (e: unknown) => void f.errors.push(e),
      shutdown: async (now: number, removeRow: boolean) => void calls.push(`shutdown ${now} ${removeRow}`),
    },
  };
  return f;
}

describe('bot runner loop (fake bot, injected clock)', () => {
  const start = T0 + 10 * 60_000;
  const make = (opts: { stallMs?: number; heartbeatMs?: number } = {}) => {
    const f = fakeBot();
    const clock = new ManualClock(start);
    const logs: unknown[][] = [];
    const runner = new BotRunner({ bot: f.bot as unknown as TradingBot, clock, log: (...a: unknown[]) => void logs.push(a), ...opts });
    return { f, clock, runner, logs };
  };

  it('is not alive nor healthy before it starts', async () => {
    const f = fakeBot();
    const runner = new BotRunner({ bot: f.bot as unknown as TradingBot, clock: new ManualClock(1_000) });
    expect(runner.alive()).toBe(false);
    await expect(runner.healthCheck()).rejects.toThrow('trading loop not started');
  });

  it('turns unhealthy one ms past stallMs without progress, saying for how long', async () => {
    const { clock, runner } = make({ stallMs: 10_000 });
    await runner.start();
    await clock.asleep();
    clock.t += 10_000;
    expect(runner.alive()).toBe(true);
    await expect(runner.healthCheck()).resolves.toBeUndefined();
    clock.t += 1;
    expect(runner.alive()).toBe(false);
    await expect(runner.healthCheck()).rejects.toThrow('trading loop stuck: no progress for 10 s');
    await runner.stop(false, 1_000);
  });

  it('sleeps until the next heartbeat or close, not earlier', async () => {
    const { clock, runner, f } = make({ stallMs: 10_000 });
    await runner.start();
    await clock.jump(5_000);
    clock.t += 6_000;
    expect(runner.alive()).toBe(false);
    expect(f.calls).toEqual(['start']);
    await runner.stop(false, 1_000);
  });

  it('heartbeats only after heartbeatMs, and cycles exactly at close + 2 s', async () => {
    const { clock, runner, f } = make();
    await runner.start();
    await clock.asleep();
    expect(runner.heartbeats).toBe(0);
    await clock.advance(60_000);
    expect(f.calls).toEqual(['start', `beat ${start + 60_000}`]);
    expect(runner.heartbeats).toBe(1);
    const due = T0 + HOUR + 2_000;
    await clock.advance(due - clock.now());
    expect(runner.cycles).toBe(1);
    expect(f.calls.at(-1)).toBe(`cycle ${due}`);
    await runner.stop(true, 1_000);
    expect(f.calls.slice(-2)).toEqual(['requestStop', `shutdown ${due} true`]);
  });

  it('logs a cycle only when it traded, sent orders or skipped something; a failed cycle is noted and logged', async () => {
    const { clock, runner, f, logs } = make({ heartbeatMs: 10 * HOUR });
    await runner.start();
    const closeAt = (h: number) => T0 + h * HOUR + 2_000;
    await clock.advance(closeAt(1) - clock.now());
    expect(logs).toEqual([]);
    f.next = { trades: [], ordersSent: 1, skipped: [] };
    await clock.advance(closeAt(2) - clock.now());
    expect(logs).toEqual([['info', 'cycle', { at: new Date(closeAt(2)).toISOString(), trades: 0, orders: 1, skipped: [] }]]);
    f.next = { trades: [], ordersSent: 0, skipped: ['ETH/USDT: no candle'] };
    await clock.advance(closeAt(3) - clock.now());
    expect(logs).toHaveLength(2);
    f.failCycle = new Error('feed down');
    await clock.advance(closeAt(4) - clock.now());
    expect(f.errors).toEqual([f.failCycle]);
    expect(logs.at(-1)).toEqual(['error', 'cycle failed', { error: 'Error: feed down' }]);
    expect(runner.cycles).toBe(3);
    await runner.stop(false, 1_000);
  });

  it('logs a failed heartbeat and goes on', async () => {
    const { clock, runner, f, logs } = make();
    f.failBeat = new Error('table down');
    await runner.start();
    await clock.advance(60_000);
    expect(logs).toEqual([['error', 'heartbeat failed', { error: 'Error: table down' }]]);
    expect(runner.heartbeats).toBe(0);
    expect(runner.alive()).toBe(true);
    await runner.stop(false, 1_000);
  });

  it('a stop during a cycle lets it finish and ends the loop', async () => {
    const { clock, runner, f } = make();
    let release!: () => void;
    f.gate = new Promise<void>((r) => (release = r));
    await runner.start();
    await clock.jump(T0 + HOUR + 2_000 - clock.now());
    const stopping = runner.stop(false, 2_000);
    expect(runner.alive()).toBe(false);
    release();
    expect(await stopping).toBe('stopped');
    await expect(runner.healthCheck()).rejects.toThrow('trading loop stopped');
  });
});

describe('systemClock.sleep (fake timers)', () => {
  afterEach(() => vi.useRealTimers());

  it('resolves after ms, at once when already aborted, and early on abort (clearing its timer)', async () => {
    vi.useFakeTimers();
    let done = false;
    void systemClock.sleep(1_000, new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);

    const aborted = new AbortController();
    aborted.abort();
    let early = false;
    void systemClock.sleep(1_000, aborted.signal).then(() => (early = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(early).toBe(true);
    expect(vi.getTimerCount()).toBe(0);

    const ac = new AbortController();
    let woke = false;
    void systemClock.sleep(5_000, ac.signal).then(() => (woke = true));
    expect(vi.getTimerCount()).toBe(1);
    ac.abort();
    await Promise.resolve();
    await Promise.resolve();
    expect(woke).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
