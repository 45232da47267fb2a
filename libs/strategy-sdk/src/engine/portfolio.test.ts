import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { Signal } from '../strategy.js';
import { HOUR, T0 } from './__fixtures__/engine.js';
import { Portfolio, type PortfolioState } from './portfolio.js';
import type { BacktestConfig } from './types.js';

// The Portfolio is driven directly here (the backtest and the trading engine's bots both call it).
// Prices and fractions are binary-exact where a test compares with toBe (75 = 100 * (1 - 0.25)).
const BASE: BacktestConfig = { startingBalance: 10_000, stake: 1000, maxOpenTrades: 2, feeRate: 0, slippage: 0 };
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const BTC = 0;
const ETH = 1;
const book = (config: Partial<BacktestConfig> = {}, symbols: readonly string[] = SYMBOLS) => new Portfolio({ ...BASE, ...config }, symbols, HOUR);

/** A portfolio with one position on BTC opened at 100 for 10 units (stake 1000, no fee) at T0. */
function withPosition(dir: 1 | -1, config: Partial<BacktestConfig> = {}): Portfolio {
  const p = book({ stopLoss: 0.25, takeProfit: 0.5, ...config });
  p.recordOpen(BTC, dir, 100, 10, 1000, 0, T0);
  return p;
}

describe('Portfolio: slots and signals', () => {
  it('opens while fewer than maxOpenTrades trades are open, not at exactly maxOpenTrades', () => {
    const p = book({ maxOpenTrades: 2 });
    expect(p.canOpen()).toBe(true);
    p.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    expect(p.openCount).toBe(1);
    expect(p.canOpen()).toBe(true);
    p.recordOpen(ETH, 1, 100, 10, 1000, 0, T0);
    expect(p.openCount).toBe(2);
    expect(p.canOpen()).toBe(false);
    p.recordClose(ETH, 100, 0, T0, 'signal');
    expect(p.openCount).toBe(1);
    expect(p.canOpen()).toBe(true);
  });

  it('closes a long only on ExitLong and a short only on ExitShort; a flat symbol never exits', () => {
    const p = book({ allowShort: true });
    for (const s of Object.values(Signal)) expect(p.signalExit(BTC, s)).toBe(false);
    p.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    p.recordOpen(ETH, -1, 100, 10, 1000, 0, T0);
    expect(Object.values(Signal).filter((s) => p.signalExit(BTC, s))).toEqual([Signal.ExitLong]);
    expect(Object.values(Signal).filter((s) => p.signalExit(ETH, s))).toEqual([Signal.ExitShort]);
  });

  it('enters long on EnterLong, short on EnterShort only with allowShort, and nothing on an open symbol', () => {
    const off = book();
    expect([0, 1, -1, 2, -2].map((s) => off.entryDirection(BTC, s))).toEqual([0, 1, 0, 0, 0]);
    const on = book({ allowShort: true });
    expect([0, 1, -1, 2, -2].map((s) => on.entryDirection(BTC, s))).toEqual([0, 1, 0, -1, 0]);
    // allowShort must be exactly true (a config not validated by the schema is not truthy-enough).
    expect(book({ allowShort: false }).entryDirection(BTC, Signal.EnterShort)).toBe(0);
    on.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    on.recordOpen(ETH, -1, 100, 10, 1000, 0, T0);
    for (const k of [BTC, ETH]) expect([1, 2].map((s) => on.entryDirection(k, s))).toEqual([0, 0]);
  });
});

describe('Portfolio: stakes', () => {
  it('commits a fixed stake while cash covers it, within a 1e-12 relative tolerance, else skips', () => {
    const p = book({ stake: 1000 });
    expect(p.fractionalStake).toBe(false);
    expect(p.stakeFor(123)).toBe(1000); // the equity argument is ignored for a fixed stake
    p.cash = 1000;
    expect(p.stakeFor(0)).toBe(1000);
    p.cash = 999.99;
    expect(p.stakeFor(0)).toBeNaN();
    // Rounding dust below the stake still trades, with what is there.
    p.cash = 1000 * (1 - 1e-12);
    expect(p.stakeFor(0)).toBe(1000 * (1 - 1e-12));
    p.cash = 1000 * (1 - 1e-13);
    expect(p.stakeFor(0)).toBe(1000 * (1 - 1e-13));
    p.cash = 1000 * (1 - 1e-11);
    expect(p.stakeFor(0)).toBeNaN();
  });

  it('commits a fraction of the equity it is given, capped by cash', () => {
    const p = book({ stake: { fraction: 0.5 } });
    expect(p.fractionalStake).toBe(true);
    expect(p.stakeFor(8000)).toBe(4000);
    expect(p.stakeFor(30_000)).toBe(10_000); // capped by the 10 000 cash
    p.cash = 3000;
    expect(p.stakeFor(8000)).toBe(3000);
  });

  it('skips a fractional stake at or below startingBalance * 1e-12 (nothing left to trade)', () => {
    const p = book({ stake: { fraction: 1 } });
    expect(p.stakeFor(10_000 * 1e-12)).toBeNaN();
    expect(p.stakeFor(10_000 * 2e-12)).toBe(10_000 * 2e-12);
    expect(p.stakeFor(0)).toBeNaN();
    expect(p.stakeFor(-50)).toBeNaN();
  });
});

describe('Portfolio: stop-loss and take-profit inside a candle', () => {
  // Entry 100 with stopLoss 0.25 / takeProfit 0.5: long stop 75, target 150; short stop 125, target 50.
  it('stops a long out when the low reaches the stop exactly, at the stop or at a lower open (gap)', () => {
    const p = withPosition(1);
    expect(p.stopPx[BTC]).toBe(75);
    expect(p.tpPx[BTC]).toBe(150);
    expect(p.candleExit(BTC, T0, 80, 90, 75, 85)).toEqual({ reason: 'stop_loss', raw: 75, at: T0 });
    expect(p.candleExit(BTC, T0, 80, 90, 75.000001, 85)).toBeUndefined();
    expect(p.candleExit(BTC, T0, 70, 72, 65, 68)).toEqual({ reason: 'stop_loss', raw: 70, at: T0 });
  });

  it('takes a long profit when the high reaches the target exactly, at the target or at a higher open (gap)', () => {
    const p = withPosition(1);
    expect(p.candleExit(BTC, T0 + HOUR, 140, 150, 130, 145)).toEqual({ reason: 'take_profit', raw: 150, at: T0 + HOUR });
    expect(p.candleExit(BTC, T0, 140, 149.999999, 130, 145)).toBeUndefined();
    expect(p.candleExit(BTC, T0, 160, 170, 155, 165)).toEqual({ reason: 'take_profit', raw: 160, at: T0 });
  });

  it('assumes the stop first when one candle reaches both stop and target', () => {
    expect(withPosition(1).candleExit(BTC, T0, 100, 150, 75, 100)).toEqual({ reason: 'stop_loss', raw: 75, at: T0 });
    expect(withPosition(-1).candleExit(BTC, T0, 100, 125, 50, 100)).toEqual({ reason: 'stop_loss', raw: 125, at: T0 });
  });

  it('stops a short out when the high reaches the stop exactly, at the stop or at a higher open (gap)', () => {
    const p = withPosition(-1);
    expect(p.stopPx[BTC]).toBe(125);
    expect(p.tpPx[BTC]).toBe(50);
    expect(p.candleExit(BTC, T0, 110, 125, 105, 120)).toEqual({ reason: 'stop_loss', raw: 125, at: T0 });
    expect(p.candleExit(BTC, T0, 110, 124.999999, 105, 120)).toBeUndefined();
    expect(p.candleExit(BTC, T0, 130, 135, 128, 132)).toEqual({ reason: 'stop_loss', raw: 130, at: T0 });
  });

  it('takes a short profit when the low reaches the target exactly, at the target or at a lower open (gap)', () => {
    const p = withPosition(-1);
    expect(p.candleExit(BTC, T0, 60, 70, 50, 55)).toEqual({ reason: 'take_profit', raw: 50, at: T0 });
    expect(p.candleExit(BTC, T0, 60, 70, 50.000001, 55)).toBeUndefined();
    expect(p.candleExit(BTC, T0, 40, 45, 35, 42)).toEqual({ reason: 'take_profit', raw: 40, at: T0 });
  });

  it('never exits without stopLoss / takeProfit / minimalRoi, nor on a flat symbol', () => {
    const p = book();
    p.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    p.recordOpen(ETH, -1, 100, 10, 1000, 0, T0);
    expect(p.candleExit(BTC, T0, 100, 1e9, 1e-9, 100)).toBeUndefined();
    expect(p.candleExit(ETH, T0, 100, 1e9, 1e-9, 100)).toBeUndefined();
    // A flat symbol, even with every rule configured and an ROI that any close would reach.
    const flat = book({ stopLoss: 0.1, takeProfit: 0.1, minimalRoi: { '0': -1 } });
    expect(flat.candleExit(BTC, T0, 100, 1e9, 1e-9, 100)).toBeUndefined();
  });
});

describe('Portfolio: minimal ROI at the candle close', () => {
  // Long of 10 units at 100 (stake 1000) opened at T0; hourly candles close at their open time + 1 h.
  it('applies an entry from exactly its age, at the close time, when the net ratio reaches it exactly', () => {
    const p = withPosition(1, { stopLoss: undefined, takeProfit: undefined, minimalRoi: { '60': 0.25 } });
    // Candle at T0 closes at T0 + 1 h: 60 minutes in trade; close 125 nets exactly 25 %.
    expect(p.candleExit(BTC, T0, 100, 126, 99, 125)).toEqual({ reason: 'roi', raw: 125, at: T0 + HOUR });
    expect(p.candleExit(BTC, T0, 100, 126, 99, 124.99)).toBeUndefined();
    // One millisecond short of 60 minutes: no entry applies yet.
    expect(p.candleExit(BTC, T0 - 1, 100, 126, 99, 200)).toBeUndefined();
  });

  it('uses the latest entry whose age is reached', () => {
    const p = withPosition(1, { stopLoss: undefined, takeProfit: undefined, minimalRoi: { '0': 0.5, '60': 0.25, '120': 0.1 } });
    // 59 minutes: the "0" entry (50 %) applies.
    expect(p.candleExit(BTC, T0 - 60_000, 100, 200, 99, 149)).toBeUndefined();
    expect(p.candleExit(BTC, T0 - 60_000, 100, 200, 99, 150)).toMatchObject({ reason: 'roi', raw: 150 });
    // 60 and 119 minutes: 25 %.
    expect(p.candleExit(BTC, T0, 100, 200, 99, 125)).toMatchObject({ reason: 'roi' });
    expect(p.candleExit(BTC, T0 + 59 * 60_000, 100, 200, 99, 124)).toBeUndefined();
    // 120 minutes and beyond: 10 %.
    expect(p.candleExit(BTC, T0 + HOUR, 100, 200, 99, 110)).toEqual({ reason: 'roi', raw: 110, at: T0 + 2 * HOUR });
    expect(p.candleExit(BTC, T0 + 5 * HOUR, 100, 200, 99, 109)).toBeUndefined();
  });

  it('compares the net ratio after exit slippage and fee, for shorts too', () => {
    // Short 10 at 100: close 80 with 1 % slippage fills at 80.8, returns 10 * (200 - 80.8) = 1192 gross, fee 1 % of 808.
    const p = withPosition(-1, { stopLoss: undefined, takeProfit: undefined, minimalRoi: { '0': 0.18 }, slippage: 0.01, feeRate: 0.01 });
    const net = 10 * (200 - 80 * 1.01) - 10 * 80 * 1.01 * 0.01 - 1000; // 183.92 (18.4 %)
    expect(net / 1000).toBeGreaterThan(0.18);
    expect(p.candleExit(BTC, T0, 90, 95, 79, 80)).toEqual({ reason: 'roi', raw: 80, at: T0 + HOUR });
    // Close 81: 10 * (200 - 81.81) - 8.181 - 1000 = 173.719 (17.4 %) < 18 %.
    expect(p.candleExit(BTC, T0, 90, 95, 79, 81)).toBeUndefined();
  });
});

describe('Portfolio: simulated fills', () => {
  it('opens a long above the price and closes it below, with the fee on each side', () => {
    const p = book({ slippage: 0.01, feeRate: 0.001, stopLoss: 0.1, takeProfit: 0.2 });
    p.simulateOpen(BTC, 1, 100, T0, 1000);
    // Buy at 101; fee 1 of the 1000 stake; amount 999 / 101.
    expect(p.openPx[BTC]).toBeCloseTo(101, 12);
    expect(p.entryFee[BTC]).toBeCloseTo(1, 12);
    expect(p.amount[BTC]).toBeCloseTo(999 / 101, 12);
    expect(p.stakeOf[BTC]).toBe(1000);
    expect(p.openedAt[BTC]).toBe(T0);
    expect(p.side[BTC]).toBe(1);
    expect(p.cash).toBe(9000);
    expect(p.stopPx[BTC]).toBeCloseTo(101 * 0.9, 10);
    expect(p.tpPx[BTC]).toBeCloseTo(101 * 1.2, 10);
    expect(p.exitPx(BTC, 120)).toBeCloseTo(118.8, 12);
    const t = p.simulateClose(BTC, 120, T0 + 3 * HOUR, 'signal');
    // Sell at 120 * 0.99 = 118.8; exit fee 0.1 % of amount * 118.8.
    const amount = 999 / 101;
    const back = amount * 118.8 * 0.999;
    expect(t).toEqual({
      pair: 'BTC/USDT',
      side: 'long',
      openedAt: T0,
      closedAt: T0 + 3 * HOUR,
      openPrice: expect.closeTo(101, 12),
      closePrice: expect.closeTo(118.8, 12),
      amount: expect.closeTo(amount, 12),
      stake: 1000,
      fees: expect.closeTo(1 + amount * 118.8 * 0.001, 12),
      profitAbs: expect.closeTo(back - 1000, 9),
      profitRatio: expect.closeTo((back - 1000) / 1000, 12),
      exitReason: 'signal',
    });
    expect(p.cash).toBeCloseTo(9000 + back, 9);
    expect(p.side[BTC]).toBe(0);
    expect(p.openCount).toBe(0);
  });

  it('opens a short below the price and buys it back above, with the fee on each side', () => {
    const p = book({ slippage: 0.01, feeRate: 0.001, stopLoss: 0.1, takeProfit: 0.2, allowShort: true });
    p.simulateOpen(ETH, -1, 100, T0, 1000);
    // Sell at 99; amount 999 / 99.
    expect(p.openPx[ETH]).toBeCloseTo(99, 12);
    expect(p.amount[ETH]).toBeCloseTo(999 / 99, 12);
    expect(p.side[ETH]).toBe(-1);
    expect(p.stopPx[ETH]).toBeCloseTo(99 * 1.1, 10);
    expect(p.tpPx[ETH]).toBeCloseTo(99 * 0.8, 10);
    expect(p.exitPx(ETH, 90)).toBeCloseTo(90.9, 12);
    const t = p.simulateClose(ETH, 90, T0 + HOUR, 'take_profit');
    // Buy back at 90 * 1.01 = 90.9: gross amount * (2 * 99 - 90.9), fee 0.1 % of amount * 90.9.
    const amount = 999 / 99;
    const back = amount * (198 - 90.9) - amount * 90.9 * 0.001;
    expect(t).toMatchObject({
      pair: 'ETH/USDT',
      side: 'short',
      openPrice: expect.closeTo(99, 12),
      closePrice: expect.closeTo(90.9, 12),
      fees: expect.closeTo(1 + amount * 90.9 * 0.001, 12),
      profitAbs: expect.closeTo(back - 1000, 9),
      profitRatio: expect.closeTo((back - 1000) / 1000, 12),
      exitReason: 'take_profit',
    });
    expect(p.cash).toBeCloseTo(9000 + back, 9);
  });
});

describe('Portfolio: recorded fills', () => {
  it('refuses to open a symbol twice or to close a flat one, naming the symbol', () => {
    const p = book();
    expect(() => p.recordClose(ETH, 100, 0, T0, 'signal')).toThrow(new ValidationError('ETH/USDT: no open position to close', 'symbol'));
    p.recordOpen(ETH, 1, 100, 10, 1000, 0, T0);
    expect(() => p.recordOpen(ETH, -1, 90, 5, 500, 0, T0)).toThrow(new ValidationError('ETH/USDT: a position is already open', 'symbol'));
    // The refused entry changed nothing.
    expect([p.side[ETH], p.openPx[ETH], p.amount[ETH], p.cash, p.openCount]).toEqual([1, 100, 10, 9000, 1]);
    p.recordClose(ETH, 100, 0, T0, 'signal');
    expect(() => p.recordClose(ETH, 100, 0, T0, 'signal')).toThrow('ETH/USDT: no open position to close');
  });

  it('closes a part of a position as its own trade and keeps the rest open at the same entry', () => {
    const p = book({ stopLoss: 0.25 });
    p.recordOpen(BTC, 1, 100, 10, 1000, 4, T0);
    // A quarter fills at 120 with an exit fee of 0.5: stake 250, entry fee 1, amount 2.5.
    const t = p.recordPartialClose(BTC, 0.25, 120, 0.5, T0 + HOUR, 'signal');
    expect(t).toEqual({
      pair: 'BTC/USDT',
      side: 'long',
      openedAt: T0,
      closedAt: T0 + HOUR,
      openPrice: 100,
      closePrice: 120,
      amount: 2.5,
      stake: 250,
      fees: 1.5,
      profitAbs: 2.5 * 120 - 0.5 - 250,
      profitRatio: (2.5 * 120 - 0.5 - 250) / 250,
      exitReason: 'signal',
    });
    expect([p.side[BTC], p.openPx[BTC], p.amount[BTC], p.stakeOf[BTC], p.entryFee[BTC], p.openedAt[BTC], p.stopPx[BTC]]).toEqual([1, 100, 7.5, 750, 3, T0, 75]);
    expect(p.openCount).toBe(1);
    expect(p.cash).toBe(9000 + 299.5);
    // The rest closes normally.
    expect(p.recordClose(BTC, 100, 0, T0 + 2 * HOUR, 'signal')).toMatchObject({ amount: 7.5, stake: 750, fees: 3, profitAbs: 0 });
    expect(p.openCount).toBe(0);
  });

  it('keeps a short remainder short, halving stake and fee at fraction 0.5', () => {
    const p = book({ allowShort: true });
    p.recordOpen(ETH, -1, 100, 10, 1000, 2, T0);
    const t = p.recordPartialClose(ETH, 0.5, 90, 0, T0 + HOUR, 'roi');
    // Short 5 at 100 bought back at 90: gross 5 * (200 - 90) = 550 on a 500 stake.
    expect(t).toMatchObject({ side: 'short', amount: 5, stake: 500, fees: 1, profitAbs: 50, profitRatio: 0.1, exitReason: 'roi' });
    expect([p.side[ETH], p.openPx[ETH], p.amount[ETH], p.stakeOf[ETH], p.entryFee[ETH]]).toEqual([-1, 100, 5, 500, 1]);
    expect(p.openCount).toBe(1);
  });

  it('refuses a partial close fraction outside (0, 1), leaving the position as it was', () => {
    const p = book();
    p.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    expect(() => p.recordPartialClose(BTC, 0, 100, 0, T0, 'signal')).toThrow(new ValidationError('partial close fraction must be in (0, 1), got 0', 'fraction'));
    expect(() => p.recordPartialClose(BTC, 1, 100, 0, T0, 'signal')).toThrow('partial close fraction must be in (0, 1), got 1');
    expect(() => p.recordPartialClose(BTC, -0.5, 100, 0, T0, 'signal')).toThrow('got -0.5');
    expect(() => p.recordPartialClose(BTC, NaN, 100, 0, T0, 'signal')).toThrow('got NaN');
    expect([p.side[BTC], p.amount[BTC], p.stakeOf[BTC], p.openCount, p.cash]).toEqual([1, 10, 1000, 1, 9000]);
  });
});

describe('Portfolio: valuation', () => {
  it('values a long at the price and a short at twice the entry minus the price, less the exit fee', () => {
    const p = book({ feeRate: 0.01, allowShort: true });
    p.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    p.recordOpen(ETH, -1, 100, 10, 1000, 0, T0);
    expect(p.markToMarket(BTC, 120)).toBe(1200);
    expect(p.markToMarket(ETH, 120)).toBe(800);
    expect(p.exitValue(BTC, 120)).toBeCloseTo(1200 - 12, 12);
    expect(p.exitValue(ETH, 120)).toBeCloseTo(800 - 12, 12);
    expect(p.exitValue(ETH, 80)).toBeCloseTo(1200 - 8, 12);
  });

  it('adds open positions at their last close to cash, and nothing for closed ones', () => {
    const p = book({ allowShort: true });
    expect(p.equity()).toBe(10_000);
    p.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    p.recordOpen(ETH, -1, 100, 10, 1000, 0, T0);
    p.markClose(BTC, 110);
    p.markClose(ETH, 110);
    expect(p.lastClose[BTC]).toBe(110);
    // 8000 cash + 1100 long + 900 short.
    expect(p.equity()).toBe(10_000);
    p.markClose(ETH, 90);
    expect(p.equity()).toBe(10_200);
    p.recordClose(ETH, 90, 0, T0, 'signal');
    // ETH is flat (its amount and last close still set): only cash 9100 and the long count.
    expect(p.equity()).toBe(9100 + 1100);
  });
});

describe('Portfolio: snapshot and restore', () => {
  it('restores cash and positions, with their stop and target, replacing whatever was open', () => {
    const src = book({ stopLoss: 0.25, takeProfit: 0.5, allowShort: true });
    src.recordOpen(ETH, -1, 100, 10, 1000, 2, T0 + HOUR);
    const state = src.snapshot();
    expect(state).toEqual({ cash: 9000, positions: [{ symbol: 'ETH/USDT', side: 'short', openPrice: 100, amount: 10, stake: 1000, entryFee: 2, openedAt: T0 + HOUR }] });
    // Through JSON, as a restart reads it.
    const dst = book({ stopLoss: 0.25, takeProfit: 0.5, allowShort: true });
    dst.recordOpen(BTC, 1, 50, 1, 50, 0, T0);
    dst.restore(JSON.parse(JSON.stringify(state)) as PortfolioState);
    expect(dst.snapshot()).toEqual(state);
    expect(dst.side[BTC]).toBe(0);
    expect(dst.openCount).toBe(1);
    expect(dst.cash).toBe(9000);
    expect([dst.stopPx[ETH], dst.tpPx[ETH]]).toEqual([125, 50]);
    expect(dst.recordClose(ETH, 90, 0, T0 + 2 * HOUR, 'signal')).toMatchObject({ side: 'short', openedAt: T0 + HOUR, fees: 2, profitAbs: 100 });
  });

  it('restores a long on the first symbol and counts every position', () => {
    const src = book({ stopLoss: 0.25 });
    src.recordOpen(BTC, 1, 100, 10, 1000, 0, T0);
    src.recordOpen(ETH, 1, 200, 5, 1000, 0, T0);
    const state = src.snapshot();
    expect(state.positions.map((p) => [p.symbol, p.side])).toEqual([['BTC/USDT', 'long'], ['ETH/USDT', 'long']]);
    const dst = book({ stopLoss: 0.25 });
    dst.restore(state);
    expect(dst.openCount).toBe(2);
    expect(dst.canOpen()).toBe(false);
    expect([dst.side[BTC], dst.stopPx[BTC], dst.stopPx[ETH]]).toEqual([1, 75, 150]);
    // An empty snapshot flattens everything.
    dst.restore({ cash: 10_000, positions: [] });
    expect([dst.side[BTC], dst.side[ETH], dst.openCount, dst.cash]).toEqual([0, 0, 0, 10_000]);
  });

  it('refuses a saved position of a symbol it does not trade, naming the ones it does', () => {
    const p = book();
    const state: PortfolioState = { cash: 9000, positions: [{ symbol: 'XRP/USDT', side: 'long', openPrice: 1, amount: 1000, stake: 1000, entryFee: 0, openedAt: T0 }] };
    expect(() => p.restore(state)).toThrow(new ValidationError('saved position of XRP/USDT, which this portfolio does not trade (BTC/USDT, ETH/USDT)', 'positions'));
  });
});
