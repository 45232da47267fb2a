import { describe, expect, it } from 'vitest';
import type { CandleFunction, FakeCandle } from './fake-candles.js';
import { advance, cancelOrder, createOrderBook, DUPLICATE_ORDER, findOrder, INSUFFICIENT_BALANCE, placeOrder, type BookMarket, type OrderBook } from './fake-orders.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 10, 13);
const BTC: BookMarket = { id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT' };

/** Hand-written minute candles (open, high, low, close) from T0; later minutes repeat the last. */
function table(rows: readonly [number, number, number, number][]): CandleFunction {
  return (_symbol, openTime): FakeCandle => {
    const i = Math.min(rows.length - 1, Math.max(0, Math.floor((openTime - T0) / MINUTE)));
    const [open, high, low, close] = rows[i]!;
    return { openTime, open, high, low, close, volume: 1 };
  };
}

const CANDLES = table([
  [100, 101, 99, 100], // 13:00
  [100, 102, 98, 99], // 13:01
  [99, 99, 95, 96], // 13:02
  [90, 91, 89, 90], // 13:03: gaps down through 95
  [90, 110, 90, 108], // 13:04
]);

function book(balances: Record<string, number> = { USDT: 1_000 }, feeRate = 0.001): OrderBook {
  return createOrderBook({ candleAt: CANDLES, matchIntervalMs: MINUTE, feeRate }, balances);
}

const balances = (b: OrderBook) => Object.fromEntries([...b.balances].map(([a, v]) => [a, { ...v }]));

describe('fake order book', () => {
  it('fills a market order at the open of the candle forming at the clock, fee in quote', () => {
    const b = book();
    const r = placeOrder(b, { market: BTC, side: 'BUY', type: 'MARKET', amount: 2, clientOrderId: 'm1', now: T0 + MINUTE + 5_000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // The 13:01 candle opens at 100: cost 200, fee 0.2.
    expect(r.fills).toEqual([expect.objectContaining({ price: 100, qty: 2, quoteQty: 200, commission: 0.2, commissionAsset: 'USDT', isMaker: false })]);
    expect(r.order).toMatchObject({ status: 'FILLED', filled: 2, cost: 200, fee: 0.2, reserved: 0 });
    expect(balances(b)).toEqual({ USDT: { free: 799.8, locked: 0 }, BTC: { free: 2, locked: 0 } });

    const sell = placeOrder(b, { market: BTC, side: 'SELL', type: 'MARKET', amount: 2, clientOrderId: 'm2', now: T0 + 2 * MINUTE });
    expect(sell.ok && sell.fills[0]).toMatchObject({ price: 99, quoteQty: 198, commission: 0.198 });
    expect(balances(b)).toEqual({ USDT: { free: 997.602, locked: 0 }, BTC: { free: 0, locked: 0 } });
    expect(b.trades.map((t) => t.id)).toEqual([1, 2]);
  });

  it('rejects what the free balance cannot cover and changes nothing', () => {
    const b = book({ USDT: 200 });
    // 2 x 100 x 1.001 = 200.2 > 200.
    expect(placeOrder(b, { market: BTC, side: 'BUY', type: 'MARKET', amount: 2, clientOrderId: 'a', now: T0 })).toEqual({ ok: false, error: INSUFFICIENT_BALANCE });
    expect(placeOrder(b, { market: BTC, side: 'SELL', type: 'MARKET', amount: 0.1, clientOrderId: 'b', now: T0 })).toEqual({ ok: false, error: INSUFFICIENT_BALANCE });
    expect(b.orders).toEqual([]);
    expect(b.trades).toEqual([]);
    expect(balances(b)).toEqual({ USDT: { free: 200, locked: 0 }, BTC: { free: 0, locked: 0 } });
    expect(b.nextOrderId).toBe(1);
  });

  it('rests a limit order, locking quote, and fills it on the first later closed candle that reaches it', () => {
    const b = book();
    const r = placeOrder(b, { market: BTC, side: 'BUY', type: 'LIMIT', amount: 2, price: 95, clientOrderId: 'l1', now: T0 + 30_000 });
    expect(r.ok && r.fills).toEqual([]);
    expect(balances(b)['USDT']).toEqual({ free: 809.81, locked: 190.19 });
    // 13:02 reaches 95 but is not closed at 13:02:59.999.
    expect(advance(b, T0 + 3 * MINUTE - 1)).toEqual([]);
    const fills = advance(b, T0 + 3 * MINUTE);
    expect(fills).toEqual([expect.objectContaining({ price: 95, qty: 2, quoteQty: 190, commission: 0.19, time: T0 + 3 * MINUTE - 1, isMaker: true })]);
    expect(b.orders[0]).toMatchObject({ status: 'FILLED', filled: 2, reserved: 0, updateTime: T0 + 3 * MINUTE - 1 });
    expect(balances(b)).toEqual({ USDT: { free: 809.81, locked: 0 }, BTC: { free: 2, locked: 0 } });
    expect(advance(b, T0 + 10 * MINUTE)).toEqual([]);
  });

  it('never matches the candle forming at placement, and fills at the open when a candle gaps through', () => {
    const b = book({ USDT: 1_000, BTC: 1 });
    // Placed at 13:01:30: the 13:01 candle (low 98) is not looked at.
    placeOrder(b, { market: BTC, side: 'BUY', type: 'LIMIT', amount: 1, price: 98, clientOrderId: 'b1', now: T0 + MINUTE + 30_000 });
    placeOrder(b, { market: BTC, side: 'BUY', type: 'LIMIT', amount: 1, price: 92, clientOrderId: 'b2', now: T0 + MINUTE + 30_000 });
    placeOrder(b, { market: BTC, side: 'SELL', type: 'LIMIT', amount: 1, price: 105, clientOrderId: 's1', now: T0 + MINUTE + 30_000 });
    const fills = advance(b, T0 + 5 * MINUTE);
    // In time order: b1 on 13:02 (low 95 <= 98, at 98), b2 on 13:03 (opens at 90, below 92: at 90),
    // s1 on 13:04 (high 110 >= 105, at 105).
    expect(fills.map((f) => [f.orderId, f.price, f.time])).toEqual([
      [1, 98, T0 + 3 * MINUTE - 1],
      [2, 90, T0 + 4 * MINUTE - 1],
      [3, 105, T0 + 5 * MINUTE - 1],
    ]);
    // b2 locked 92 x 1.001 and spent 90 x 1.001: the difference came back.
    expect(balances(b)).toEqual({ USDT: { free: 1_000 - 98.098 - 90.09 + 104.895, locked: 0 }, BTC: { free: 2, locked: 0 } });
  });

  it('fills a marketable limit order at once, at the open', () => {
    const b = book();
    const r = placeOrder(b, { market: BTC, side: 'BUY', type: 'LIMIT', amount: 1, price: 120, clientOrderId: 'x', now: T0 });
    expect(r.ok && r.fills.map((f) => [f.price, f.isMaker])).toEqual([[100, false]]);
    expect(balances(b)['USDT']).toEqual({ free: 899.9, locked: 0 });
  });

  it('keeps client order ids unique among open orders, and finds the latest by client id', () => {
    const b = book();
    const limit = { market: BTC, side: 'BUY', type: 'LIMIT', amount: 1, price: 50, clientOrderId: 'sig-1', now: T0 } as const;
    expect(placeOrder(b, limit).ok).toBe(true);
    expect(placeOrder(b, limit)).toEqual({ ok: false, error: DUPLICATE_ORDER });
    expect(placeOrder(b, { ...limit, type: 'MARKET' })).toEqual({ ok: false, error: DUPLICATE_ORDER });
    expect(b.orders).toHaveLength(1);
    cancelOrder(b, b.orders[0]!, T0 + 1);
    expect(() => cancelOrder(b, b.orders[0]!, T0 + 2)).toThrow('order 1 is CANCELED, not open');
    // Closed: the id may be used again, and lookups answer the newest.
    const again = placeOrder(b, { ...limit, type: 'MARKET' });
    expect(again.ok).toBe(true);
    expect(findOrder(b, 'BTCUSDT', { clientOrderId: 'sig-1' })?.id).toBe(2);
    expect(findOrder(b, 'BTCUSDT', { orderId: 1 })?.status).toBe('CANCELED');
    expect(findOrder(b, 'ETHUSDT', { orderId: 1 })).toBeUndefined();
    expect(findOrder(b, 'BTCUSDT', { orderId: 1, clientOrderId: 'other' })).toBeUndefined();
  });

  it('scripted fills: a whole fill at the limit, or a partial one whose rest stays open until cancelled', () => {
    const b = book();
    const full = placeOrder(b, { market: BTC, side: 'BUY', type: 'LIMIT', amount: 1, price: 80, clientOrderId: 'f', now: T0 }, { kind: 'fill' });
    expect(full.ok && full.fills.map((f) => f.price)).toEqual([80]);

    const part = placeOrder(b, { market: BTC, side: 'BUY', type: 'MARKET', amount: 4, clientOrderId: 'p', now: T0 }, { kind: 'partial', fraction: 0.25 });
    expect(part.ok && part.order).toMatchObject({ status: 'PARTIALLY_FILLED', filled: 1, cost: 100, matchable: false });
    // The rest is never matched, however the market moves.
    expect(advance(b, T0 + 60 * MINUTE)).toEqual([]);
    // Locked: 3/4 of 4 x 100 x 1.001.
    expect(balances(b)['USDT']).toEqual({ free: 1_000 - 80.08 - 100.1 - 300.3, locked: 300.3 });
    cancelOrder(b, b.orders[1]!, T0 + 60 * MINUTE);
    expect(balances(b)).toEqual({ USDT: { free: 819.82, locked: 0 }, BTC: { free: 2, locked: 0 } });
    expect(b.orders[1]).toMatchObject({ status: 'CANCELED', filled: 1 });
    expect(() => placeOrder(b, { market: BTC, side: 'BUY', type: 'MARKET', amount: 1, clientOrderId: 'q', now: T0 }, { kind: 'partial', fraction: 1 })).toThrow(
      'partial fill needs a fraction in (0, 1), got 1',
    );
  });

  it('refuses a bad configuration or balance, naming it', () => {
    expect(() => createOrderBook({ candleAt: CANDLES, matchIntervalMs: MINUTE, feeRate: 1 }, {})).toThrow('feeRate must be in [0, 1), got 1');
    expect(() => createOrderBook({ candleAt: CANDLES, matchIntervalMs: 0, feeRate: 0 }, {})).toThrow('match interval must be a positive whole number of ms, got 0');
    expect(() => book({ usdt: 1 })).toThrow('asset "usdt" is not an upper-case asset code');
    expect(() => book({ USDT: -1 })).toThrow('balance of USDT must be a finite number >= 0, got -1');
    expect(() => placeOrder(book(), { market: BTC, side: 'BUY', type: 'MARKET', amount: 0, clientOrderId: 'z', now: T0 })).toThrow('order amount must be a positive number, got 0');
    expect(() => placeOrder(book(), { market: BTC, side: 'BUY', type: 'LIMIT', amount: 1, price: Number.NaN, clientOrderId: 'z', now: T0 })).toThrow('order price must be a positive number, got NaN');
    expect(() => placeOrder(book(), { market: BTC, side: 'BUY', type: 'LIMIT', amount: 1, clientOrderId: 'z', now: T0 })).toThrow('a limit order needs a price');
  });

  it('charges no fee at a zero rate', () => {
    const b = book({ USDT: 100 }, 0);
    const r = placeOrder(b, { market: BTC, side: 'BUY', type: 'MARKET', amount: 1, clientOrderId: 'z', now: T0 });
    expect(r.ok && r.fills[0]?.commission).toBe(0);
    expect(balances(b)['USDT']).toEqual({ free: 0, locked: 0 });
  });
});
