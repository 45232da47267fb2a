import ccxt, { type Exchange, type Order } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { ccxtOrders, OrderRejectedError } from './orders.js';

const noSleep = { sleep: async () => undefined, random: () => 0 };
type Fake = Partial<Record<'createOrder' | 'fetchOrder' | 'cancelOrder' | 'fetchOpenOrders' | 'fetchBalance' | 'loadMarkets' | 'amountToPrecision', (...a: never[]) => unknown>>;

function fake(over: Fake) {
  const log: string[] = [];
  const ex = {
    id: 'fakex',
    loadMarkets: async () => (log.push('loadMarkets'), {}),
    fetchOrder: async () => {
      log.push('fetchOrder');
      throw new ccxt.OrderNotFound('none');
    },
    ...over,
  };
  return { ex: ex as unknown as Exchange, log };
}

const order = (o: Partial<Order>): Order => ({ id: '7', side: 'buy', status: 'closed', amount: 2, ...o }) as Order;

describe('ccxtOrders reports', () => {
  it('derives average and cost, and converts base fees to quote at the average', async () => {
    const { ex } = fake({ createOrder: async () => order({ filled: 2, cost: 200, fee: { cost: 0.001, currency: 'BTC' } as Order['fee'] }) });
    const r = await ccxtOrders(ex, 0.5, noSleep).placeMarket('BTC/USDT', 'buy', 2, 'td1');
    expect(r).toEqual({ id: '7', clientOrderId: 'td1', symbol: 'BTC/USDT', side: 'buy', status: 'closed', amount: 2, filled: 2, average: 100, cost: 200, feeQuote: 0.1 });
  });

  it('derives cost from filled and average, sums listed fees in quote', async () => {
    const fees = [
      { cost: 0.2, currency: 'USDT' },
      { cost: 0.01, currency: 'BTC' },
      { currency: 'BNB' },
    ];
    const { ex } = fake({ createOrder: async () => ({ ...order({ filled: 3, average: 50 }), fees }) as unknown as Order });
    const r = await ccxtOrders(ex, 0.5, noSleep).placeMarket('BTC/USDT', 'buy', 3, 'td1');
    expect(r.cost).toBe(150);
    expect(r.average).toBe(50);
    expect(r.feeQuote).toBeCloseTo(0.7, 12);
  });

  it('estimates the fee with feeRate when the exchange gives none, and defaults missing fields', async () => {
    const { ex } = fake({ createOrder: async () => ({ side: 'sell', status: 'closed', filled: 4, cost: 80 }) as unknown as Order });
    const r = await ccxtOrders(ex, 0.001, noSleep).placeMarket('BTC/USDT', 'sell', 4, 'td2');
    expect(r).toEqual({ id: '', clientOrderId: 'td2', symbol: 'BTC/USDT', side: 'sell', status: 'closed', amount: 0, filled: 4, average: 20, cost: 80, feeQuote: 0.08 });
    const { ex: ex2 } = fake({ createOrder: async () => ({ side: 'buy', status: 'closed', filled: 0, fee: { currency: 'USDT' } }) as unknown as Order });
    const r2 = await ccxtOrders(ex2, 0.001, noSleep).placeMarket('BTC', 'buy', 1, 'td3');
    expect([r2.average, r2.cost, r2.feeQuote]).toEqual([0, 0, 0]);
  });

  it('treats a fee in a non-quote currency of a symbol without quote as base', async () => {
    const { ex } = fake({ createOrder: async () => order({ filled: 1, average: 10, cost: 10, fee: { cost: 1, currency: '' } as Order['fee'] }) });
    expect((await ccxtOrders(ex, 0, noSleep).placeMarket('BTC', 'buy', 1, 'td')).feeQuote).toBe(1);
    const { ex: ex2 } = fake({ createOrder: async () => order({ filled: 1, average: 10, cost: 10, fee: { cost: 1, currency: 'X' } as Order['fee'] }) });
    expect((await ccxtOrders(ex2, 0, noSleep).placeMarket('BTC', 'buy', 1, 'td')).feeQuote).toBe(10);
  });
});

describe('ccxtOrders placeMarket', () => {
  it('takes a closed, filled answer as is, and reads an open answer back by client id', async () => {
    const closed = fake({ createOrder: async () => order({ filled: 2, cost: 20 }) });
    await ccxtOrders(closed.ex, 0, noSleep).placeMarket('BTC/USDT', 'buy', 2, 'td1');
    expect(closed.log).toEqual(['loadMarkets']);
    const calls: unknown[] = [];
    const open = fake({
      createOrder: async () => order({ status: 'open', filled: 0 }),
      fetchOrder: async (...a: never[]) => (calls.push(a), order({ status: 'closed', filled: 2, cost: 30 })),
    });
    const r = await ccxtOrders(open.ex, 0, noSleep).placeMarket('BTC/USDT', 'buy', 2, 'td1');
    expect(r.cost).toBe(30);
    expect(calls).toEqual([[undefined, 'BTC/USDT', { origClientOrderId: 'td1' }]]);
    const noFilled = fake({ createOrder: async () => order({ status: 'closed', filled: undefined, cost: 5 }), fetchOrder: async () => order({ filled: 1, cost: 9 }) });
    expect((await ccxtOrders(noFilled.ex, 0, noSleep).placeMarket('BTC/USDT', 'buy', 1, 'td1')).cost).toBe(9);
  });

  it('falls back to the placed answer when the read-back finds nothing', async () => {
    const f = fake({ createOrder: async () => order({ status: 'open', filled: 0, cost: 0 }) });
    const r = await ccxtOrders(f.ex, 0, noSleep).placeMarket('BTC/USDT', 'buy', 2, 'td1');
    expect(r).toMatchObject({ id: '7', status: 'open', clientOrderId: 'td1' });
  });

  it('turns a duplicate client id into the existing order', async () => {
    const f = fake({
      createOrder: async () => {
        throw new ccxt.DuplicateOrderId('dup');
      },
      fetchOrder: async () => order({ id: '99', filled: 2, cost: 20, clientOrderId: 'td1' }),
    });
    expect((await ccxtOrders(f.ex, 0, noSleep).placeMarket('BTC/USDT', 'buy', 2, 'td1')).id).toBe('99');
  });

  it('wraps an exchange refusal in OrderRejectedError with the cause, and passes other errors through', async () => {
    const cause = new ccxt.InsufficientFunds('no money');
    const f = fake({
      createOrder: async () => {
        throw cause;
      },
    });
    const err = await ccxtOrders(f.ex, 0, noSleep)
      .placeMarket('BTC/USDT', 'buy', 2, 'td1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderRejectedError);
    expect((err as Error).name).toBe('OrderRejectedError');
    expect((err as Error).message).toBe('BTC/USDT buy 2: no money');
    expect((err as Error).cause).toBe(cause);
    expect(f.log).toEqual(['loadMarkets']); // a refusal is not looked up as a duplicate
    const dup = fake({
      createOrder: async () => {
        throw new ccxt.DuplicateOrderId('dup');
      },
    });
    await expect(ccxtOrders(dup.ex, 0, noSleep).placeMarket('BTC/USDT', 'buy', 2, 'td1')).rejects.toBeInstanceOf(OrderRejectedError);
    const net = fake({
      createOrder: async () => {
        throw new ccxt.NetworkError('down');
      },
    });
    const e2 = await ccxtOrders(net.ex, 0, { ...noSleep, attempts: 1 })
      .placeMarket('BTC/USDT', 'buy', 2, 'td1')
      .catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ccxt.NetworkError);
  });
});

describe('ccxtOrders lookups', () => {
  it('findByClientId: undefined when the exchange has no such order, other errors thrown', async () => {
    expect(await ccxtOrders(fake({}).ex, 0, noSleep).findByClientId('BTC/USDT', 'td1')).toBeUndefined();
    const bad = fake({
      fetchOrder: async () => {
        throw new ccxt.AuthenticationError('key');
      },
    });
    await expect(ccxtOrders(bad.ex, 0, noSleep).findByClientId('BTC/USDT', 'td1')).rejects.toThrow('key');
  });

  it('cancel: ignores an order already gone, throws anything else', async () => {
    const gone = fake({
      cancelOrder: async () => {
        throw new ccxt.OrderNotFound('gone');
      },
    });
    await expect(ccxtOrders(gone.ex, 0, noSleep).cancel('BTC/USDT', '1')).resolves.toBeUndefined();
    const bad = fake({
      cancelOrder: async () => {
        throw new ccxt.AuthenticationError('key');
      },
    });
    await expect(ccxtOrders(bad.ex, 0, noSleep).cancel('BTC/USDT', '1')).rejects.toThrow('key');
  });

  it('openOrders: only the platform orders (td prefix), per symbol', async () => {
    const f = fake({
      fetchOpenOrders: async (s: never) =>
        s === 'BTC/USDT' ? [order({ id: '1', clientOrderId: 'td-a', status: 'open' }), order({ id: '2', clientOrderId: 'manual', status: 'open' }), order({ id: '3', status: 'open' })] : [order({ id: '4', clientOrderId: 'tdb', status: 'open' })],
    });
    const r = await ccxtOrders(f.ex, 0, noSleep).openOrders(['BTC/USDT', 'ETH/USDT']);
    expect(r.map((o) => [o.id, o.symbol])).toEqual([
      ['1', 'BTC/USDT'],
      ['4', 'ETH/USDT'],
    ]);
  });

  it('balances: totals, missing ones as 0', async () => {
    const f = fake({ fetchBalance: async () => ({ total: { BTC: 1.5, USDT: undefined } }) });
    expect(await ccxtOrders(f.ex, 0, noSleep).balances()).toEqual({ BTC: 1.5, USDT: 0 });
    expect(await ccxtOrders(fake({ fetchBalance: async () => ({}) }).ex, 0, noSleep).balances()).toEqual({});
  });

  it('loads the markets once, and again after a failed load', async () => {
    let n = 0;
    const f = fake({
      loadMarkets: async () => {
        if (n++ === 0) throw new ccxt.AuthenticationError('no');
        return {};
      },
      fetchBalance: async () => ({ total: {} }),
    });
    const v = ccxtOrders(f.ex, 0, noSleep);
    await expect(v.balances()).rejects.toThrow('no');
    await v.balances();
    await v.balances();
    expect(n).toBe(2);
  });

  it('amountToPrecision: a number from the exchange rounding', () => {
    const f = fake({ amountToPrecision: (_s: never, a: never) => String(Math.floor((a as number) * 100) / 100) });
    expect(ccxtOrders(f.ex, 0, noSleep).amountToPrecision('BTC/USDT', 1.239)).toBe(1.23);
  });
});
