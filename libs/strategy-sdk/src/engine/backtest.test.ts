import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { Signal } from '../strategy.js';
import { candles, fixedSignals, HOUR, maCrossover, randomWalk, T0 } from './__fixtures__/engine.js';
import { equityPoints, runBacktest } from './backtest.js';
import type { BacktestConfig } from './types.js';

// Ten hourly candles [open, high, low, close]; the golden cases below are computed by hand on them.
const ROWS = [
  [100, 101, 99, 100], // 0
  [100, 102, 99, 101], // 1
  [102, 104, 101, 103], // 2
  [103, 106, 102, 105], // 3
  [105, 106, 103, 104], // 4
  [104, 105, 100, 101], // 5
  [101, 103, 100, 102], // 6
  [102, 108, 101, 107], // 7
  [107, 109, 106, 108], // 8
  [108, 110, 107, 109], // 9
] as const;
const BTC = candles(ROWS);
const ts = (i: number) => T0 + i * HOUR;
const FREE: BacktestConfig = { startingBalance: 10_000, stake: 1000, maxOpenTrades: 1, feeRate: 0, slippage: 0 };
const run = (at: Record<number, number>, config: Partial<BacktestConfig> = {}, data = { 'BTC/USDT': BTC }) =>
  runBacktest({ strategy: fixedSignals(at), params: {}, candles: data, timeframe: '1h', config: { ...FREE, ...config } });

describe('golden trades', () => {
  it('fills signals at the next open with adverse slippage and fees on both sides', () => {
    // Enter at the close of 1 -> buy at open[2] = 102; exit at the close of 4 -> sell at open[5] = 104.
    // Enter at the close of 6 -> buy at open[7] = 102; still open at the end -> sell at close[9] = 109.
    const r = run({ 1: Signal.EnterLong, 4: Signal.ExitLong, 6: Signal.EnterLong }, { feeRate: 0.001, slippage: 0.001 });
    // Trade 1: buy price 102 * 1.001 = 102.102; entry fee 1000 * 0.001 = 1; amount (1000 - 1) / 102.102.
    const amount = 999 / 102.102;
    // Sell price 104 * 0.999 = 103.896; exit fee 0.1 % of amount * 103.896; cash back = amount * 103.896 * 0.999.
    const back1 = amount * 103.896 * 0.999; // 1015.5365...
    // Trade 2: same entry; sells at 109 * 0.999 = 108.891 at the close of candle 9 (its close time).
    const back2 = amount * 108.891 * 0.999; // 1064.3604...
    expect(r.trades).toHaveLength(2);
    expect(r.trades[0]).toEqual({
      pair: 'BTC/USDT',
      side: 'long',
      openedAt: ts(2),
      closedAt: ts(5),
      openPrice: expect.closeTo(102.102, 12),
      closePrice: expect.closeTo(103.896, 12),
      amount: expect.closeTo(amount, 12),
      stake: 1000,
      fees: expect.closeTo(1 + amount * 103.896 * 0.001, 12),
      profitAbs: expect.closeTo(back1 - 1000, 10),
      profitRatio: expect.closeTo((back1 - 1000) / 1000, 12),
      exitReason: 'signal',
    });
    expect(r.trades[0]!.profitAbs).toBeCloseTo(15.536541, 6);
    expect(r.trades[1]).toMatchObject({ openedAt: ts(7), closedAt: ts(10), closePrice: expect.closeTo(108.891, 12), exitReason: 'end_of_data' });
    expect(r.trades[1]!.profitAbs).toBeCloseTo(64.360413, 6);
    expect(r.finalBalance).toBeCloseTo(10_000 + (back1 - 1000) + (back2 - 1000), 9);
    // Equity marked at each close: cash 9000 + amount * close while a trade is open.
    const expected = [10_000, 10_000, 9000 + amount * 103, 9000 + amount * 105, 9000 + amount * 104];
    const after1 = 9000 + back1;
    expected.push(after1, after1, after1 - 1000 + amount * 107, after1 - 1000 + amount * 108, after1 - 1000 + back2);
    expect(Array.from(r.equityCurve.equity)).toEqual(expected.map((e) => expect.closeTo(e, 9)));
    expect(Array.from(r.equityCurve.timestamp)).toEqual(ROWS.map((_, i) => ts(i)));
    expect(equityPoints(r)[2]).toEqual({ timestamp: ts(2), equity: expect.closeTo(10_007.786331, 5) });
    expect(r.metrics).toMatchObject({ trade_count: 2, win_rate: 1, profit_factor: null, final_equity: r.finalBalance });
    // Open from ts(2) to ts(5) and from ts(7) to the end ts(10): 6 of 10 hours.
    expect(r.metrics.exposure).toBeCloseTo(0.6, 12);
  });

  it('stops out inside the candle at the stop price, or at the open after a gap', () => {
    // Buy at open[4] = 105, stop 2 % below = 102.9; candle 4 low 103 holds, candle 5 low 100 hits.
    const r = run({ 3: Signal.EnterLong }, { stopLoss: 0.02 });
    expect(r.trades).toEqual([expect.objectContaining({ openedAt: ts(4), closedAt: ts(5), closePrice: expect.closeTo(102.9, 12), exitReason: 'stop_loss' })]);
    expect(r.trades[0]!.profitAbs).toBeCloseTo(-20, 9); // 1000 / 105 * 102.9 - 1000
    // A gap: buy at open[1] = 100 (stop 95); candle 2 opens at 90, below the stop -> sells at 90.
    const gap = candles([[100, 100, 100, 100], [100, 101, 99, 100], [90, 91, 89, 90], [90, 91, 89, 90]]);
    const g = run({ 0: Signal.EnterLong }, { stopLoss: 0.05 }, { 'BTC/USDT': gap });
    expect(g.trades[0]).toMatchObject({ closePrice: 90, exitReason: 'stop_loss', profitRatio: expect.closeTo(-0.1, 12) });
  });

  it('takes profit at the target, and assumes the stop-loss first when one candle reaches both', () => {
    // Buy at open[7] = 102; target 5 % = 107.1 <= high 108; stop 99.96 < low 101 -> take profit at 107.1.
    const tp = run({ 6: Signal.EnterLong }, { stopLoss: 0.02, takeProfit: 0.05 });
    expect(tp.trades[0]).toMatchObject({ closedAt: ts(7), closePrice: expect.closeTo(107.1, 12), exitReason: 'take_profit', profitAbs: expect.closeTo(50, 9) });
    // Buy at open[5] = 104; candle 5 spans 100..105: stop 101.92 and target 104.52 both inside -> stop-loss.
    const both = run({ 4: Signal.EnterLong }, { stopLoss: 0.02, takeProfit: 0.005 });
    expect(both.trades[0]).toMatchObject({ closePrice: expect.closeTo(101.92, 12), exitReason: 'stop_loss', profitAbs: expect.closeTo(-20, 9) });
  });

  it('exits on the minimal-ROI table at the close where the profit reaches the entry for the time in trade', () => {
    // Buy at open[2] = 102. Close of 2 (60 min in trade): 103/102 - 1 = 0.98 % < 5 % ("0").
    // Close of 3 (120 min): 105/102 - 1 = 2.94 % >= 1 % ("120") -> sell at 105 at the close time ts(4).
    const r = run({ 1: Signal.EnterLong }, { minimalRoi: { '120': 0.01, '0': 0.05 } });
    expect(r.trades).toEqual([expect.objectContaining({ openedAt: ts(2), closedAt: ts(4), closePrice: 105, exitReason: 'roi' })]);
    expect(r.trades[0]!.profitAbs).toBeCloseTo((1000 / 102) * 105 - 1000, 9);
    // ROI compares the net ratio: with 1 % fees per side, close 105 nets 0.99 * 0.99 * 105 / 102 - 1 = 0.89 % < 1 %;
    // the first close that nets 1 % is close[7] = 107 (2.81 %), exiting at its close time ts(8).
    const net = run({ 1: Signal.EnterLong }, { minimalRoi: { '120': 0.01, '0': 0.05 }, feeRate: 0.01 });
    expect(net.trades[0]).toMatchObject({ closedAt: ts(8), exitReason: 'roi', profitRatio: expect.closeTo(0.99 * 0.99 * (107 / 102) - 1, 12) });
  });

  it('shorts only with allowShort', () => {
    // Sell at open[2] = 102, buy back at open[5] = 104: amount 1000 / 102, loss amount * 2.
    const at = { 1: Signal.EnterShort, 4: Signal.ExitShort };
    const r = run(at, { allowShort: true });
    expect(r.trades[0]).toMatchObject({ side: 'short', openPrice: 102, closePrice: 104, profitAbs: expect.closeTo((-1000 / 102) * 2, 9) });
    // Marked at close[3] = 105: 9000 + 1000 - amount * (105 - 102).
    expect(r.equityCurve.equity[3]).toBeCloseTo(10_000 - (1000 / 102) * 3, 9);
    expect(run(at).trades).toEqual([]);
  });
});

describe('several symbols', () => {
  it('exits before entries at one open, caps open trades and shares one balance', () => {
    // BTC enters at 1 (open[2]) and exits at 4 (open[5]); ETH's entry at 1 finds the one slot taken and
    // is dropped; ETH's entry at 4 fills at open[5] because BTC's exit there frees the slot first.
    const eth = fixedSignals({ 1: Signal.EnterLong, 4: Signal.EnterLong });
    const btc = fixedSignals({ 1: Signal.EnterLong, 4: Signal.ExitLong });
    const strategy = { ...btc, signals: (c: typeof BTC) => (c.close[0] === 100 ? btc : eth).signals(c, {}) };
    const ethCandles = candles(ROWS.map((r) => r.map((v) => v * 20) as unknown as readonly [number, number, number, number]));
    const r = runBacktest({ strategy, params: {}, candles: { 'BTC/USDT': BTC, 'ETH/USDT': ethCandles }, timeframe: '1h', config: FREE });
    expect(r.trades.map((t) => [t.pair, t.openedAt, t.closedAt, t.exitReason])).toEqual([
      ['BTC/USDT', ts(2), ts(5), 'signal'],
      ['ETH/USDT', ts(5), ts(10), 'end_of_data'],
    ]);
    // With two slots but a 6000 stake out of 10000, the second entry at the same open lacks cash.
    const r2 = runBacktest({ strategy, params: {}, candles: { 'BTC/USDT': BTC, 'ETH/USDT': ethCandles }, timeframe: '1h', config: { ...FREE, maxOpenTrades: 2, stake: 6000 } });
    expect(r2.trades.map((t) => [t.pair, t.openedAt])).toEqual([['BTC/USDT', ts(2)], ['ETH/USDT', ts(5)]]);
  });

  it('merges timelines of symbols with different candles', () => {
    const late = candles(ROWS.slice(3), ts(3));
    const r = runBacktest({ strategy: fixedSignals({ 0: Signal.EnterLong }), params: {}, candles: { 'BTC/USDT': BTC, 'SOL/USDT': late }, timeframe: '1h', config: { ...FREE, maxOpenTrades: 2 } });
    expect(r.equityCurve.length).toBe(10);
    // SOL's candle 0 is BTC's candle 3: it enters at its own next open, ts(4).
    expect(r.trades.map((t) => [t.pair, t.openedAt])).toEqual([['BTC/USDT', ts(1)], ['SOL/USDT', ts(4)]]);
    expect(r.trades.reduce((a, t) => a + t.profitAbs, 0)).toBeCloseTo(r.finalBalance - 10_000, 9);
  });
});

describe('symbols with sparser candles', () => {
  it('acts on a symbol only at its own candles, never at timestamps only other symbols have', () => {
    // ETH has a candle every 2 hours (ts 0, 2, 4, 6, 8), BTC every hour with no signals. ETH's entry at
    // the close of its candle 0 fills at its next candle, ts(2), not at BTC's ts(1); its exit at the
    // close of its candle 1 (ts 2) fills at ts(4), not at ts(3).
    const eth = candles(ROWS.slice(0, 5), T0, 2 * HOUR);
    const ethSignals = fixedSignals({ 0: Signal.EnterLong, 1: Signal.ExitLong });
    const strategy = { ...ethSignals, signals: (c: typeof BTC) => (c.timestamp[1]! - c.timestamp[0]! === 2 * HOUR ? ethSignals.signals(c, {}) : new Int8Array(c.length)) };
    const r = runBacktest({ strategy, params: {}, candles: { 'BTC/USDT': BTC, 'ETH/USDT': eth }, timeframe: '1h', config: { ...FREE, maxOpenTrades: 2 } });
    expect(r.trades.map((t) => [t.pair, t.openedAt, t.openPrice, t.closedAt, t.closePrice, t.exitReason])).toEqual([['ETH/USDT', ts(2), eth.open[1], ts(4), eth.open[2], 'signal']]);
  });
});

describe('candle columns longer than their length', () => {
  it('trades the first `length` candles only, with or without a window', () => {
    // Arrays of 10 candles, length 6: what a buffer with spare capacity hands over.
    const six = { ...BTC, length: 6 };
    const signals = { 1: Signal.EnterLong };
    const r = run(signals, {}, { 'BTC/USDT': six });
    expect(r.equityCurve.length).toBe(6);
    expect(r.trades).toEqual([expect.objectContaining({ openedAt: ts(2), closedAt: ts(6), closePrice: ROWS[5]![3], exitReason: 'end_of_data' })]);
    const windowed = runBacktest({ strategy: fixedSignals(signals), params: {}, candles: { 'BTC/USDT': six }, timeframe: '1h', config: FREE, range: { start: ts(1), end: ts(9) } });
    expect(Array.from(windowed.equityCurve.timestamp)).toEqual([1, 2, 3, 4, 5].map(ts));
  });
});

describe('properties', () => {
  const walk = randomWalk(600, 7);
  const params = { fast: 5, slow: 20 };
  const cfg: BacktestConfig = { startingBalance: 10_000, stake: { fraction: 0.5 }, maxOpenTrades: 1, feeRate: 0.001, slippage: 0.0005, stopLoss: 0.03 };
  const full = runBacktest({ strategy: maCrossover, params, candles: { 'BTC/USDT': walk }, timeframe: '1h', config: cfg });

  it('never changes earlier trades when future candles are appended (no look-ahead)', () => {
    expect(full.trades.length).toBeGreaterThan(10);
    for (const cut of [200, 333, 599]) {
      const part = runBacktest({ strategy: maCrossover, params, candles: { 'BTC/USDT': walk }, timeframe: '1h', config: cfg, range: { start: T0, end: T0 + cut * HOUR } });
      const closed = part.trades.filter((t) => t.exitReason !== 'end_of_data');
      expect(closed.length).toBeGreaterThan(0);
      expect(full.trades.slice(0, closed.length)).toEqual(closed);
      // Equity up to the candle before the cut (the last one differs by the forced exit).
      expect(Array.from(full.equityCurve.equity.subarray(0, cut - 1))).toEqual(Array.from(part.equityCurve.equity.subarray(0, cut - 1)));
    }
  });

  it('sums trade profits to final minus starting equity', () => {
    const other = randomWalk(600, 99);
    const strategy = { ...maCrossover };
    const r = runBacktest({ strategy, params, candles: { 'BTC/USDT': walk, 'ETH/USDT': other }, timeframe: '1h', config: { ...cfg, maxOpenTrades: 2, takeProfit: 0.04 } });
    expect(new Set(r.trades.map((t) => t.exitReason))).toEqual(new Set(['signal', 'stop_loss', 'take_profit']));
    expect(r.trades.reduce((a, t) => a + t.profitAbs, 0)).toBeCloseTo(r.finalBalance - r.startingBalance, 6);
    expect(r.equityCurve.equity[r.equityCurve.length - 1]).toBe(r.finalBalance);
  });

  it('compounds trade returns exactly with no costs and full-balance stakes', () => {
    const r = runBacktest({ strategy: maCrossover, params, candles: { 'BTC/USDT': walk }, timeframe: '1h', config: { ...cfg, feeRate: 0, slippage: 0, stake: { fraction: 1 } } });
    const product = r.trades.reduce((a, t) => a * (1 + t.profitRatio), 1);
    expect(r.finalBalance / r.startingBalance).toBeCloseTo(product, 10);
  });
});

describe('bad input', () => {
  const args = { strategy: maCrossover, params: {}, candles: { 'BTC/USDT': BTC }, timeframe: '1h' as const, config: FREE };

  it('refuses parameters of the wrong type or out of range, naming them (domain checkParameters)', () => {
    expect(() => runBacktest({ ...args, params: { fast: 'five' } })).toThrow(new ValidationError('invalid parameters: parameters.fast: must be a number, got string', 'parameters.fast'));
    expect(() => runBacktest({ ...args, params: { slow: 1 } })).toThrow(/parameters\.slow: must be >= 3, got 1/);
    expect(() => runBacktest({ ...args, params: { period: 3 } })).toThrow(/parameters\.period: unknown parameter/);
  });

  it('refuses a window without candles', () => {
    expect(() => runBacktest({ ...args, range: { start: ts(20), end: ts(30) } })).toThrow(/range: no candles of BTC\/USDT in the window \[2026-01-01T20:00:00.000Z, 2026-01-02T06:00:00.000Z\)/);
    expect(() => runBacktest({ ...args, range: { start: ts(3), end: ts(4) } })).toThrow(/only one candle/);
    expect(() => runBacktest({ ...args, range: { start: ts(4), end: ts(3) } })).toThrow(/range: start .* must be before end/);
    expect(() => runBacktest({ ...args, candles: {} })).toThrow(/candles: no symbols/);
  });

  it('refuses a bad config naming every bad field', () => {
    const bad = { ...FREE, feeRate: -0.1, stake: { fraction: 2 }, maxOpenTrades: 0.5 } as BacktestConfig;
    expect(() => runBacktest({ ...args, config: bad })).toThrow(/invalid backtest config: .*stake.*maxOpenTrades|invalid backtest config: .*maxOpenTrades/);
    try {
      runBacktest({ ...args, config: bad });
    } catch (err) {
      expect((err as ValidationError).issues.map((i) => i.path).sort()).toEqual(['feeRate', 'maxOpenTrades', 'stake.fraction']);
    }
    expect(() => runBacktest({ ...args, config: { ...FREE, stopLoss: 1 } })).toThrow(/stopLoss/);
    expect(() => runBacktest({ ...args, config: { ...FREE, minimalRoi: { '1h': 0.1 } } })).toThrow(/minimalRoi: keys must be whole minutes/);
    expect(() => runBacktest({ ...args, config: { ...FREE, stoploss: 0.1 } as BacktestConfig })).toThrow(/config: stoploss: unknown option; known: startingBalance, stake/);
  });

  it('refuses signals of the wrong length and unordered candles', () => {
    const short = { ...fixedSignals({}), signals: () => new Int8Array(3) };
    expect(() => runBacktest({ ...args, strategy: short })).toThrow(new ValidationError('strategy fixed returned 3 signals for 10 candles of BTC/USDT', 'signals'));
    const unordered = { ...BTC, timestamp: BTC.timestamp.slice().reverse() };
    expect(() => runBacktest({ ...args, candles: { 'BTC/USDT': unordered } })).toThrow(/candles of BTC\/USDT: timestamp 1 .* is not after the previous one/);
  });
});

describe('windows and timelines', () => {
  /** A strategy that records the candles it was shown, and enters long at `enterAt` if given. */
  function recording(enterAt?: number) {
    const seen: { length: number; last: number }[] = [];
    const base = fixedSignals(enterAt === undefined ? {} : { [enterAt]: Signal.EnterLong });
    const strategy = { ...base, signals: (c: typeof BTC) => (seen.push({ length: c.length, last: c.timestamp[c.length - 1]! }), base.signals(c, {})) };
    return { strategy, seen };
  }
  const window = (range: { start: number; end: number } | undefined, enterAt?: number) => {
    const { strategy, seen } = recording(enterAt);
    const r = runBacktest({ strategy, params: {}, candles: { 'BTC/USDT': BTC }, timeframe: '1h', config: FREE, ...(range ? { range } : {}) });
    return { r, seen };
  };

  it('trades from a candle exactly at the window start up to the candle before the window end', () => {
    const { r, seen } = window({ start: ts(2), end: ts(6) });
    expect(Array.from(r.equityCurve.timestamp)).toEqual([ts(2), ts(3), ts(4), ts(5)]);
    // Signals see the candles before the end only (no look-ahead past the window), warm-up included.
    expect(seen).toEqual([{ length: 6, last: ts(5) }]);
  });

  it('shows the strategy every candle without a range, or with an end past the last candle', () => {
    expect(window(undefined).seen).toEqual([{ length: 10, last: ts(9) }]);
    expect(window({ start: ts(0), end: ts(10) }).seen).toEqual([{ length: 10, last: ts(9) }]);
    // A start or end between candles rounds up to the next candle.
    const { r, seen } = window({ start: ts(2) - 1, end: ts(6) - 1 });
    expect(Array.from(r.equityCurve.timestamp)).toEqual([ts(2), ts(3), ts(4), ts(5)]);
    expect(seen).toEqual([{ length: 6, last: ts(5) }]);
    expect(window({ start: ts(2) + 1, end: ts(6) + 1 }).r.equityCurve.timestamp[0]).toBe(ts(3));
  });

  it('acts on the signal of the first candle in the window, never on one before it', () => {
    // Signal at candle 2 = the window's first candle: enters at open[3].
    expect(window({ start: ts(2), end: ts(8) }, 2).r.trades.map((t) => [t.openedAt, t.closedAt, t.exitReason])).toEqual([[ts(3), ts(8), 'end_of_data']]);
    // Signal at candle 1, before the window: ignored although its next open ts(2) is inside it.
    expect(window({ start: ts(2), end: ts(8) }, 1).r.trades).toEqual([]);
  });

  it('trades a window of exactly two candles', () => {
    const { r } = window({ start: ts(3), end: ts(5) }, 3);
    expect(r.equityCurve.length).toBe(2);
    expect(r.trades).toEqual([expect.objectContaining({ openedAt: ts(4), closedAt: ts(5), openPrice: 105, closePrice: 104, exitReason: 'end_of_data' })]);
  });

  it('merges symbols with equal timestamps into one point each, and interleaved ones in order', () => {
    const strategy = fixedSignals({});
    const same = runBacktest({ strategy, params: {}, candles: { 'BTC/USDT': BTC, 'ETH/USDT': BTC, 'SOL/USDT': BTC }, timeframe: '1h', config: FREE });
    expect(Array.from(same.equityCurve.timestamp)).toEqual(ROWS.map((_, i) => ts(i)));
    const half = candles([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]], ts(0) + HOUR / 2);
    const mixed = runBacktest({ strategy, params: {}, candles: { 'ETH/USDT': half, 'BTC/USDT': candles(ROWS.slice(0, 3)) }, timeframe: '1h', config: FREE });
    expect(Array.from(mixed.equityCurve.timestamp)).toEqual([0, 0.5, 1, 1.5, 2, 2.5].map((h) => ts(0) + h * HOUR));
    // A window cuts each symbol's candles, then merges.
    const cut = runBacktest({ strategy, params: {}, candles: { 'ETH/USDT': half, 'BTC/USDT': BTC }, timeframe: '1h', config: FREE, range: { start: ts(1), end: ts(3) } });
    expect(Array.from(cut.equityCurve.timestamp)).toEqual([1, 1.5, 2, 2.5].map((h) => ts(0) + h * HOUR));
  });

  it('lists the equity curve as points, one per candle', () => {
    const r = run({ 1: Signal.EnterLong, 3: Signal.ExitLong });
    const points = equityPoints(r);
    expect(points).toHaveLength(10);
    // Buys 1000 / 102 at open[2], sells at open[4] = 105.
    expect(points.slice(0, 5)).toEqual([
      { timestamp: ts(0), equity: 10_000 },
      { timestamp: ts(1), equity: 10_000 },
      { timestamp: ts(2), equity: expect.closeTo(9000 + (1000 / 102) * 103, 9) },
      { timestamp: ts(3), equity: expect.closeTo(9000 + (1000 / 102) * 105, 9) },
      { timestamp: ts(4), equity: expect.closeTo(9000 + (1000 / 102) * 105, 9) },
    ]);
    expect(points[9]).toEqual({ timestamp: ts(9), equity: r.finalBalance });
  });

  it('reports the run: strategy, timeframe, merged parameters, config, symbols and balances', () => {
    const r = run({});
    expect(r).toMatchObject({ strategy: 'fixed', timeframe: '1h', params: { size: 1 }, config: FREE, symbols: ['BTC/USDT'], startingBalance: 10_000, finalBalance: 10_000, trades: [] });
    expect(r.metrics).toMatchObject({ trade_count: 0, final_equity: 10_000 });
  });
});

describe('fractional stakes across symbols', () => {
  it('stakes a fraction of the equity marked at the last closes, not of the free cash', () => {
    // BTC enters at open[2] = 102 with 0.4 of 10 000; ETH (same prices) enters at open[4] = 105.
    const btc = fixedSignals({ 1: Signal.EnterLong });
    const eth = fixedSignals({ 3: Signal.EnterLong });
    const other = candles(ROWS.map((r) => [r[0], r[1], r[2], r[3] + 1e-9] as const));
    const strategy = { ...btc, signals: (c: typeof BTC) => (c.close[0] === 100 ? btc : eth).signals(c, {}) };
    const r = runBacktest({ strategy, params: {}, candles: { 'BTC/USDT': BTC, 'ETH/USDT': other }, timeframe: '1h', config: { ...FREE, stake: { fraction: 0.4 }, maxOpenTrades: 2 } });
    // At ts(4): cash 6000 + 4000 / 102 BTC marked at close[3] = 105 (not 0.4 of the 6000 cash).
    const equity = 6000 + (4000 / 102) * 105;
    expect(r.trades.map((t) => [t.pair, t.openedAt, t.stake])).toEqual([
      ['BTC/USDT', ts(2), 4000],
      ['ETH/USDT', ts(4), expect.closeTo(0.4 * equity, 9)],
    ]);
  });
});

describe('bad input edges', () => {
  const args = { strategy: fixedSignals({}), params: {}, candles: { 'BTC/USDT': BTC }, timeframe: '1h' as const, config: FREE };

  it('accepts signals from -2 to 2 and refuses any other value, naming it and the candle', () => {
    expect(() => runBacktest({ ...args, strategy: fixedSignals({ 3: -2, 4: 2 }) })).not.toThrow();
    expect(() => runBacktest({ ...args, strategy: fixedSignals({ 4: 3 }) })).toThrow(new ValidationError('strategy fixed returned unknown signal 3 at candle 4 of BTC/USDT', 'signals'));
    expect(() => runBacktest({ ...args, strategy: fixedSignals({ 0: -3 }) })).toThrow('strategy fixed returned unknown signal -3 at candle 0 of BTC/USDT');
    expect(() => runBacktest({ ...args, strategy: fixedSignals({ 9: 3 }) })).toThrow('unknown signal 3 at candle 9 of BTC/USDT');
  });

  it('refuses an unknown timeframe', () => {
    expect(() => runBacktest({ ...args, timeframe: '7m' as '1h' })).toThrow(new ValidationError('invalid backtest: timeframe: unknown timeframe "7m"', 'timeframe'));
  });

  it('refuses a column shorter than the candle count', () => {
    for (const col of ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const) {
      const bad = { ...BTC, [col]: BTC[col].subarray(0, 9) };
      expect(() => runBacktest({ ...args, candles: { 'BTC/USDT': bad } })).toThrow(new ValidationError('invalid candles of BTC/USDT: a column is shorter than length 10', 'candles.BTC/USDT'));
    }
  });

  it('refuses equal timestamps, naming the index', () => {
    const ts2 = BTC.timestamp.slice();
    ts2[5] = ts2[4]!;
    expect(() => runBacktest({ ...args, candles: { 'BTC/USDT': { ...BTC, timestamp: ts2 } } })).toThrow(
      new ValidationError(`invalid candles of BTC/USDT: timestamp 5 (${ts(4)}) is not after the previous one`, 'candles.BTC/USDT'),
    );
    const last = BTC.timestamp.slice();
    last[9] = ts(8);
    expect(() => runBacktest({ ...args, candles: { 'BTC/USDT': { ...BTC, timestamp: last } } })).toThrow(/timestamp 9 /);
  });

  it('refuses an empty window or one of a single candle, saying how many were found', () => {
    expect(() => runBacktest({ ...args, range: { start: ts(3), end: ts(3) } })).toThrow(new ValidationError(`invalid backtest: range: start ${ts(3)} must be before end ${ts(3)}`, 'range'));
    expect(() => runBacktest({ ...args, range: { start: ts(3), end: ts(4) } })).toThrow(
      new ValidationError('invalid backtest: range: only one candle of BTC/USDT in the window [2026-01-01T03:00:00.000Z, 2026-01-01T04:00:00.000Z); need at least 2 (1 found)', 'range'),
    );
    // Two symbols with the same single candle: one timeline point, two candles found.
    const one = candles([[1, 1, 1, 1]]);
    expect(() => runBacktest({ ...args, candles: { 'BTC/USDT': one, 'ETH/USDT': one } })).toThrow(
      'invalid backtest: range: only one candle of BTC/USDT, ETH/USDT in the window (all candles); need at least 2 (2 found)',
    );
    expect(() => runBacktest({ ...args, candles: { 'BTC/USDT': candles([]) } })).toThrow('invalid backtest: range: no candles of BTC/USDT in the window (all candles); need at least 2 (0 found)');
    expect(() => runBacktest({ ...args, candles: {} })).toThrow(new ValidationError('invalid backtest: candles: no symbols given', 'candles'));
  });
});
