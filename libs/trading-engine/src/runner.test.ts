import { emptyColumns, type CandleColumns } from '@tradai/market-data';
import { seededCandles } from '@tradai/testing-tools';
import type { Strategy } from '@tradai/strategy-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TradingBot } from './bot.js';
import { columnsFeed, type CandleFeed } from './feed.js';
import { BotRunner, type Clock } from './runner.js';
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
    expect(await runner.stop(true, 1_000)).toBe('stopped');
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
