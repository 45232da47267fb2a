import type { AlertNotification, TradingItem, ValidationError } from '@tradai/domain';
import type { CandleColumns } from '@tradai/market-data';
import type { Strategy } from '@tradai/strategy-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReconcileError, TradingBot, type BotDeps } from './bot.js';
import { clientOrderId } from './client-order-id.js';
import type { CandleFeed } from './feed.js';
import type { BotLedger, PendingOrder, SavedState, TradeRecord } from './ledger.js';
import { OrderRejectedError, type OrderReport, type OrderVenue } from './orders.js';
import { HOUR, testSettings } from './test-support.js';

// Fast, in-memory doubles (feed, ledger, orders, a scripted strategy): every guard of the bot is
// driven candle by candle with exact prices, so each assertion pins one decision.

const T0 = Date.UTC(2025, 0, 10); // the candle forming at the first cycle
const AT = (forming: number) => forming + 2_000; // cycles run 2 s after a close
const ENGINE = { startingBalance: 10_000, stake: 1_000, maxOpenTrades: 1, feeRate: 0, slippage: 0 };

interface Bar {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
}
/** Flat hourly bars (o = h = l = c) from `from`, one per price. */
const bars = (from: number, prices: number[]): Bar[] => prices.map((p, i) => ({ t: from + i * HOUR, o: p, h: p, l: p, c: p }));
const columns = (bs: Bar[]): CandleColumns => ({
  length: bs.length,
  timestamp: Float64Array.from(bs, (b) => b.t),
  open: Float64Array.from(bs, (b) => b.o),
  high: Float64Array.from(bs, (b) => b.h),
  low: Float64Array.from(bs, (b) => b.l),
  close: Float64Array.from(bs, (b) => b.c),
  volume: Float64Array.from(bs, () => 1),
});

/** Closed bars before the hour of `now`, from `since` on; the bar opening at that hour is forming. */
function memoryFeed(series: Record<string, Bar[]>, onCall?: () => unknown) {
  const calls: { symbol: string; since: number; now: number }[] = [];
  const feed: CandleFeed = {
    async recent(symbol, _tf, since, now) {
      calls.push({ symbol, since, now });
      await onCall?.();
      const formingAt = Math.floor(now / HOUR) * HOUR;
      const all = series[symbol] ?? [];
      const f = all.find((b) => b.t === formingAt);
      return { closed: columns(all.filter((b) => b.t >= since && b.t < formingAt)), ...(f ? { forming: { time: f.t, open: f.o } } : {}) };
    },
  };
  return { feed, calls };
}

class MemoryLedger {
  state: SavedState | undefined;
  rowValue: Partial<TradingItem> | undefined;
  rowError: Error | undefined;
  onSave: (() => void) | undefined;
  readonly saved: SavedState[] = [];
  readonly reports: Record<string, unknown>[] = [];
  readonly trades: TradeRecord[] = [];
  removed = 0;
  async loadState() {
    return this.state;
  }
  async saveState(s: SavedState) {
    this.onSave?.();
    this.saved.push(JSON.parse(JSON.stringify(s)) as SavedState);
  }
  row() {
    return this.rowError ? Promise.reject(this.rowError) : Promise.resolve(this.rowValue as TradingItem | undefined);
  }
  async report(fields: Record<string, unknown>) {
    this.reports.push(fields);
  }
  async removeRow() {
    this.removed++;
  }
  async appendTrade(t: TradeRecord) {
    this.trades.push(t);
  }
}

/** Fills every market order whole at `price` unless told otherwise. */
function memoryOrders(over: Partial<OrderVenue> = {}, price = 100) {
  const placed: { symbol: string; side: string; amount: number; clientOrderId: string }[] = [];
  const cancelled: [string, string][] = [];
  const venue: OrderVenue = {
    async placeMarket(symbol, side, amount, id) {
      placed.push({ symbol, side, amount, clientOrderId: id });
      return { id: `x-${placed.length}`, clientOrderId: id, symbol, side, status: 'closed', amount, filled: amount, average: price, cost: amount * price, feeQuote: 0 };
    },
    async findByClientId() {
      return undefined;
    },
    async cancel(symbol, id) {
      cancelled.push([symbol, id]);
    },
    async openOrders() {
      return [];
    },
    async balances() {
      return { BTC: 10, ETH: 10, USDT: 10_000 };
    },
    amountToPrecision: (_s, a) => a,
    ...over,
  };
  return { venue, placed, cancelled };
}

/** Signals by candle open time (0 elsewhere). */
const scripted = (script: Record<number, number> = {}, over: Partial<Strategy> = {}): Strategy => ({
  name: 'scripted',
  description: 'test double',
  timeframes: ['1h'],
  parameters: {},
  warmup: () => 1,
  signals: (c) => Int8Array.from(c.timestamp, (t) => script[t] ?? 0),
  ...over,
});

type Over = Parameters<typeof testSettings>[0];
const settingsOf = (over: Over = {}) => testSettings({ botId: 'guard', strategy: 'scripted', params: {}, lookback: 5, engine: ENGINE, ...over });

function setup(opts: { over?: Over; script?: Record<number, number>; strategy?: Partial<Strategy>; series?: Record<string, Bar[]>; deps?: Partial<BotDeps>; onFeed?: () => unknown } = {}) {
  const ledger = new MemoryLedger();
  const logs: [string, string, Record<string, unknown> | undefined][] = [];
  const series = opts.series ?? { 'BTC/USDT': bars(T0 - 5 * HOUR, [100, 100, 100, 100, 100, 100, 100, 100]) };
  const { feed, calls } = memoryFeed(series, opts.onFeed);
  const settings = settingsOf(opts.over);
  const bot = new TradingBot({
    settings,
    strategy: scripted(opts.script, opts.strategy),
    feed,
    ledger: ledger as unknown as BotLedger,
    log: (level, msg, fields) => logs.push([level, msg, fields]),
    ...opts.deps,
  });
  return { bot, ledger, logs, calls, series };
}

const rowPositionsOf = (s: SavedState) =>
  s.portfolio.positions.map((p) => ({ symbol: p.symbol, side: p.side, amount: p.amount, open_price: p.openPrice, opened_at: new Date(p.openedAt).toISOString() }));

const err = (f: () => unknown): ValidationError => {
  try {
    f();
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error('did not throw');
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('TradingBot set-up guards', () => {
  it('refuses a strategy other than the one in the settings, naming the field', () => {
    const e = err(() => setup({ strategy: { name: 'other' } }));
    expect(e.message).toBe('bot guard is set up for strategy scripted but was given other');
    expect(e.path).toBe('strategy');
  });

  it('refuses live mode without the order API, naming the field', () => {
    const e = err(() => setup({ over: { mode: 'live' } }));
    expect(e.message).toBe("bot guard: live mode needs the exchange's order API");
    expect(e.path).toBe('orders');
    expect(() => setup({ over: { mode: 'live' }, deps: { orders: memoryOrders().venue } })).not.toThrow();
  });

  it('lookback must cover the warm-up plus one candle: exactly that is enough, one less is refused', () => {
    const warm = { warmup: () => 7 };
    expect(() => setup({ over: { lookback: 8 }, strategy: warm })).not.toThrow();
    const e = err(() => setup({ over: { lookback: 7 }, strategy: warm }));
    expect(e.message).toBe('invalid bot settings: lookback: 7 candles cannot warm up scripted (needs 8)');
    expect(e.path).toBe('lookback');
  });

  it('a cycle before start is refused', async () => {
    const { bot } = setup();
    await expect(bot.cycle(AT(T0))).rejects.toThrow('bot guard: cycle before start');
  });

  it('ReconcileError names itself', () => {
    expect(new ReconcileError('x').name).toBe('ReconcileError');
  });
});

describe('TradingBot start, stop and status', () => {
  it('start rolls the day, persists, and logs whether state was restored', async () => {
    const { bot, ledger, logs } = setup();
    await bot.start(AT(T0));
    expect(ledger.saved.at(-1)).toMatchObject({ day: '2025-01-10', dayStartEquity: 10_000, halted: false });
    expect(logs).toContainEqual(['info', 'bot started', { botId: 'guard', mode: 'dry-run', restored: false, positions: 0 }]);
    // A new bot starts with the kill switch off: its first row write does not set it.
    expect(bot.status()).toMatchObject({ killSwitch: false, halted: false, started: true });
    expect(Object.keys(ledger.reports.at(-1)!)).not.toContain('kill_switch');

    const again = setup();
    again.ledger.state = ledger.saved.at(-1);
    await again.bot.start(AT(T0));
    expect(again.logs).toContainEqual(['info', 'bot started', { botId: 'guard', mode: 'dry-run', restored: true, positions: 0 }]);
  });

  it('refuses saved state of another strategy or another mode, naming the bot id field', async () => {
    const a = setup();
    await a.bot.start(AT(T0));
    const saved = a.ledger.saved.at(-1)!;
    const otherStrategy = setup();
    otherStrategy.ledger.state = { ...saved, strategy: 'ma-crossover' };
    await expect(otherStrategy.bot.start(AT(T0))).rejects.toMatchObject({
      message: 'saved state of bot guard is for ma-crossover (dry-run), not scripted (dry-run): use a new bot id',
      path: 'botId',
    });
    const otherMode = setup();
    otherMode.ledger.state = { ...saved, mode: 'shadow' };
    await expect(otherMode.bot.start(AT(T0))).rejects.toThrow('saved state of bot guard is for scripted (shadow), not scripted (dry-run): use a new bot id');
  });

  it('requestStop and shutdown mark the bot stopping; only a stop on purpose removes the row', async () => {
    const a = setup();
    await a.bot.start(AT(T0));
    expect(a.bot.status().stopping).toBe(false);
    a.bot.requestStop();
    expect(a.bot.status().stopping).toBe(true);

    const b = setup();
    await b.bot.start(AT(T0));
    await b.bot.shutdown(AT(T0), false);
    expect(b.bot.status().stopping).toBe(true);
    expect(b.ledger.removed).toBe(0);
    expect(b.logs).toContainEqual(['info', 'bot stopped', { botId: 'guard', rowRemoved: false }]);
    await b.bot.shutdown(AT(T0), true);
    expect(b.ledger.removed).toBe(1);
    expect(b.logs).toContainEqual(['info', 'bot stopped', { botId: 'guard', rowRemoved: true }]);
  });

  it('noteError shows in the status until the next cycle clears it', async () => {
    const { bot } = setup();
    await bot.start(AT(T0));
    bot.noteError(new Error('feed down'));
    expect(bot.status().lastError).toBe('Error: feed down');
    await bot.cycle(AT(T0));
    expect(bot.status().lastError).toBeNull();
  });

  it('status and row carry config version and deployment only when set', async () => {
    const plain = setup();
    await plain.bot.start(AT(T0));
    expect(Object.keys(plain.bot.status())).not.toContain('configVersion');
    expect(Object.keys(plain.bot.status())).not.toContain('deploymentId');
    expect(Object.keys(plain.ledger.reports.at(-1)!)).not.toContain('deployment_id');
    expect(Object.keys(plain.ledger.reports.at(-1)!)).not.toContain('config_version');

    const versioned = setup({ over: { configVersion: 3, deploymentId: 'dep-1' } });
    await versioned.bot.start(AT(T0));
    expect(versioned.bot.status()).toMatchObject({ configVersion: 3, deploymentId: 'dep-1' });
    expect(versioned.ledger.reports.at(-1)).toMatchObject({ config_version: 3, deployment_id: 'dep-1' });
  });
});

describe('TradingBot cycle (dry-run): which candles it acts on and at what price', () => {
  /** Distinct prices per hour so every fill price names its candle: T0-5h..T0+4h. */
  const prices = [90, 91, 92, 93, 94, 100, 110, 120, 130, 140];
  const btc = () => ({ 'BTC/USDT': bars(T0 - 5 * HOUR, prices) });

  it('enters on the newest closed candle at the forming candle open; marks equity at the close; fetches from the next candle on', async () => {
    const { bot, calls } = setup({ series: btc(), script: { [T0 - HOUR]: 1 } });
    await bot.start(AT(T0));
    const r = await bot.cycle(AT(T0));
    expect(r).toMatchObject({ candles: 1, trades: [], ordersSent: 0, skipped: [], killSwitch: false, halted: false });
    expect(calls[0]!.since).toBe(T0 - 5 * HOUR);
    expect(bot.status().positions).toEqual([{ symbol: 'BTC/USDT', side: 'long', amount: 10, open_price: 100, opened_at: new Date(T0).toISOString() }]);
    // Marked at the close of T0-1h (94) before the entry.
    expect(bot.status().equity).toBe(9_000 + 10 * 94);
    await bot.cycle(AT(T0 + HOUR));
    expect(calls[1]!.since).toBe(T0);
    expect(bot.status().equity).toBe(9_000 + 10 * 100);
  });

  it('after a gap it acts on every missed candle in time order, each filled at the next candle open', async () => {
    const { bot } = setup({ series: btc(), script: { [T0]: 1, [T0 + HOUR]: -1 } });
    await bot.start(AT(T0));
    await bot.cycle(AT(T0));
    const r = await bot.cycle(AT(T0 + 3 * HOUR));
    expect(r.candles).toBe(3);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ openedAt: T0 + HOUR, openPrice: 110, closedAt: T0 + 2 * HOUR, closePrice: 120, exitReason: 'signal' });
    expect(r.trades[0]!.profitAbs).toBeCloseTo((1_000 / 110) * 120 - 1_000, 9);
    expect(bot.status().pnlRatio).toBeCloseTo(r.trades[0]!.profitAbs / 10_000, 12);
    expect(bot.status().tradeCount).toBe(1);
  });

  it('a new bot whose first fetch is empty still acts only from the newest closed candle on', async () => {
    const { bot } = setup({ series: { 'BTC/USDT': bars(T0 + HOUR, [100, 101, 102, 103]) } });
    await bot.start(AT(T0));
    expect((await bot.cycle(AT(T0))).candles).toBe(0);
    expect((await bot.cycle(AT(T0 + 3 * HOUR))).candles).toBe(1);
  });

  it('a restored bot acts on every candle after the one it last processed, the oldest held one included', async () => {
    const first = setup({ series: btc() });
    await first.bot.start(AT(T0));
    const saved = { ...first.ledger.saved.at(-1)!, processed: { 'BTC/USDT': T0 - 10 * HOUR } };
    const { bot, ledger } = setup({ series: btc() });
    ledger.state = saved;
    await bot.start(AT(T0));
    expect((await bot.cycle(AT(T0))).candles).toBe(5);
  });

  it('a single closed candle is enough to act on', async () => {
    const { bot } = setup({ series: { 'BTC/USDT': bars(T0 - HOUR, [100, 105]) }, script: { [T0 - HOUR]: 1 } });
    await bot.start(AT(T0));
    expect((await bot.cycle(AT(T0))).candles).toBe(1);
    expect(bot.book.openCount).toBe(1);
    expect(bot.status().positions[0]).toMatchObject({ open_price: 105 });
  });

  it('a symbol without a candle at that time is left out of it (its mark stays)', async () => {
    const eth = bars(T0 - 5 * HOUR, prices).filter((b) => b.t !== T0 + HOUR);
    const { bot } = setup({
      over: { symbols: ['BTC/USDT', 'ETH/USDT'], engine: { ...ENGINE, maxOpenTrades: 2 } },
      series: { 'BTC/USDT': bars(T0 - 5 * HOUR, prices), 'ETH/USDT': eth },
      script: { [T0 - HOUR]: 1 },
    });
    await bot.start(AT(T0));
    await bot.cycle(AT(T0));
    const r = await bot.cycle(AT(T0 + 2 * HOUR));
    expect(r.candles).toBe(2);
    // Both bought 10 at 100; BTC marked at 110 (T0+1h), ETH still at 100 (T0).
    expect(bot.status().equity).toBe(8_000 + 10 * 110 + 10 * 100);
  });

  it('max open trades holds within one candle: the second symbol is not entered', async () => {
    const { bot } = setup({
      over: { symbols: ['BTC/USDT', 'ETH/USDT'] },
      series: { 'BTC/USDT': bars(T0 - 5 * HOUR, prices), 'ETH/USDT': bars(T0 - 5 * HOUR, prices) },
      script: { [T0 - HOUR]: 1 },
    });
    await bot.start(AT(T0));
    const r = await bot.cycle(AT(T0));
    expect(bot.status().positions.map((p) => p.symbol)).toEqual(['BTC/USDT']);
    expect(r.skipped).toEqual([]);
  });

  it('a fixed stake the cash cannot cover skips the entry silently', async () => {
    const { bot } = setup({
      over: { symbols: ['BTC/USDT', 'ETH/USDT'], engine: { ...ENGINE, maxOpenTrades: 2, stake: 6_000 } },
      series: { 'BTC/USDT': bars(T0 - 5 * HOUR, prices), 'ETH/USDT': bars(T0 - 5 * HOUR, prices) },
      script: { [T0 - HOUR]: 1 },
    });
    await bot.start(AT(T0));
    const r = await bot.cycle(AT(T0));
    expect(bot.book.openCount).toBe(1);
    expect(bot.status()).toMatchObject({ cash: 4_000, equity: 4_000 + 60 * 94 });
    expect(r.skipped).toEqual([]);
  });

  it('refuses a strategy that returns a wrong number of signals or an unknown signal; accepts -2..2', async () => {
    const short = setup({ strategy: { signals: (c) => new Int8Array(c.length - 1) } });
    await short.bot.start(AT(T0));
    await expect(short.bot.cycle(AT(T0))).rejects.toMatchObject({ message: 'strategy scripted returned 4 signals for 5 candles', path: 'signals' });
    for (const v of [3, -3]) {
      const bad = setup({ script: { [T0 - HOUR]: v } });
      await bad.bot.start(AT(T0));
      await expect(bad.bot.cycle(AT(T0))).rejects.toMatchObject({ message: `strategy scripted returned unknown signal ${v}`, path: 'signals' });
    }
    for (const v of [2, -2]) {
      const ok = setup({ script: { [T0 - HOUR]: v } });
      await ok.bot.start(AT(T0));
      await expect(ok.bot.cycle(AT(T0))).resolves.toMatchObject({ candles: 1 });
    }
  });

  it('writes the fetched candles to the store; a failed write is logged and the cycle goes on', async () => {
    const writes: [unknown, number][] = [];
    const ok = setup({ deps: { candleStore: { write: async (key, c) => writes.push([key, c.length]) } } });
    await ok.bot.start(AT(T0));
    await ok.bot.cycle(AT(T0));
    expect(writes).toEqual([[{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, 5]]);

    const failing = setup({ deps: { candleStore: { write: () => Promise.reject(new Error('s3 down')) } } });
    await failing.bot.start(AT(T0));
    await expect(failing.bot.cycle(AT(T0))).resolves.toMatchObject({ candles: 1 });
    expect(failing.logs).toContainEqual(['warn', 'candles not written to the store', { symbol: 'BTC/USDT', error: 'Error: s3 down' }]);
  });

  it('a quiet cycle writes the state once (no pending orders to settle)', async () => {
    const { bot, ledger } = setup();
    await bot.start(AT(T0));
    const before = ledger.saved.length;
    await bot.cycle(AT(T0));
    expect(ledger.saved.length).toBe(before + 1);
  });

  it('a failed kill-switch read fails the cycle, never as an unhandled rejection while candles download', async () => {
    // The feed yields to the event loop, as a real download does.
    const { bot, ledger } = setup({ onFeed: () => new Promise((r) => setImmediate(r)) });
    await bot.start(AT(T0));
    ledger.rowError = new Error('row down');
    await expect(bot.cycle(AT(T0))).rejects.toThrow('row down');
  });
});

describe('TradingBot risk guards', () => {
  // Flat at 100 until T0: an entry at the open of T0 is marked at no loss.
  const prices = [100, 100, 100, 100, 100, 100, 110, 120, 130, 140];

  it('a stop-loss that reaches the daily loss limit halts the entry of the same candle and sends one exact alert', async () => {
    const alerts: AlertNotification[] = [];
    const series = { 'BTC/USDT': bars(T0 - 5 * HOUR, prices) };
    // Candle T0 dips to 80: the stop at 90 (10 % under the entry at 100) fills; its signal says enter again.
    series['BTC/USDT'][5] = { t: T0, o: 100, h: 100, l: 80, c: 95 };
    const { bot, logs } = setup({
      over: { engine: { ...ENGINE, stopLoss: 0.1 }, risk: { dailyLossLimit: 0.005 } },
      series,
      script: { [T0 - HOUR]: 1, [T0]: 1 },
      deps: { alert: async (a) => alerts.push(a) },
    });
    await bot.start(AT(T0));
    await bot.cycle(AT(T0));
    expect(bot.book.openCount).toBe(1);
    const r = await bot.cycle(AT(T0 + HOUR));
    expect(r.trades.map((t) => [t.exitReason, t.closePrice])).toEqual([['stop_loss', 90]]);
    expect(r.halted).toBe(true);
    expect(bot.book.openCount).toBe(0);
    expect(r.skipped).toEqual([`BTC/USDT entry at ${new Date(T0 + HOUR).toISOString()}: daily loss limit reached: entries halted until the next UTC day`]);
    expect(logs).toContainEqual(['error', 'daily loss limit reached: entries halted', { botId: 'guard', loss: 0.01 }]);
    expect(alerts).toEqual([
      {
        type: 'trading.daily_loss_limit',
        severity: 'critical',
        source: 'trading-engine/guard',
        subject: 'Bot guard halted: daily loss limit',
        message: 'Bot guard (scripted, dry-run) lost 1.00% of its equity today (limit 0.50%): new entries are halted until the next UTC day; exits continue.',
        occurredAt: new Date(AT(T0 + HOUR)).toISOString(),
        dedupKey: 'daily-loss:guard:2025-01-10',
        details: { botId: 'guard', strategy: 'scripted', mode: 'dry-run', day: '2025-01-10', dayStartEquity: 10_000, equity: 9_900 },
      },
    ]);
    expect(bot.status().halted).toBe(true);
    expect(bot.status().pnlRatio).toBe(-0.01);
  });

  it('the halt holds when the alert cannot be published; the failure is logged', async () => {
    const series = { 'BTC/USDT': bars(T0 - 5 * HOUR, prices) };
    series['BTC/USDT'][5] = { t: T0, o: 100, h: 100, l: 50, c: 50 };
    const { bot, logs } = setup({
      over: { risk: { dailyLossLimit: 0.02 } },
      series,
      script: { [T0 - HOUR]: 1 },
      deps: { alert: () => Promise.reject(new Error('sns down')) },
    });
    await bot.start(AT(T0));
    await bot.cycle(AT(T0));
    const r = await bot.cycle(AT(T0 + HOUR));
    await new Promise((r) => setImmediate(r));
    expect(r.halted).toBe(true);
    expect(logs).toContainEqual(['error', 'daily loss alert not published', { error: 'Error: sns down' }]);
  });

  it('with the kill switch on, the bot still marks its book and halts on the daily loss; no stale-candle notes', async () => {
    const series = { 'BTC/USDT': bars(T0 - 5 * HOUR, prices) };
    series['BTC/USDT'][5] = { t: T0, o: 100, h: 100, l: 40, c: 40 };
    const { bot, ledger } = setup({ over: { risk: { dailyLossLimit: 0.05 } }, series, script: { [T0 - HOUR]: 1, [T0]: -1 } });
    await bot.start(AT(T0));
    await bot.cycle(AT(T0));
    ledger.rowValue = { kill_switch: true };
    const r = await bot.cycle(AT(T0 + HOUR));
    expect(r).toMatchObject({ candles: 1, trades: [], skipped: [], killSwitch: true, halted: true });
    expect(bot.status().equity).toBe(9_000 + 10 * 40);
    expect(bot.book.openCount).toBe(1);
  });
});

describe('TradingBot live orders', () => {
  const prices = [90, 91, 92, 93, 94, 100, 110, 120, 130, 140];
  const BTC = () => ({ 'BTC/USDT': bars(T0 - 5 * HOUR, prices) });
  const live = (opts: Parameters<typeof setup>[0] & { venue?: OrderVenue } = {}) => {
    const orders = opts.venue ? { venue: opts.venue, placed: [], cancelled: [] } : memoryOrders();
    const s = setup({ series: BTC(), ...opts, over: { mode: 'live', ...opts.over }, deps: { orders: orders.venue, ...opts.deps } });
    return { ...s, ...orders };
  };
  const idOf = (candleTime: number, side: 'buy' | 'sell', symbol = 'BTC/USDT') => clientOrderId({ botId: 'guard', symbol, candleTime, side });
  const savedState = (over: Partial<SavedState> = {}): SavedState => ({
    version: 1,
    botId: 'guard',
    mode: 'live',
    strategy: 'scripted',
    portfolio: { cash: 9_900, positions: [{ symbol: 'BTC/USDT', side: 'long', openPrice: 100, amount: 1, stake: 100, entryFee: 0, openedAt: T0 - 3 * HOUR }] },
    performance: { pnl: 0, tradeCount: 0, peakEquity: 10_000, maxDrawdown: 0 },
    processed: { 'BTC/USDT': T0 - HOUR },
    day: '2025-01-10',
    dayStartEquity: 10_000,
    halted: false,
    killSwitch: false,
    pending: [],
    savedAt: new Date(T0).toISOString(),
    ...over,
  });
  const report = (over: Partial<OrderReport>): OrderReport => ({ id: 'o-1', clientOrderId: 'x', symbol: 'BTC/USDT', side: 'buy', status: 'closed', amount: 1, filled: 1, average: 100, cost: 100, feeQuote: 0, ...over });

  it('asks for the stake after fees in base units; the latency excludes time spent waiting on the exchange', async () => {
    let clock = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const l = live({ over: { engine: { ...ENGINE, feeRate: 0.001 } }, script: { [T0 - HOUR]: 1 }, onFeed: () => (clock += 50) });
    l.ledger.onSave = () => (clock += 7);
    await l.bot.start(AT(T0));
    const r = await l.bot.cycle(AT(T0));
    expect(l.placed).toHaveLength(1);
    expect(l.placed[0]).toMatchObject({ symbol: 'BTC/USDT', side: 'buy', clientOrderId: idOf(T0 - HOUR, 'buy') });
    expect(l.placed[0]!.amount).toBeCloseTo((1_000 * 0.999) / 100, 12);
    expect(r.ordersSent).toBe(1);
    // 50 ms downloading candles (the exchange), then 7 ms saving the pending order before sending it.
    expect(r.orderLatencyMs).toEqual([7]);
  });

  it('sends nothing for an amount that rounds to zero', async () => {
    let zero = true;
    const l = live({ script: { [T0 - HOUR]: 1, [T0]: -1 }, venue: memoryOrders({ amountToPrecision: (_s, a) => (zero ? 0 : a) }).venue });
    await l.bot.start(AT(T0));
    expect((await l.bot.cycle(AT(T0))).ordersSent).toBe(0);
    expect(l.bot.book.openCount).toBe(0);

    const m = live({ script: { [T0 - HOUR]: 1, [T0]: -1 }, venue: memoryOrders({ amountToPrecision: (_s, a) => (zero ? 0 : a) }).venue });
    zero = false;
    await m.bot.start(AT(T0));
    await m.bot.cycle(AT(T0));
    expect(m.bot.book.openCount).toBe(1);
    zero = true;
    expect((await m.bot.cycle(AT(T0 + HOUR))).ordersSent).toBe(0);
    expect(m.bot.book.openCount).toBe(1);
  });

  it('after a stop request no entry and no exit order is sent', async () => {
    const a = live({ script: { [T0 - HOUR]: 1 } });
    await a.bot.start(AT(T0));
    a.bot.requestStop();
    expect((await a.bot.cycle(AT(T0))).ordersSent).toBe(0);
    expect(a.placed).toHaveLength(0);

    const b = live({ script: { [T0 - HOUR]: 1, [T0]: -1 } });
    await b.bot.start(AT(T0));
    await b.bot.cycle(AT(T0));
    expect(b.placed).toHaveLength(1);
    b.bot.requestStop();
    expect((await b.bot.cycle(AT(T0 + HOUR))).ordersSent).toBe(0);
    expect(b.placed).toHaveLength(1);
    expect(b.bot.book.openCount).toBe(1);
  });

  it('never trades on a stale candle after downtime: notes it and orders only on the newest', async () => {
    const l = live({ script: { [T0]: 1, [T0 + 2 * HOUR]: 1 } });
    await l.bot.start(AT(T0));
    await l.bot.cycle(AT(T0));
    const r = await l.bot.cycle(AT(T0 + 3 * HOUR));
    expect(r.candles).toBe(3);
    expect(r.skipped).toEqual([`${new Date(T0).toISOString()}: stale candle, no orders`, `${new Date(T0 + HOUR).toISOString()}: stale candle, no orders`]);
    expect(l.placed.map((p) => p.clientOrderId)).toEqual([idOf(T0 + 2 * HOUR, 'buy')]);
  });

  it('a rejected order is dropped, an unknown outcome stays pending and is settled by client id next cycle', async () => {
    // What the exchange answers when asked for the order by client id (none until the test sets it).
    const lookup: { found?: OrderReport } = {};
    const { venue, placed } = memoryOrders({
      async placeMarket(symbol, side, amount, id) {
        placed.push({ symbol, side, amount, clientOrderId: id });
        if (symbol === 'BTC/USDT') throw new Error('socket hang up');
        throw new OrderRejectedError('insufficient balance');
      },
      async findByClientId(_symbol, id) {
        return lookup.found && id === lookup.found.clientOrderId ? lookup.found : undefined;
      },
    });
    const l = live({
      over: { symbols: ['BTC/USDT', 'ETH/USDT'], engine: { ...ENGINE, maxOpenTrades: 2 } },
      series: { 'BTC/USDT': bars(T0 - 5 * HOUR, prices), 'ETH/USDT': bars(T0 - 5 * HOUR, prices) },
      script: { [T0 - HOUR]: 1 },
      venue,
    });
    await l.bot.start(AT(T0));
    const r = await l.bot.cycle(AT(T0));
    const btcId = idOf(T0 - HOUR, 'buy');
    const ethId = idOf(T0 - HOUR, 'buy', 'ETH/USDT');
    expect(r.ordersSent).toBe(2);
    expect(l.bot.status()).toMatchObject({ pendingOrders: 1, lastError: 'OrderRejectedError: insufficient balance' });
    expect(l.ledger.saved.at(-1)!.pending.map((p) => p.clientOrderId)).toEqual([btcId]);
    expect(l.logs).toContainEqual(['warn', 'order outcome unknown: looked up next cycle', { clientOrderId: btcId, error: 'Error: socket hang up' }]);
    expect(l.logs).toContainEqual(['warn', 'order rejected', { clientOrderId: ethId, error: 'OrderRejectedError: insufficient balance' }]);
    expect(l.bot.book.openCount).toBe(0);

    lookup.found = report({ id: 'o-7', clientOrderId: btcId, filled: 10, cost: 1_000, average: 100 });
    await l.bot.cycle(AT(T0 + HOUR));
    expect(l.bot.status()).toMatchObject({ pendingOrders: 0, positions: [{ symbol: 'BTC/USDT', amount: 10, open_price: 100 }] });
  });

  it('a whole fill cancels nothing; a partial fill cancels the rest and records what filled', async () => {
    const whole = live({ script: { [T0 - HOUR]: 1 } });
    await whole.bot.start(AT(T0));
    await whole.bot.cycle(AT(T0));
    expect(whole.cancelled).toEqual([]);
    expect(whole.bot.status().positions[0]).toMatchObject({ amount: 10 });

    const { venue, cancelled } = memoryOrders({ placeMarket: async (symbol, side, _a, id) => report({ id: 'o-3', clientOrderId: id, symbol, side, status: 'open', amount: 10, filled: 4, cost: 400 }) });
    const part = live({ script: { [T0 - HOUR]: 1 }, venue });
    await part.bot.start(AT(T0));
    await part.bot.cycle(AT(T0));
    expect(cancelled).toEqual([['BTC/USDT', 'o-3']]);
    expect(part.bot.status()).toMatchObject({ pendingOrders: 0, positions: [{ amount: 4 }] });
  });

  it('an order that filled nothing (or dust) opens nothing and is no longer pending', async () => {
    for (const filled of [0, 1e-9]) {
      const { venue } = memoryOrders({ placeMarket: async (symbol, side, _a, id) => report({ clientOrderId: id, symbol, side, status: 'canceled', amount: 10, filled, cost: 0, average: 0 }) });
      const l = live({ script: { [T0 - HOUR]: 1 }, venue });
      await l.bot.start(AT(T0));
      await l.bot.cycle(AT(T0));
      expect(l.bot.status()).toMatchObject({ pendingOrders: 0, positions: [] });
    }
  });

  it('an exit filled in part closes that part as a trade; at 1 - 1e-6 of the position it is a whole close', async () => {
    const sell = (filled: number) =>
      memoryOrders({ placeMarket: async (symbol, side, amount, id) => report({ id: 'o-5', clientOrderId: id, symbol, side, status: 'closed', amount, filled, average: 120, cost: filled * 120 }) }).venue;
    const half = live({ script: { [T0 - HOUR]: -1 }, venue: sell(0.5) });
    half.ledger.state = savedState({ processed: { 'BTC/USDT': T0 - 2 * HOUR } });
    await half.bot.start(AT(T0));
    const r = await half.bot.cycle(AT(T0));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ amount: 0.5, closePrice: 120, exitReason: 'signal' });
    expect(half.bot.status().positions).toMatchObject([{ symbol: 'BTC/USDT', amount: 0.5 }]);
    expect(half.ledger.trades[0]).toMatchObject({ clientOrderIds: [idOf(T0 - HOUR, 'sell')], seq: 1 });

    const edge = live({ script: { [T0 - HOUR]: -1 }, venue: sell(1 * (1 - 1e-6)) });
    edge.ledger.state = savedState({ processed: { 'BTC/USDT': T0 - 2 * HOUR } });
    await edge.bot.start(AT(T0));
    await edge.bot.cycle(AT(T0));
    expect(edge.bot.status().positions).toEqual([]);
  });

  describe('start: reconciling with the exchange', () => {
    const pending = (over: Partial<PendingOrder>): PendingOrder => ({ clientOrderId: 'td-p1', symbol: 'BTC/USDT', side: 'buy', purpose: 'open', amount: 1, stake: 100, candleTime: T0 - 2 * HOUR, at: T0 - HOUR, ...over });
    const withFound = (rep: OrderReport | undefined, over: Partial<OrderVenue> = {}) => memoryOrders({ findByClientId: async () => rep, ...over });

    it('a pending order the exchange never saw is dropped and logged', async () => {
      const { venue } = withFound(undefined);
      const l = live({ venue });
      l.ledger.state = savedState({ pending: [pending({ clientOrderId: 'td-lost' })] });
      await l.bot.start(AT(T0));
      expect(l.bot.status().pendingOrders).toBe(0);
      expect(l.logs).toContainEqual(['warn', 'pending order never reached the exchange: dropped', { clientOrderId: 'td-lost' }]);
      expect(l.ledger.saved.at(-1)!.pending).toEqual([]);
    });

    it('a found entry fill for a symbol already held, or an exit fill for a flat or unknown symbol, changes no position', async () => {
      const cases: [PendingOrder, OrderReport, SavedState][] = [
        [pending({ clientOrderId: 'td-open' }), report({ clientOrderId: 'td-open', filled: 2 }), savedState()],
        [pending({ clientOrderId: 'td-close', side: 'sell', purpose: 'close', reason: 'signal' }), report({ clientOrderId: 'td-close', side: 'sell', filled: 1 }), savedState({ portfolio: { cash: 10_000, positions: [] } })],
        [pending({ clientOrderId: 'td-xrp', symbol: 'XRP/USDT', side: 'sell', purpose: 'close' }), report({ clientOrderId: 'td-xrp', symbol: 'XRP/USDT', side: 'sell', filled: 1 }), savedState()],
      ];
      for (const [p, rep, state] of cases) {
        const l = live({ venue: withFound(rep).venue });
        l.ledger.state = { ...state, pending: [p] };
        await l.bot.start(AT(T0));
        expect(l.bot.status()).toMatchObject({ pendingOrders: 0, tradeCount: 0, positions: rowPositionsOf(state) });
      }
    });

    it('a found whole exit fill closes the position as a trade with its client id', async () => {
      const rep = report({ clientOrderId: 'td-sold', side: 'sell', filled: 1, average: 110, cost: 110 });
      const l = live({ venue: withFound(rep).venue });
      l.ledger.state = savedState({ pending: [pending({ clientOrderId: 'td-sold', side: 'sell', purpose: 'close', reason: 'take_profit' })] });
      await l.bot.start(AT(T0));
      expect(l.bot.status()).toMatchObject({ pendingOrders: 0, tradeCount: 1, positions: [] });
      expect(l.ledger.trades).toMatchObject([{ exitReason: 'take_profit', closePrice: 110, clientOrderIds: ['td-sold'], botId: 'guard', seq: 1 }]);
    });

    it('cancels orders an earlier run left open, logging each', async () => {
      const { venue, cancelled } = memoryOrders({ openOrders: async () => [report({ id: 'o-9', clientOrderId: 'td-stray', status: 'open' })] });
      const l = live({ venue });
      await l.bot.start(AT(T0));
      expect(cancelled).toEqual([['BTC/USDT', 'o-9']]);
      expect(l.logs).toContainEqual(['warn', 'cancelling an open order left by an earlier run', { clientOrderId: 'td-stray', symbol: 'BTC/USDT' }]);
    });

    it('a balance down to 1 - 1e-6 of the held amount passes; less is a ReconcileError naming the fix', async () => {
      const at = (held: number) => {
        const l = live({ venue: memoryOrders({ balances: async () => ({ BTC: held }) }).venue });
        l.ledger.state = savedState();
        return l.bot.start(AT(T0));
      };
      await expect(at(1 * (1 - 1e-6))).resolves.toBeUndefined();
      const e = await at(0.99).catch((x: unknown) => x as Error);
      expect(e).toBeInstanceOf(ReconcileError);
      expect((e as Error).message).toBe(
        'bot guard: saved state holds 1 BTC (long BTC/USDT) but the exchange account has 0.99 BTC; fix the account or the state at bots/guard/state.json before trading',
      );
    });
  });
});
