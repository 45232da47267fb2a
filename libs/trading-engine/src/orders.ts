import ccxt, { type Exchange, type Order } from 'ccxt';
import type { RetryOptions } from '@tradai/market-data';
import { CLIENT_ORDER_ID_PREFIX } from './client-order-id.js';
import { isTransient, retrying } from './exchange.js';

/** An order as the exchange reports it, reduced to what the bot records. */
export interface OrderReport {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly status: 'open' | 'closed' | 'canceled' | 'rejected' | 'expired';
  readonly amount: number;
  /** Base filled. */
  readonly filled: number;
  /** Average fill price (0 when nothing filled). */
  readonly average: number;
  /** Quote spent or received. */
  readonly cost: number;
  /** Fee converted to quote (estimated with `feeRate` when the exchange does not say). */
  readonly feeQuote: number;
}

/** The exchange refused the order (insufficient funds, filters, ...): nothing was placed. */
export class OrderRejectedError extends Error {
  override readonly name = 'OrderRejectedError';
}

/** What a live bot needs of the exchange: market orders by client id, lookups, reconciliation. */
export interface OrderVenue {
  /** Places a market order; retries transient failures, looking the order up by client id before each retry. */
  placeMarket(symbol: string, side: 'buy' | 'sell', amount: number, clientOrderId: string): Promise<OrderReport>;
  /** The order with this client id, or undefined when the exchange has none. */
  findByClientId(symbol: string, clientOrderId: string): Promise<OrderReport | undefined>;
  cancel(symbol: string, id: string): Promise<void>;
  /** Open orders of the platform (client id with our prefix) on these symbols. */
  openOrders(symbols: readonly string[]): Promise<OrderReport[]>;
  /** Total (free + locked) balance per asset. */
  balances(): Promise<Record<string, number>>;
  /** Base amount rounded to the market's step (down), so the exchange does not reject it. */
  amountToPrecision(symbol: string, amount: number): number;
}

/** Orders through ccxt's unified API (createOrder with `clientOrderId`, fetchOrder, fetchOpenOrders, fetchBalance). */
export function ccxtOrders(exchange: Exchange, feeRate: number, retry: RetryOptions = {}): OrderVenue {
  let markets: Promise<unknown> | undefined;
  const ready = () =>
    (markets ??= retrying(() => exchange.loadMarkets(), retry).catch((e: unknown) => {
      markets = undefined;
      throw e;
    }));
  const report = (o: Order, symbol: string, fallbackClientId = ''): OrderReport => {
    const quote = symbol.split('/')[1] ?? '';
    const average = o.average ?? (o.filled && o.cost ? o.cost / o.filled : 0);
    const cost = o.cost ?? (o.filled ?? 0) * average;
    const listed = (o as { fees?: Order['fee'][] }).fees;
    const fees = listed?.length ? listed : o.fee ? [o.fee] : [];
    let feeQuote = 0;
    let known = false;
    for (const f of fees) {
      if (f?.cost === undefined) continue;
      known = true;
      feeQuote += f.currency === quote ? f.cost : f.cost * average;
    }
    return {
      id: o.id ?? '',
      clientOrderId: o.clientOrderId ?? fallbackClientId,
      symbol,
      side: o.side as 'buy' | 'sell',
      status: (o.status ?? 'open') as OrderReport['status'],
      amount: o.amount ?? 0,
      filled: o.filled ?? 0,
      average,
      cost,
      feeQuote: known ? feeQuote : cost * feeRate,
    };
  };
  const find = async (symbol: string, clientOrderId: string): Promise<OrderReport | undefined> => {
    await ready();
    try {
      return report(await retrying(() => exchange.fetchOrder(undefined as unknown as string, symbol, { origClientOrderId: clientOrderId }), retry), symbol, clientOrderId);
    } catch (e) {
      if (e instanceof ccxt.OrderNotFound) return undefined;
      throw e;
    }
  };
  return {
    async placeMarket(symbol, side, amount, clientOrderId) {
      await ready();
      try {
        const placed = await retrying(() => exchange.createOrder(symbol, 'market', side, amount, undefined, { clientOrderId }), {
          ...retry,
          // The lost answer of a timed-out or rate-limited attempt may hide a placed order: look before resending.
          before: async () => {
            const found = await find(symbol, clientOrderId);
            return found ? ({ id: found.id } as Order) : undefined;
          },
        });
        // A market order's answer may predate its fills: read it back for the final state.
        const full = placed.status === 'closed' && placed.filled !== undefined ? report(placed, symbol, clientOrderId) : await find(symbol, clientOrderId);
        return full ?? report(placed, symbol, clientOrderId);
      } catch (e) {
        if (e instanceof ccxt.DuplicateOrderId) {
          const found = await find(symbol, clientOrderId);
          if (found) return found;
        }
        if (!isTransient(e) && e instanceof ccxt.ExchangeError) throw new OrderRejectedError(`${symbol} ${side} ${amount}: ${e.message}`, { cause: e });
        throw e;
      }
    },
    findByClientId: find,
    async cancel(symbol, id) {
      await ready();
      try {
        await retrying(() => exchange.cancelOrder(id, symbol), retry);
      } catch (e) {
        if (!(e instanceof ccxt.OrderNotFound)) throw e; // already filled or gone
      }
    },
    async openOrders(symbols) {
      await ready();
      const out: OrderReport[] = [];
      for (const s of symbols) {
        const orders = await retrying(() => exchange.fetchOpenOrders(s), retry);
        for (const o of orders) if (o.clientOrderId?.startsWith(CLIENT_ORDER_ID_PREFIX)) out.push(report(o, s));
      }
      return out;
    },
    async balances() {
      await ready();
      const b = await retrying(() => exchange.fetchBalance(), retry);
      const total = (b.total ?? {}) as unknown as Record<string, number | undefined>;
      return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v ?? 0]));
    },
    amountToPrecision(symbol, amount) {
      return Number(exchange.amountToPrecision(symbol, amount));
    },
  };
}
