import { binanceApiUrls, startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import { runBacktest, type Strategy, type Trade } from '@tradai/strategy-sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TradingBot, type BotDeps } from './bot.js';
import { createExchange } from './exchange.js';
import { ccxtFeed, type CandleFeed } from './feed.js';
import { HOUR, maCrossover, startStateFixture, testSettings, type StateFixture } from './test-support.js';

const T0 = Date.UTC(2025, 0, 10); // the candle forming at the first cycle
const AFTER_CLOSE = 2_000; // cycles run 2 s after a candle closes

// Hundreds of cycles per case: 10-20 s on an idle machine, past the 30 s default when the cores are
// shared with other test runs (the cases time out, they do not fail).
describe('dry-run bot against the fake exchange', { timeout: 120_000 }, () => {
  let fake: FakeExchange;
  let state: StateFixture;
  let strategy: Strategy;
  let feed: CandleFeed;
  let botSeq = 0;

  beforeAll(async () => {
    [state, strategy] = await Promise.all([startStateFixture(), maCrossover()]);
  });
  afterAll(async () => {
    await state?.stop();
  });
  // An exchange (and its clock) per test: a test that times out keeps driving its bot in the
  // background, and with a shared exchange it would move the clock under the next test. Stopped,
  // its exchange refuses the stray cycles instead. Bots share the state table under unique ids.
  beforeEach(async () => {
    fake = await startFakeExchange({ now: T0 + AFTER_CLOSE, symbols: ['BTC/USDT', 'ETH/USDT'] });
    feed = ccxtFeed(createExchange({ exchange: 'binance', rateLimitMs: 1, ccxtConfig: { urls: { api: binanceApiUrls(fake.url) } } }));
  });
  afterEach(async () => {
    await fake?.stop();
  });

  const newBot = (over: Parameters<typeof testSettings>[0] = {}, deps: Partial<BotDeps> = {}) => {
    const settings = testSettings({ botId: `dry-${++botSeq}`, ...over });
    return new TradingBot({ settings, strategy, feed, ledger: state.ledger(settings.botId), ...deps });
  };
  /** Runs `cycles` hourly cycles from T0 on, moving the fake's clock with them. */
  const drive = async (bot: TradingBot, cycles: number, from = T0) => {
    const exchange = fake; // this test's, even if the loop outlives the test
    const reports = [];
    for (let i = 0; i < cycles; i++) {
      const now = from + i * HOUR + AFTER_CLOSE;
      exchange.setNow(now);
      reports.push(await bot.cycle(now));
    }
    return reports;
  };

  it('parity: replaying the candles gives exactly the backtest trades (entries, exits, prices, reasons)', async () => {
    const cycles = 300;
    const bot = newBot();
    await bot.start(T0 + AFTER_CLOSE);
    const reports = await drive(bot, cycles);
    const botTrades = reports.flatMap((r) => r.trades);
    const ledgerTrades = await state.ledger(bot.settings.botId).trades();

    // The backtest over the very candles the bot fetched, its window starting at the bot's first acted-on candle.
    const end = T0 + (cycles - 1) * HOUR; // forming at the last cycle: candles before it are closed
    const closed = (await feed.recent('BTC/USDT', '1h', T0 - 400 * HOUR, end + AFTER_CLOSE)).closed;
    const bt = runBacktest({ strategy, params: bot.settings.params, candles: { 'BTC/USDT': closed }, timeframe: '1h', config: bot.settings.engine, range: { start: T0 - HOUR, end } });
    // Both have decided everything that closes before the last candle's open.
    const cutoff = end - HOUR;
    const upTo = <T extends Trade>(ts: readonly T[]) => ts.filter((t) => t.closedAt < cutoff);
    const expected = upTo(bt.trades);

    expect(expected.length).toBeGreaterThanOrEqual(10);
    // Every exit rule is exercised, so parity is not just about signals.
    expect(new Set(expected.map((t) => t.exitReason))).toEqual(new Set(['signal', 'stop_loss', 'take_profit', 'roi']));
    expect(upTo(botTrades)).toEqual(expected);
    expect(upTo(ledgerTrades).map(({ botId: _b, seq: _s, ...t }) => t)).toEqual(expected);
    // The row carries the realised PnL of those trades.
    const row = await state.table.get({ bot_id: bot.settings.botId });
    const pnl = botTrades.reduce((a, t) => a + t.profitAbs, 0);
    expect(row).toMatchObject({ strategy: 'ma-crossover', mode: 'dry-run', trade_count: botTrades.length, last_heartbeat_at: new Date(end + AFTER_CLOSE).toISOString() });
    expect(row!.pnl).toBeCloseTo(pnl, 9);
    expect(row!.pnl_ratio).toBeCloseTo(pnl / 10_000, 12);
    expect(row!.max_drawdown).toBeGreaterThan(0);
  });

  it('restart: a new process continues from the saved positions and trade count', async () => {
    const a = newBot();
    await a.start(T0 + AFTER_CLOSE);
    await drive(a, 120);
    const before = a.status();
    await a.shutdown(T0 + 119 * HOUR + AFTER_CLOSE, false);

    const b = newBot({ botId: a.settings.botId });
    await b.start(T0 + 119 * HOUR + AFTER_CLOSE);
    expect(b.status()).toMatchObject({ tradeCount: before.tradeCount, positions: before.positions, cash: before.cash, pnl: before.pnl });
    // Uninterrupted, the same bot would have traded exactly like this.
    const c = newBot();
    await c.start(T0 + AFTER_CLOSE);
    await drive(c, 180);
    await drive(b, 60, T0 + 120 * HOUR);
    expect(b.status().tradeCount).toBe(c.status().tradeCount);
    expect(b.status().pnl).toBeCloseTo(c.status().pnl, 9);
  });

  it('kill switch: set in the row, the next cycle opens and closes nothing; cleared, trading resumes', async () => {
    const bot = newBot();
    await bot.start(T0 + AFTER_CLOSE);
    // Run until a position is open.
    let i = 0;
    for (; i < 200 && bot.book.openCount === 0; i++) await drive(bot, 1, T0 + i * HOUR);
    expect(bot.book.openCount).toBe(1);
    await state.table.update({ bot_id: bot.settings.botId }, { kill_switch: true });
    const frozen = bot.status();
    const during = await drive(bot, 48, T0 + i * HOUR);
    expect(during.every((r) => r.killSwitch && r.trades.length === 0)).toBe(true);
    expect(bot.status()).toMatchObject({ tradeCount: frozen.tradeCount, positions: frozen.positions, cash: frozen.cash, killSwitch: true });
    // The bot's own writes never clear the operator's flag.
    expect((await state.table.get({ bot_id: bot.settings.botId }))?.kill_switch).toBe(true);

    await state.table.update({ bot_id: bot.settings.botId }, { kill_switch: false });
    const after = await drive(bot, 100, T0 + (i + 48) * HOUR);
    expect(after.some((r) => r.trades.length > 0)).toBe(true);
  });

  it('kill switch survives a stop on purpose: the row goes, the restarted bot recreates it still set', async () => {
    const bot = newBot();
    await bot.start(T0 + AFTER_CLOSE);
    await drive(bot, 2);
    await state.table.update({ bot_id: bot.settings.botId }, { kill_switch: true });
    await drive(bot, 1, T0 + 2 * HOUR);
    await bot.shutdown(T0 + 3 * HOUR, true);
    expect(await state.table.get({ bot_id: bot.settings.botId })).toBeUndefined();
    const again = newBot({ botId: bot.settings.botId });
    await again.start(T0 + 3 * HOUR + AFTER_CLOSE);
    expect(await state.table.get({ bot_id: bot.settings.botId })).toMatchObject({ kill_switch: true });
    const r = await drive(again, 24, T0 + 3 * HOUR);
    expect(r.every((c) => c.killSwitch && c.trades.length === 0)).toBe(true);
  });

  it('daily loss limit: halts entries for the day and publishes one critical alert; exits continue', async () => {
    const alerts: unknown[] = [];
    // 0.1 % a day: the first losing trade trips it.
    const bot = newBot({ risk: { dailyLossLimit: 0.001 } }, { alert: async (a) => alerts.push(a) });
    await bot.start(T0 + AFTER_CLOSE);
    const reports = await drive(bot, 24 * 6);
    const haltedAt = reports.findIndex((r) => r.halted);
    expect(haltedAt).toBeGreaterThanOrEqual(0);
    const day = new Date(reports[haltedAt]!.at).toISOString().slice(0, 10);
    const sameDay = reports.slice(haltedAt + 1).filter((r) => new Date(r.at).toISOString().slice(0, 10) === day);
    // No entry after the halt that day: positions only shrink.
    for (const r of sameDay) expect(r.halted).toBe(true);
    expect(sameDay.flatMap((r) => r.skipped).every((s) => /daily loss limit/.test(s) || /stale/.test(s))).toBe(true);
    expect(alerts[0]).toMatchObject({ type: 'trading.daily_loss_limit', severity: 'critical', dedupKey: `daily-loss:${bot.settings.botId}:${day}` });
    expect(alerts.filter((a) => (a as { dedupKey: string }).dedupKey.endsWith(day))).toHaveLength(1);
    const lastHalt = reports.findLast((r) => r.halted)!;
    expect((await state.table.get({ bot_id: bot.settings.botId }))?.halted_day).toBe(new Date(lastHalt.at).toISOString().slice(0, 10));
    // The next UTC day entries resume.
    const nextDay = reports.filter((r) => new Date(r.at).toISOString().slice(0, 10) > day);
    expect(nextDay.some((r) => !r.halted)).toBe(true);
  });

  it('risk: max position size cuts the stake; max open positions caps entries', async () => {
    const bot = newBot({ symbols: ['BTC/USDT', 'ETH/USDT'], engine: { ...testSettings().engine, maxOpenTrades: 2, stake: 5_000 }, risk: { maxPositionSize: 1_000, maxOpenPositions: 1 } });
    await bot.start(T0 + AFTER_CLOSE);
    const reports = await drive(bot, 200);
    const trades = reports.flatMap((r) => r.trades);
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) expect(t.stake).toBe(1_000);
    expect(reports.flatMap((r) => r.skipped).some((s) => /max open positions \(1\)/.test(s))).toBe(true);
    // Never two open at once.
    const spans = trades.map((t) => [t.openedAt, t.closedAt] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });

  it('a bot stopped on purpose removes its row; the saved state stays', async () => {
    const bot = newBot();
    await bot.start(T0 + AFTER_CLOSE);
    await drive(bot, 3);
    expect(await state.table.get({ bot_id: bot.settings.botId })).toBeDefined();
    await bot.shutdown(T0 + 3 * HOUR, true);
    expect(await state.table.get({ bot_id: bot.settings.botId })).toBeUndefined();
    expect(await state.ledger(bot.settings.botId).loadState()).toMatchObject({ botId: bot.settings.botId, mode: 'dry-run' });
  });

  it('refuses settings that cannot work, naming the field', async () => {
    expect(() => testSettings({ symbols: ['BTCUSDT'] })).toThrow('invalid bot settings: symbols.0: must look like BTC/USDT');
    expect(() => testSettings({ engine: { ...testSettings().engine, feeRate: 2 } })).toThrow(/^invalid bot settings: engine: feeRate: must be < 0.5/);
    expect(() => testSettings({ mode: 'live', engine: { ...testSettings().engine, allowShort: true } })).toThrow('a live bot trades spot and cannot short');
    expect(() => newBot({ lookback: 5 })).toThrow('lookback: 5 candles cannot warm up ma-crossover (needs 13)');
    expect(() => newBot({ params: { fast: 4, slow: 12, kind: 'sma', stop_loss: 0, nope: 1 } })).toThrow(/nope/);
  });
});
