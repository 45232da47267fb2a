/**
 * The fake exchange's order book: balances, orders and trades of one spot account, and the
 * matching model, as plain state plus pure-ish functions (they mutate the book they are given and
 * do no I/O), so the rules are tested without HTTP and the server stays a thin adapter.
 *
 * Matching model, against the fake's deterministic candles on one "match interval" (default 1m):
 * - a market order fills at the open of the candle forming at the exchange's clock. With the
 *   clock on a bar boundary that is the next bar's open, for any bar length: larger candles are
 *   the aggregate of their minutes, so the 1h candle opening at 13:00 opens at the 13:00 minute's
 *   open;
 * - a limit order that is marketable at placement (buy at or above that open, sell at or below)
 *   fills at once at the open; otherwise it rests, and fills at the first *closed* later candle
 *   whose range reaches its price, at its price or the candle's open if that gapped through it;
 * - every fill pays `feeRate` of its quote value, charged in the quote asset;
 * - buys lock quote (amount x reference price x (1 + fee)), sells lock base; an order that the
 *   free balance cannot cover is rejected, like Binance's -2010.
 */
import type { CandleFunction } from './fake-candles.js';

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT';
/** Binance's order statuses that the fake produces. */
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED';

/** A listed market as the book sees it: exchange id and its two assets. */
export interface BookMarket {
  readonly id: string;
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
}

export interface BookOrder {
  readonly id: number;
  readonly clientOrderId: string;
  readonly market: BookMarket;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly amount: number;
  /** Limit price; undefined for market orders. */
  readonly price: number | undefined;
  filled: number;
  /** Quote value filled so far (Binance's cummulativeQuoteQty). */
  cost: number;
  /** Fees paid so far, in the quote asset. */
  fee: number;
  status: OrderStatus;
  readonly time: number;
  updateTime: number;
  /** Locked balance not yet consumed by fills (quote for buys, base for sells). */
  reserved: number;
  /** False after a scripted partial fill: the rest stays open until cancelled, never matched. */
  matchable: boolean;
  /** Open time of the next candle the matcher has to look at. */
  checkFrom: number;
}

export interface BookTrade {
  readonly id: number;
  readonly orderId: number;
  readonly market: BookMarket;
  readonly side: OrderSide;
  readonly price: number;
  readonly qty: number;
  readonly quoteQty: number;
  readonly commission: number;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isMaker: boolean;
}

export interface Balance {
  free: number;
  locked: number;
}

export interface OrderBook {
  readonly orders: BookOrder[];
  readonly trades: BookTrade[];
  readonly balances: Map<string, Balance>;
  readonly config: BookConfig;
  nextOrderId: number;
  nextTradeId: number;
}

export interface BookConfig {
  readonly candleAt: CandleFunction;
  /** Length of the candles the matcher walks (ms). */
  readonly matchIntervalMs: number;
  /** Fee per fill, as a fraction of its quote value (0.001 = 0.1 %). */
  readonly feeRate: number;
}

/** What happens to one placement: the matching model, or a scripted immediate (partial) fill. */
export type PlacementOutcome = { readonly kind: 'model' } | { readonly kind: 'fill' } | { readonly kind: 'partial'; readonly fraction: number };

export interface PlaceRequest {
  readonly market: BookMarket;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly amount: number;
  readonly price?: number;
  readonly clientOrderId: string;
  readonly now: number;
}

/** A Binance error answer: HTTP status, code and message as the real exchange sends them. */
export interface BinanceRejection {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
}

export type PlaceResult = { readonly ok: true; readonly order: BookOrder; readonly fills: readonly BookTrade[] } | { readonly ok: false; readonly error: BinanceRejection };

const EPSILON = 1e-9;

export const INSUFFICIENT_BALANCE: BinanceRejection = { status: 400, code: -2010, msg: 'Account has insufficient balance for requested action.' };
export const DUPLICATE_ORDER: BinanceRejection = { status: 400, code: -2010, msg: 'Duplicate order sent.' };

export function createOrderBook(config: BookConfig, balances: Readonly<Record<string, number>>): OrderBook {
  if (!(config.feeRate >= 0 && config.feeRate < 1)) throw new Error(`fake exchange: feeRate must be in [0, 1), got ${config.feeRate}`);
  if (!(Number.isInteger(config.matchIntervalMs) && config.matchIntervalMs > 0)) {
    throw new Error(`fake exchange: match interval must be a positive whole number of ms, got ${config.matchIntervalMs}`);
  }
  const book: OrderBook = { orders: [], trades: [], balances: new Map(), config, nextOrderId: 1, nextTradeId: 1 };
  for (const [asset, free] of Object.entries(balances)) setFree(book, asset, free);
  return book;
}

/** Sets an asset's free balance (locked amounts stay with their orders). */
export function setFree(book: OrderBook, asset: string, free: number): void {
  if (!/^[A-Z0-9]{1,20}$/.test(asset)) throw new Error(`fake exchange: asset "${asset}" is not an upper-case asset code`);
  if (!(Number.isFinite(free) && free >= 0)) throw new Error(`fake exchange: balance of ${asset} must be a finite number >= 0, got ${free}`);
  balanceOf(book, asset).free = round8(free);
}

export function balanceOf(book: OrderBook, asset: string): Balance {
  let b = book.balances.get(asset);
  if (!b) {
    b = { free: 0, locked: 0 };
    book.balances.set(asset, b);
  }
  return b;
}

/** Open time of the match candle containing `now`. */
function candleStart(book: OrderBook, now: number): number {
  const step = book.config.matchIntervalMs;
  return Math.floor(now / step) * step;
}

/** The price a market order placed at `now` fills at: the open of the forming match candle. */
export function marketPrice(book: OrderBook, market: BookMarket, now: number): number {
  return book.config.candleAt(market.id, candleStart(book, now), book.config.matchIntervalMs).open;
}

export function isOpen(order: BookOrder): boolean {
  return order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
}

/**
 * Places an order: checks the client id and the balance, locks what the order may spend, then
 * fills it as `outcome` says. Nothing changes when it is rejected.
 */
export function placeOrder(book: OrderBook, req: PlaceRequest, outcome: PlacementOutcome = { kind: 'model' }): PlaceResult {
  if (!(Number.isFinite(req.amount) && req.amount > 0)) throw new Error(`fake exchange: order amount must be a positive number, got ${req.amount}`);
  if (req.price !== undefined && !(Number.isFinite(req.price) && req.price > 0)) throw new Error(`fake exchange: order price must be a positive number, got ${req.price}`);
  if (book.orders.some((o) => isOpen(o) && o.clientOrderId === req.clientOrderId)) return { ok: false, error: DUPLICATE_ORDER };
  if (outcome.kind === 'partial' && !(outcome.fraction > 0 && outcome.fraction < 1)) {
    throw new Error(`fake exchange: a partial fill needs a fraction in (0, 1), got ${outcome.fraction}`);
  }
  const open = marketPrice(book, req.market, req.now);
  const limit = req.type === 'LIMIT' ? req.price : undefined;
  if (req.type === 'LIMIT' && limit === undefined) throw new Error('fake exchange: a limit order needs a price');
  // What a buy may spend: at its limit, or (market) at the price it fills at now.
  const reference = limit ?? open;
  const { base, quote } = req.market;
  const reserve = req.side === 'BUY' ? round8(req.amount * reference * (1 + book.config.feeRate)) : req.amount;
  const asset = req.side === 'BUY' ? quote : base;
  const balance = balanceOf(book, asset);
  if (balance.free + EPSILON < reserve) return { ok: false, error: INSUFFICIENT_BALANCE };
  balance.free = round8(balance.free - reserve);
  balance.locked = round8(balance.locked + reserve);

  const order: BookOrder = {
    id: book.nextOrderId++,
    clientOrderId: req.clientOrderId,
    market: req.market,
    side: req.side,
    type: req.type,
    amount: req.amount,
    price: limit,
    filled: 0,
    cost: 0,
    fee: 0,
    status: 'NEW',
    time: req.now,
    updateTime: req.now,
    reserved: reserve,
    matchable: true,
    // Only candles after the one forming at placement: its range is partly in the past.
    checkFrom: candleStart(book, req.now) + book.config.matchIntervalMs,
  };
  book.orders.push(order);

  const fills: BookTrade[] = [];
  const marketable = limit === undefined || (req.side === 'BUY' ? limit >= open : limit <= open);
  if (outcome.kind === 'fill') {
    fills.push(fill(book, order, order.amount, limit ?? open, req.now, false));
  } else if (outcome.kind === 'partial') {
    order.matchable = false;
    fills.push(fill(book, order, round8(order.amount * outcome.fraction), limit ?? open, req.now, false));
  } else if (marketable) {
    fills.push(fill(book, order, order.amount, open, req.now, false));
  }
  return { ok: true, order, fills };
}

/**
 * Fills resting limit orders whose price a closed match candle reached by `now`, in time order
 * (ties by order id), each at its price or better (the candle's open when it gapped through).
 */
export function advance(book: OrderBook, now: number): BookTrade[] {
  const step = book.config.matchIntervalMs;
  const due: { order: BookOrder; time: number; price: number }[] = [];
  for (const order of book.orders) {
    if (!isOpen(order) || !order.matchable || order.price === undefined) continue;
    const limit = order.price;
    let t = order.checkFrom;
    for (; t + step <= now; t += step) {
      const c = book.config.candleAt(order.market.id, t, step);
      if (order.side === 'BUY' ? c.low <= limit : c.high >= limit) {
        const price = order.side === 'BUY' ? Math.min(limit, c.open) : Math.max(limit, c.open);
        due.push({ order, time: t + step - 1, price });
        break;
      }
    }
    order.checkFrom = t;
  }
  due.sort((a, b) => a.time - b.time || a.order.id - b.order.id);
  return due.map(({ order, time, price }) => fill(book, order, round8(order.amount - order.filled), price, time, true));
}

/** Cancels an open order and unlocks what it had not spent. */
export function cancelOrder(book: OrderBook, order: BookOrder, now: number): void {
  if (!isOpen(order)) throw new Error(`fake exchange: order ${order.id} is ${order.status}, not open`);
  const b = balanceOf(book, order.side === 'BUY' ? order.market.quote : order.market.base);
  b.locked = round8(b.locked - order.reserved);
  b.free = round8(b.free + order.reserved);
  order.reserved = 0;
  order.status = 'CANCELED';
  order.updateTime = now;
}

/** Finds an order of `symbolId` by exchange id or client id (the latest with that client id). */
export function findOrder(book: OrderBook, symbolId: string, by: { orderId?: number; clientOrderId?: string }): BookOrder | undefined {
  for (let i = book.orders.length - 1; i >= 0; i--) {
    const o = book.orders[i]!;
    if (o.market.id !== symbolId) continue;
    if (by.orderId !== undefined && o.id !== by.orderId) continue;
    if (by.clientOrderId !== undefined && o.clientOrderId !== by.clientOrderId) continue;
    return o;
  }
  return undefined;
}

/** Executes `qty` of `order` at `price`: moves balances, records the trade, updates the order. */
function fill(book: OrderBook, order: BookOrder, qty: number, price: number, time: number, isMaker: boolean): BookTrade {
  const remaining = round8(order.amount - order.filled);
  const complete = qty >= remaining - EPSILON;
  const q = complete ? remaining : qty;
  const quoteQty = round8(q * price);
  const commission = round8(quoteQty * book.config.feeRate);
  const base = balanceOf(book, order.market.base);
  const quote = balanceOf(book, order.market.quote);
  // The share of the lock this fill releases: proportional, or all of it on the last fill
  // (a buy that filled below its reference price gets the difference back).
  const released = complete ? order.reserved : round8(order.reserved * (q / remaining));
  order.reserved = round8(order.reserved - released);
  if (order.side === 'BUY') {
    quote.locked = round8(quote.locked - released);
    quote.free = round8(quote.free + released - quoteQty - commission);
    base.free = round8(base.free + q);
  } else {
    base.locked = round8(base.locked - released);
    quote.free = round8(quote.free + quoteQty - commission);
  }
  order.filled = round8(order.filled + q);
  order.cost = round8(order.cost + quoteQty);
  order.fee = round8(order.fee + commission);
  order.status = complete ? 'FILLED' : 'PARTIALLY_FILLED';
  order.updateTime = time;
  const trade: BookTrade = {
    id: book.nextTradeId++,
    orderId: order.id,
    market: order.market,
    side: order.side,
    price,
    qty: q,
    quoteQty,
    commission,
    commissionAsset: order.market.quote,
    time,
    isMaker,
  };
  book.trades.push(trade);
  return trade;
}

/** Rounds to Binance's 8 decimals, so balances never drift by float noise. */
export function round8(n: number): number {
  return Math.round(n * 1e8) / 1e8;
}

// ---------------------------------------------------------------------------------------------
// Binance's JSON for the book's objects (spot REST, numbers as 8-decimal strings).

function fixed(n: number): string {
  return n.toFixed(8);
}

/** The order as `GET /api/v3/order` and `/openOrders` answer it. */
export function orderJson(o: BookOrder): Record<string, unknown> {
  return {
    symbol: o.market.id,
    orderId: o.id,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: fixed(o.price ?? 0),
    origQty: fixed(o.amount),
    executedQty: fixed(o.filled),
    cummulativeQuoteQty: fixed(o.cost),
    status: o.status,
    timeInForce: 'GTC',
    type: o.type,
    side: o.side,
    stopPrice: fixed(0),
    icebergQty: fixed(0),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: fixed(0),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** The answer to `POST /api/v3/order` for `newOrderRespType` ACK, RESULT or FULL (with fills). */
export function newOrderJson(o: BookOrder, fills: readonly BookTrade[], respType: 'ACK' | 'RESULT' | 'FULL'): Record<string, unknown> {
  const ack = { symbol: o.market.id, orderId: o.id, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time };
  if (respType === 'ACK') return ack;
  const q = orderJson(o);
  const result = {
    ...ack,
    price: q['price'],
    origQty: q['origQty'],
    executedQty: q['executedQty'],
    origQuoteOrderQty: q['origQuoteOrderQty'],
    cummulativeQuoteQty: q['cummulativeQuoteQty'],
    status: o.status,
    timeInForce: 'GTC',
    type: o.type,
    side: o.side,
    workingTime: o.time,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((t) => ({ price: fixed(t.price), qty: fixed(t.qty), commission: fixed(t.commission), commissionAsset: t.commissionAsset, tradeId: t.id })),
  };
}

/** The answer to `DELETE /api/v3/order`. */
export function canceledOrderJson(o: BookOrder, cancelClientOrderId: string, now: number): Record<string, unknown> {
  const q = orderJson(o);
  return {
    symbol: o.market.id,
    origClientOrderId: o.clientOrderId,
    orderId: o.id,
    orderListId: -1,
    clientOrderId: cancelClientOrderId,
    transactTime: now,
    price: q['price'],
    origQty: q['origQty'],
    executedQty: q['executedQty'],
    cummulativeQuoteQty: q['cummulativeQuoteQty'],
    status: o.status,
    timeInForce: 'GTC',
    type: o.type,
    side: o.side,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** A row of `GET /api/v3/myTrades`. */
export function tradeJson(t: BookTrade): Record<string, unknown> {
  return {
    symbol: t.market.id,
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: fixed(t.price),
    qty: fixed(t.qty),
    quoteQty: fixed(t.quoteQty),
    commission: fixed(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.side === 'BUY',
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}

export function balanceJson(asset: string, b: Balance): { asset: string; free: string; locked: string } {
  return { asset, free: fixed(b.free), locked: fixed(b.locked) };
}
