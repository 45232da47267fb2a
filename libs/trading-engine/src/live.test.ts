import { ccxtBinanceConfig, startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import type { Strategy } from '@tradai/strategy-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReconcileError, TradingBot } from './bot.js';
import { clientOrderId } from './client-order-id.js';
import { createExchange } from './exchange.js';
import { ccxtFeed } from './feed.js';
import { ccxtOrders, type OrderVenue } from './orders.js';
import { HOUR, maCrossover, startStateFixture, testSettings, type StateFixture } from './test-support.js';

const T0 = Date.UTC(2025, 0, 10);
const AFTER_CLOSE = 2_000;
const noSleep = { sleep: () => Promise.resolve() };

describe('live bot against the fake exchange (signed orders through ccxt)', () => {
  let state: StateFixture;
  let strategy: Strategy;
  let fake: FakeExchange;
  let botSeq = 0;

  beforeAll(async () => {
    [state, strategy] = await Promise.all([startStateFixture(), maCrossover()]);
  });
  afterAll(() => state?.stop());
  afterEach(() => fake?.stop());

  const setup = async (balances: Record<string, number> = { USDT: 10_000 }) => {
    fake = await startFakeExchange({ now: T0 + AFTER_CLOSE, symbols: ['BTC/USDT'], balances });
    const exchange = createExchange({ exchange: 'binance', rateLimitMs: 1, timeoutMs: 400, ccxtConfig: ccxtBinanceConfig(fake) });
    return { exchange, feed: ccxtFeed(exchange, noSleep), orders: ccxtOrders(exchange, 0.001, noSleep) };
  };
  const liveBot = (io: Awaited<ReturnType<typeof setup>>, botId = `live-${++botSeq}`, orders: OrderVenue = io.orders) =>
    new TradingBot({ settings: testSettings({ botId, mode: 'live' }), strategy, feed: io.feed, orders, ledger: state.ledger(botId) });
  /** Hourly cycles from `from` until `until(bot)` holds (or `max` cycles); returns the next start. */
  const driveUntil = async (bot: TradingBot, from: number, until: () => boolean, max = 300) => {
    const exchange = fake; // this test's (setup starts one per test), even if the loop outlives the test
    let t = from;
    for (let i = 0; i < max && !until(); i++, t += HOUR) {
      exchange.setNow(t + AFTER_CLOSE);
      await bot.cycle(t + AFTER_CLOSE);
    }
    return t;
  };
  const ours = () => fake.orders().filter((o) => o.clientOrderId.startsWith('td'));

  it('places market orders with client ids derived from the signal and records the real fills', async () => {
    const io = await setup();
    const bot = liveBot(io);
    await bot.start(T0 + AFTER_CLOSE);
    let t = await driveUntil(bot, T0, () => bot.book.openCount === 1);
    t = await driveUntil(bot, t, () => bot.status().tradeCount === 1);
    const [buy, sell] = ours();
    expect(ours()).toHaveLength(2);
    expect(buy).toMatchObject({ side: 'buy', type: 'market', status: 'closed' });
    expect(sell).toMatchObject({ side: 'sell', type: 'market', status: 'closed', amount: buy!.filled });
    const [trade] = await state.ledger(bot.settings.botId).trades();
    // The buy's id is the hash of (bot, symbol, candle, side): the candle is the one before the fill.
    expect(buy!.clientOrderId).toBe(clientOrderId({ botId: bot.settings.botId, symbol: 'BTC/USDT', candleTime: trade!.openedAt - HOUR, side: 'buy' }));
    expect(trade!.clientOrderIds).toEqual([sell!.clientOrderId]);
    expect(trade).toMatchObject({ openPrice: buy!.average, closePrice: sell!.average, amount: buy!.filled });
    // Fees are the exchange's (quote), and the PnL follows from the real fills.
    expect(trade!.fees).toBeCloseTo(buy!.fee.cost + sell!.fee.cost, 9);
    expect(trade!.profitAbs).toBeCloseTo(sell!.cost - sell!.fee.cost - (buy!.cost + buy!.fee.cost), 9);
    expect(fake.balances()['BTC']?.total ?? 0).toBeCloseTo(0, 9);
    expect(t).toBeGreaterThan(T0);
  });

  it('restart: killed between sending an order and recording it, the new process finds it by client id', async () => {
    const io = await setup();
    const botId = `live-${++botSeq}`;
    // The "process" dies right after the exchange accepted the order, before anything is recorded.
    let armed = true;
    const dying: OrderVenue = {
      ...io.orders,
      async placeMarket(...args) {
        const placed = await io.orders.placeMarket(...args);
        if (armed) throw Object.assign(new Error('SIGKILL'), { name: 'Killed' });
        return placed;
      },
    };
    const first = liveBot(io, botId, dying);
    await first.start(T0 + AFTER_CLOSE);
    const t = await driveUntil(first, T0, () => ours().length === 1);
    armed = false;
    expect(first.book.openCount).toBe(0); // nothing recorded
    expect((await state.ledger(botId).loadState())?.pending).toHaveLength(1);

    const second = liveBot(io, botId);
    await second.start(t + AFTER_CLOSE);
    expect(ours()).toHaveLength(1); // not placed again
    expect(second.book.openCount).toBe(1); // the fill is recorded once
    expect(second.status()).toMatchObject({ pendingOrders: 0, positions: [{ symbol: 'BTC/USDT', amount: ours()[0]!.filled }] });
    expect((await state.ledger(botId).loadState())?.pending).toEqual([]);
    // A third start changes nothing: the order is recorded exactly once.
    const third = liveBot(io, botId);
    await third.start(t + AFTER_CLOSE + 1_000);
    expect(third.status().positions).toEqual(second.status().positions);
    expect(ours()).toHaveLength(1);
  });

  it('an answer lost to a timeout (order placed) is found by client id on retry: one order', async () => {
    const io = await setup();
    const bot = liveBot(io);
    await bot.start(T0 + AFTER_CLOSE);
    fake.scriptOrders({ kind: 'timeout', placed: true });
    await driveUntil(bot, T0, () => bot.book.openCount === 1);
    expect(ours()).toHaveLength(1);
    expect(bot.status().positions[0]?.amount).toBe(ours()[0]!.filled);
  });

  it('a 429 is retried with the same client id: one order', async () => {
    const io = await setup();
    const bot = liveBot(io);
    await bot.start(T0 + AFTER_CLOSE);
    fake.scriptOrders({ kind: 'rate-limit', retryAfterSeconds: 1 });
    await driveUntil(bot, T0, () => bot.book.openCount === 1);
    expect(ours()).toHaveLength(1);
    expect(fake.requestsTo('/api/v3/order').filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([429, 200]);
  });

  it('a partial fill records what filled and cancels the rest', async () => {
    const io = await setup();
    const bot = liveBot(io);
    await bot.start(T0 + AFTER_CLOSE);
    fake.scriptOrders({ kind: 'partial', fraction: 0.5 });
    await driveUntil(bot, T0, () => bot.book.openCount === 1);
    const [o] = ours();
    expect(o).toMatchObject({ status: 'canceled' });
    expect(o!.filled).toBeCloseTo(o!.amount * 0.5, 5);
    expect(bot.status().positions[0]?.amount).toBe(o!.filled);
  });

  it('a rejected order leaves no position and no pending order; the bot keeps trading', async () => {
    const io = await setup();
    const bot = liveBot(io);
    await bot.start(T0 + AFTER_CLOSE);
    fake.scriptOrders({ kind: 'reject', code: -2010, msg: 'Account has insufficient balance for requested action.' });
    const t = await driveUntil(bot, T0, () => ours().length === 1 || fake.requestsTo('/api/v3/order').length > 0);
    expect(bot.book.openCount).toBe(0);
    expect(bot.status()).toMatchObject({ pendingOrders: 0, lastError: expect.stringMatching(/insufficient balance/) });
    await driveUntil(bot, t, () => bot.book.openCount === 1);
    expect(bot.book.openCount).toBe(1);
  });

  it('on start, cancels orders an earlier run left open and refuses a book the balance does not cover', async () => {
    const io = await setup();
    const botId = `live-${++botSeq}`;
    const bot = liveBot(io, botId);
    await bot.start(T0 + AFTER_CLOSE);
    const t = await driveUntil(bot, T0, () => bot.book.openCount === 1);
    // A resting order of ours (a limit far below the market) is still open at restart.
    await io.exchange.createOrder('BTC/USDT', 'limit', 'buy', 6, 1, { clientOrderId: 'td-left-over' });
    const restarted = liveBot(io, botId);
    await restarted.start(t + AFTER_CLOSE);
    expect(fake.orders().find((o) => o.clientOrderId === 'td-left-over')?.status).toBe('canceled');

    // Someone sold the coins by hand: the saved position is not on the account any more.
    fake.setBalance('BTC', 0);
    const refused = liveBot(io, botId);
    const err = await refused.start(t + AFTER_CLOSE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReconcileError);
    expect((err as Error).message).toMatch(new RegExp(`saved state holds [0-9.]+ BTC \\(long BTC/USDT\\) but the exchange account has 0 BTC`));
  });
});
