import { emptyColumns } from '@tradai/market-data';
import { Portfolio } from '@tradai/strategy-sdk';
import { describe, expect, it } from 'vitest';
import { CandleBuffer } from './buffer.js';
import { CLIENT_ORDER_ID_LENGTH, clientOrderId } from './client-order-id.js';
import { checkEntry, dailyLossReached, startPerformance, withEquity, withTrade } from './risk.js';
import { TEST_ENGINE } from './test-support.js';

const HOUR = 3_600_000;

describe('client order ids', () => {
  const key = { botId: 'bot-1', symbol: 'BTC/USDT', candleTime: Date.UTC(2025, 0, 1), side: 'buy' as const };
  it('are the same for the same signal and differ for any other field', () => {
    expect(clientOrderId(key)).toBe(clientOrderId({ ...key }));
    const others = [{ botId: 'bot-2' }, { symbol: 'ETH/USDT' }, { candleTime: key.candleTime + HOUR }, { side: 'sell' as const }, { attempt: 1 }].map((d) => clientOrderId({ ...key, ...d }));
    expect(new Set([clientOrderId(key), ...others]).size).toBe(6);
  });
  it("fit Binance's newClientOrderId rule", () => {
    expect(clientOrderId(key)).toMatch(new RegExp(`^td[A-Za-z0-9]{${CLIENT_ORDER_ID_LENGTH - 2}}$`));
  });
});

describe('candle buffer', () => {
  const candles = (from: number, n: number) => {
    const c = emptyColumns(n);
    for (let i = 0; i < n; i++) {
      c.timestamp[i] = from + i * HOUR;
      c.open[i] = c.high[i] = c.low[i] = c.close[i] = i + 1;
    }
    return c;
  };
  it('keeps at least the last `keep` candles in order, ignores repeats, and never grows past twice `keep`', () => {
    const b = new CandleBuffer(10);
    expect(b.append(candles(0, 15))).toBe(15);
    expect(b.append(candles(10 * HOUR, 10))).toBe(5); // 10..14 repeated
    expect(b.append(candles(20 * HOUR, 3))).toBe(3);
    expect(b.length).toBeLessThanOrEqual(20);
    expect(b.length).toBeGreaterThanOrEqual(10);
    const view = b.upTo(b.length - 1);
    for (let i = 1; i < view.length; i++) expect(view.timestamp[i]! - view.timestamp[i - 1]!).toBe(HOUR);
    expect(b.last).toBe(22 * HOUR);
    expect(b.candle(b.indexOf(22 * HOUR)).c).toBe(3);
    expect(b.indexOf(0)).toBe(-1);
  });
});

describe('risk limits and performance', () => {
  it('refuses entries while halted or at the open-position cap, and cuts the stake to the position size', () => {
    expect(checkEntry({ maxPositionSize: 500 }, 900, 0, false)).toEqual({ ok: true, stake: 500 });
    expect(checkEntry({ maxOpenPositions: 2 }, 900, 2, false)).toEqual({ ok: false, reason: 'max open positions (2) reached' });
    expect(checkEntry({}, 900, 0, true)).toMatchObject({ ok: false, reason: expect.stringContaining('daily loss limit') });
  });
  it('the daily loss limit compares the fall from the day-start equity', () => {
    expect(dailyLossReached({ dailyLossLimit: 0.05 }, 10_000, 9_501)).toBe(false);
    expect(dailyLossReached({ dailyLossLimit: 0.05 }, 10_000, 9_500)).toBe(true);
    expect(dailyLossReached({}, 10_000, 1)).toBe(false);
  });
  it('tracks PnL, trade count and the largest drawdown from a peak', () => {
    let p = startPerformance(100);
    for (const eq of [110, 99, 120, 108]) p = withEquity(p, eq);
    p = withTrade(withTrade(p, 5), -2);
    expect(p).toEqual({ pnl: 3, tradeCount: 2, peakEquity: 120, maxDrawdown: 0.1 });
  });
});

describe('portfolio (shared with the backtest)', () => {
  it('a partial exit closes the filled part as a trade and keeps the rest open at the same entry', () => {
    const book = new Portfolio(TEST_ENGINE, ['BTC/USDT'], HOUR);
    book.recordOpen(0, 1, 100, 10, 1_001, 1, 0);
    const t = book.recordPartialClose(0, 0.4, 110, 0.44, HOUR, 'signal');
    expect(t).toMatchObject({ amount: 4, openPrice: 100, closePrice: 110 });
    expect(t.stake).toBeCloseTo(400.4, 9);
    expect(t.profitAbs).toBeCloseTo(4 * 110 - 0.44 - 400.4, 9);
    const [rest] = book.snapshot().positions;
    expect(rest).toMatchObject({ symbol: 'BTC/USDT', side: 'long', openPrice: 100, amount: 6, openedAt: 0 });
    expect(rest!.stake).toBeCloseTo(600.6, 9);
    expect(rest!.entryFee).toBeCloseTo(0.6, 12);
    expect(book.openCount).toBe(1);
    expect(() => book.recordPartialClose(0, 1, 110, 0, HOUR, 'signal')).toThrow('partial close fraction must be in (0, 1), got 1');
  });
  it('restores a snapshot, refusing a position of a symbol it does not trade', () => {
    const a = new Portfolio(TEST_ENGINE, ['BTC/USDT'], HOUR);
    a.simulateOpen(0, 1, 100, 0, 1_000);
    const b = new Portfolio(TEST_ENGINE, ['BTC/USDT'], HOUR);
    b.restore(a.snapshot());
    expect(b.snapshot()).toEqual(a.snapshot());
    // Targets are restored too: the same candle triggers the same stop.
    expect(b.candleExit(0, HOUR, 100, 100, 90, 95)).toEqual(a.candleExit(0, HOUR, 100, 100, 90, 95));
    expect(() => new Portfolio(TEST_ENGINE, ['ETH/USDT'], HOUR).restore(a.snapshot())).toThrow('saved position of BTC/USDT, which this portfolio does not trade (ETH/USDT)');
  });
});
