import { createHmac } from 'node:crypto';
import ccxt, { type Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ccxtBinanceConfig, FAKE_API_KEY, FAKE_API_SECRET, startFakeExchange, type FakeExchange } from './fake-exchange.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A bar boundary: a bot that saw the 12:00 candle close trades here. */
const NOW = Date.UTC(2025, 0, 10, 13);

/**
 * Signed trading endpoints, exercised through ccxt's own `binance` class (spot), so the wire shapes
 * and the error mapping are the ones the live engine meets. (ccxt also has a per-host spot error
 * table that does not apply on 127.0.0.1; it overrides none of the codes the fake sends.)
 */
describe('fake exchange: signed spot trading through ccxt', () => {
  let fake: FakeExchange;
  let ex: Exchange;

  const client = (extra: Record<string, unknown> = {}) =>
    new ccxt.binance(ccxtBinanceConfig(fake, { enableRateLimit: false, timeout: 2_000, ...extra }) as ConstructorParameters<typeof ccxt.binance>[0]);

  /** Awaits a rejection and returns the error, failing when the promise resolves. */
  const failure = async (p: Promise<unknown>): Promise<Error> => {
    const r = await p.then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.v)}`);
    return r.e as Error;
  };

  /** A request signed by hand, for what ccxt refuses to send. */
  const signed = async (method: string, path: string, params: Record<string, string>, opts: { key?: string; secret?: string } = {}) => {
    const query = new URLSearchParams(params).toString();
    const signature = createHmac('sha256', opts.secret ?? FAKE_API_SECRET).update(query).digest('hex');
    const headers: Record<string, string> = opts.key === '' ? {} : { 'x-mbx-apikey': opts.key ?? FAKE_API_KEY };
    const res = await fetch(`${fake.url}${path}?${query}&signature=${signature}`, { method, headers });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  // A fresh account per test: a server start is a few milliseconds.
  beforeEach(async () => {
    fake = await startFakeExchange({ now: NOW, symbols: ['BTC/USDT', 'ETH/USDT'], balances: { USDT: 10_000, ETH: 2 } });
    ex = client();
    await ex.loadMarkets();
    fake.clearRequests();
  });
  afterEach(() => fake.stop());

  it('serves what loadMarkets asks for once ccxt has keys (currencies, margin pairs)', async () => {
    const fresh = client();
    await fresh.loadMarkets();
    expect(fresh.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    // ccxt adds BNFCR (a futures credit asset) on its own.
    expect(Object.keys(fresh.currencies)).toEqual(expect.arrayContaining(['BTC', 'ETH', 'USDT']));
    expect(fresh.currencies['BTC']).toMatchObject({ id: 'BTC', active: true });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`).sort()).toEqual([
      'GET /api/v3/exchangeInfo 200',
      'GET /sapi/v1/capital/config/getall 200',
      'GET /sapi/v1/margin/allPairs 200',
      'GET /sapi/v1/margin/allPairs 200',
      'GET /sapi/v1/margin/isolated/allPairs 200',
    ]);
    // The ccxt options that skip them: one public call.
    fake.clearRequests();
    const lean = client({ options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false } });
    await lean.loadMarkets();
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v3/exchangeInfo']);
  });

  it('fills a market buy at the open of the candle forming at the clock, with the fee in quote', async () => {
    const order = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'sig-1' });
    const open = fake.candle('BTC/USDT', NOW, '1h').open;
    expect(open).toBe(fake.candle('BTC/USDT', NOW, '1m').open);
    const cost = Number((0.01 * open).toFixed(8));
    const fee = Number((cost * 0.001).toFixed(8));
    expect(order).toMatchObject({ id: '1', clientOrderId: 'sig-1', status: 'closed', filled: 0.01, average: open, cost, timestamp: NOW });
    expect(order.fee).toEqual({ currency: 'USDT', cost: fee });

    const balance = await ex.fetchBalance();
    expect(balance['USDT']).toMatchObject({ free: Number((10_000 - cost - fee).toFixed(8)), used: 0 });
    expect(balance['BTC']).toMatchObject({ free: 0.01 });
    const trades = await ex.fetchMyTrades('BTC/USDT');
    expect(trades.map((t) => [t.order, t.side, t.price, t.amount, t.takerOrMaker, t.fee?.cost])).toEqual([['1', 'buy', open, 0.01, 'taker', fee]]);
    expect(fake.orders()).toEqual([expect.objectContaining({ id: '1', clientOrderId: 'sig-1', side: 'buy', type: 'market', amount: 0.01, filled: 0.01, average: open, status: 'closed', fee: { cost: fee, currency: 'USDT' } })]);
    expect(fake.trades()).toHaveLength(1);
    expect(fake.requestsTo('/api/v3/order', 'BTC/USDT')[0]?.query['newClientOrderId']).toBe('sig-1');
  });

  it('spends a quote amount (createMarketBuyOrderWithCost -> quoteOrderQty)', async () => {
    const order = await ex.createMarketBuyOrderWithCost('BTC/USDT', 500);
    const open = fake.candle('BTC/USDT', NOW, '1m').open;
    expect(order.filled).toBe(Number((Math.floor(500 / open / 0.00001) * 0.00001).toFixed(5)));
    expect(order.cost).toBeLessThanOrEqual(500);
  });

  it('rests a limit order until a later candle crosses it, then fills it at its price', async () => {
    // Find a buy price the next hour reaches but the first minute does not.
    const hour = fake.candle('BTC/USDT', NOW, '1h');
    const price = Number(((hour.low + fake.candle('BTC/USDT', NOW, '1m').low) / 2).toFixed(2));
    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, price, { clientOrderId: 'lim-1' });
    expect(placed).toMatchObject({ status: 'open', filled: 0, price });
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).toEqual(['lim-1']);
    const locked = Number((0.1 * price * 1.001).toFixed(8));
    expect((await ex.fetchBalance())['USDT']).toMatchObject({ used: locked });

    fake.setNow(NOW + HOUR);
    const filled = await ex.fetchOrder(placed.id!, 'BTC/USDT');
    expect(filled).toMatchObject({ status: 'closed', filled: 0.1, average: price });
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    const [trade] = await ex.fetchMyTrades('BTC/USDT', undefined, undefined, { orderId: placed.id });
    expect(trade).toMatchObject({ price, amount: 0.1, takerOrMaker: 'maker' });
    // Filled inside the hour, on the first minute whose low reached the price.
    expect(trade!.timestamp).toBeGreaterThan(NOW + MINUTE);
    expect(trade!.timestamp).toBeLessThan(NOW + HOUR);
    expect((await ex.fetchBalance())['BTC']).toMatchObject({ free: 0.1, used: 0 });
    expect((await ex.fetchOrders('BTC/USDT')).map((o) => o.status)).toEqual(['closed']);
  });

  it('cancels an open order, unlocking its balance; a second cancel is an unknown order', async () => {
    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, 1_000, { clientOrderId: 'low-bid' });
    const canceled = await ex.cancelOrder(placed.id!, 'BTC/USDT');
    expect(canceled).toMatchObject({ id: placed.id, status: 'canceled' });
    expect((await ex.fetchBalance())['USDT']).toMatchObject({ free: 10_000, used: 0 });
    const again = await failure(ex.cancelOrder(placed.id!, 'BTC/USDT'));
    expect(again).toBeInstanceOf(ccxt.OrderNotFound);
    expect(again.message).toContain('"code":-2011');
    // By client id too.
    const byClient = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.5, 90_000, { clientOrderId: 'ask' }).catch((e: unknown) => e);
    expect(byClient).toBeInstanceOf(ccxt.InsufficientFunds);
    await ex.createOrder('ETH/USDT', 'limit', 'sell', 0.5, 90_000, { clientOrderId: 'ask' });
    expect(await ex.cancelOrder(undefined as unknown as string, 'ETH/USDT', { origClientOrderId: 'ask' })).toMatchObject({ status: 'canceled' });
    expect(fake.balances()['ETH']).toEqual({ free: 2, locked: 0, total: 2 });
  });

  it('answers OrderNotFound for an order that does not exist', async () => {
    const e = await failure(ex.fetchOrder('999', 'BTC/USDT'));
    expect(e).toBeInstanceOf(ccxt.OrderNotFound);
    expect(e.message).toContain('"code":-2013,"msg":"Order does not exist."');
    expect(await failure(ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'never-sent' }))).toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('rejects a client order id already used by an open order ("Duplicate order sent.")', async () => {
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 1_000, { clientOrderId: 'sig-7' });
    const e = await failure(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'sig-7' }));
    // ccxt has no DuplicateOrderId mapping for binance: -2010 is InvalidOrder.
    expect(e).toBeInstanceOf(ccxt.InvalidOrder);
    expect(e.message).toContain('{"code":-2010,"msg":"Duplicate order sent."}');
    expect(fake.orders()).toHaveLength(1);
  });

  it('rejects what the balance cannot pay for as InsufficientFunds, placing nothing', async () => {
    fake.setBalance('USDT', 100);
    const e = await failure(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01));
    expect(e).toBeInstanceOf(ccxt.InsufficientFunds);
    expect(fake.orders()).toEqual([]);
    expect(fake.balances()['USDT']).toEqual({ free: 100, locked: 0, total: 100 });
  });

  it('refuses orders below the exchange filters and unsupported types', async () => {
    expect(await failure(ex.createOrder('BTC/USDT', 'market', 'buy', 0.0001))).toBeInstanceOf(ccxt.BadRequest); // NOTIONAL: 4 USDT < 5
    // ccxt rounds prices and amounts to the listed steps itself: off-step values only come by hand.
    const tick = await signed('POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '10000.1234567', timestamp: String(NOW) });
    expect(tick).toEqual({ status: 400, body: { code: -1013, msg: 'Filter failure: PRICE_FILTER' } });
    const stop = await signed('POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'STOP_LOSS', quantity: '0.01', timestamp: String(NOW) });
    expect(stop).toEqual({ status: 400, body: { code: -1116, msg: 'Invalid orderType.' } });
    const lot = await signed('POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.000015', timestamp: String(NOW) });
    expect(lot).toEqual({ status: 400, body: { code: -1013, msg: 'Filter failure: LOT_SIZE' } });
    const noPrice = await signed('POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', timestamp: String(NOW) });
    expect(noPrice).toEqual({ status: 400, body: { code: -1102, msg: "Mandatory parameter 'price' was not sent, was empty/null, or malformed." } });
    expect(fake.orders()).toEqual([]);
  });

  it('cancels every open order of a symbol (cancelAllOrders), and lists all orders (fetchOrders)', async () => {
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 20_000, { clientOrderId: 'a' });
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 21_000, { clientOrderId: 'b' });
    await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'c' });
    const canceled = await ex.cancelAllOrders('BTC/USDT');
    expect(canceled.map((o) => [o.id, o.status])).toEqual([
      ['1', 'canceled'],
      ['2', 'canceled'],
    ]);
    expect((await ex.fetchOrders('BTC/USDT')).map((o) => [o.clientOrderId, o.status])).toEqual([
      ['a', 'canceled'],
      ['b', 'canceled'],
      ['c', 'closed'],
    ]);
    expect(await failure(ex.cancelAllOrders('BTC/USDT'))).toBeInstanceOf(ccxt.OrderNotFound);
    // Reconciliation lists open orders of every symbol (ccxt warns unless told it is meant).
    await ex.createOrder('ETH/USDT', 'limit', 'sell', 1, 9_000, { clientOrderId: 'e' });
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 20_000, { clientOrderId: 'f' });
    const all = client({ options: { warnOnFetchOpenOrdersWithoutSymbol: false } });
    expect((await all.fetchOpenOrders()).map((o) => [o.symbol, o.clientOrderId])).toEqual([
      ['ETH/USDT', 'e'],
      ['BTC/USDT', 'f'],
    ]);
    expect(fake.balances()['ETH']).toEqual({ free: 1, locked: 1, total: 2 });
  });

  it('quotes tickers at the price a market order would fill at now, without spread', async () => {
    const open = fake.candle('BTC/USDT', NOW, '1m').open;
    const t = await ex.fetchTicker('BTC/USDT');
    expect([t.last, t.bid, t.ask]).toEqual([open, open, open]);
    expect(t.open).toBe(fake.candle('BTC/USDT', NOW - 86_400_000, '1d').open);
    expect(Object.keys(await ex.fetchTickers(['BTC/USDT', 'ETH/USDT']))).toEqual(['BTC/USDT', 'ETH/USDT']);
    const order = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01);
    expect(order.average).toBe(t.last);
    const price = await fetch(`${fake.url}/api/v3/ticker/price?symbol=ETHUSDT`).then((r) => r.json());
    expect(price).toEqual({ symbol: 'ETHUSDT', price: fake.candle('ETH/USDT', NOW, '1m').open.toFixed(8) });
    expect(await fetch(`${fake.url}/api/v3/ticker/bookTicker?symbols=["XRPUSDT"]`).then((r) => r.json())).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });

  it('stamps each request with its wall-clock arrival time', async () => {
    const before = performance.timeOrigin + performance.now();
    await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01);
    const after = performance.timeOrigin + performance.now();
    const [sent] = fake.requestsTo('/api/v3/order');
    expect(sent!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(sent!.receivedAt).toBeLessThanOrEqual(after);
  });

  describe('scripted order outcomes', () => {
    it('fill: a limit order fills at once at its price', async () => {
      fake.scriptOrders({ kind: 'fill' });
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 30_000);
      expect(o).toMatchObject({ status: 'closed', filled: 0.01, average: 30_000 });
      // The script is used up: the next one follows the model again (rests far below the market).
      expect(await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 30_000)).toMatchObject({ status: 'open' });
    });

    it('partial: that fraction fills, the rest stays open until cancelled', async () => {
      fake.scriptOrders({ kind: 'partial', fraction: 0.4 });
      const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.05, undefined, { clientOrderId: 'half' });
      expect(o).toMatchObject({ status: 'open', filled: 0.02, remaining: 0.03 });
      fake.setNow(NOW + 24 * HOUR);
      expect(await ex.fetchOrder(o.id!, 'BTC/USDT')).toMatchObject({ status: 'open', filled: 0.02 });
      expect(await ex.cancelOrder(o.id!, 'BTC/USDT')).toMatchObject({ status: 'canceled', filled: 0.02 });
      expect(fake.balances()['USDT']!.locked).toBe(0);
      expect(fake.balances()['BTC']!.free).toBe(0.02);
    });

    it('reject: Binance -2010 by default, or the code and message given', async () => {
      fake.scriptOrders({ kind: 'reject' }, { kind: 'reject', code: -2010, msg: 'Account has insufficient balance for requested action.' }, { kind: 'reject', code: -1013, msg: 'Market is closed.' });
      expect(await failure(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01))).toBeInstanceOf(ccxt.InvalidOrder);
      expect(await failure(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01))).toBeInstanceOf(ccxt.InsufficientFunds);
      expect(await failure(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01))).toBeInstanceOf(ccxt.MarketClosed);
      expect(fake.orders()).toEqual([]);
      expect(fake.requestsTo('/api/v3/order').map((r) => r.status)).toEqual([400, 400, 400]);
    });

    it('rate-limit: 429 with Retry-After, nothing placed', async () => {
      fake.scriptOrders({ kind: 'rate-limit', retryAfterSeconds: 7 });
      const e = await failure(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'rl' }));
      // ccxt's binance turns any 429 into DDoSProtection before reading the body (a NetworkError: retryable).
      expect(e).toBeInstanceOf(ccxt.DDoSProtection);
      expect(e).toBeInstanceOf(ccxt.NetworkError);
      expect(ex.last_response_headers?.['retry-after'] ?? ex.last_response_headers?.['Retry-After']).toBe('7');
      expect(fake.orders()).toEqual([]);
      // The retry with the same client id goes through.
      expect(await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'rl' })).toMatchObject({ status: 'closed' });
    });

    it('timeout without placing: the client times out and the order does not exist', async () => {
      const impatient = client({ timeout: 300 });
      await impatient.loadMarkets();
      fake.scriptOrders({ kind: 'timeout', placed: false });
      expect(await failure(impatient.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'lost' }))).toBeInstanceOf(ccxt.RequestTimeout);
      expect(await failure(ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'lost' }))).toBeInstanceOf(ccxt.OrderNotFound);
      expect(fake.orders()).toEqual([]);
    });

    it('timeout after placing (crash between sending and recording): found by client id, once', async () => {
      const impatient = client({ timeout: 300 });
      await impatient.loadMarkets();
      fake.scriptOrders({ kind: 'timeout', placed: true });
      expect(await failure(impatient.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'sig-99' }))).toBeInstanceOf(ccxt.RequestTimeout);
      // The restarted bot looks the order up by the id it derived from the signal.
      const found = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'sig-99' });
      expect(found).toMatchObject({ clientOrderId: 'sig-99', status: 'closed', filled: 0.01 });
      expect(await ex.fetchMyTrades('BTC/USDT', undefined, undefined, { orderId: found.id })).toHaveLength(1);
      expect(fake.orders().map((o) => o.clientOrderId)).toEqual(['sig-99']);
    });

    it('refuses a partial fraction outside (0, 1)', () => {
      expect(() => fake.scriptOrders({ kind: 'partial', fraction: 0 })).toThrow('partial fill fraction must be in (0, 1), got 0');
    });
  });

  describe('fault rules on the trading paths', () => {
    it('a server error on /api/v3/order places nothing; a symbol filter reads the POST body', async () => {
      fake.fail({ path: '/api/v3/order', symbol: 'ETH/USDT', fault: { kind: 'server-error', status: 503 } });
      await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01);
      const e = await failure(ex.createOrder('ETH/USDT', 'market', 'sell', 0.5));
      expect(e).toBeInstanceOf(ccxt.OperationFailed);
      expect(fake.orders().map((o) => o.symbol)).toEqual(['BTC/USDT']);
      expect(fake.requestsTo('/api/v3/order').map((r) => r.status)).toEqual([200, 503]);
    });

    it('a hang on /api/v3/account times the client out', async () => {
      fake.fail({ path: '/api/v3/account', fault: { kind: 'hang' } });
      expect(await failure(client({ timeout: 300 }).fetchBalance())).toBeInstanceOf(ccxt.RequestTimeout);
    });
  });

  describe('authentication', () => {
    it('refuses a wrong key (-2015) or a wrong secret (-1022) as AuthenticationError', async () => {
      const e1 = await failure(client({ apiKey: 'someone-else' }).fetchBalance());
      expect(e1).toBeInstanceOf(ccxt.AuthenticationError);
      expect(e1.message).toContain('-2015');
      const e2 = await failure(client({ secret: 'wrong' }).fetchBalance());
      expect(e2).toBeInstanceOf(ccxt.AuthenticationError);
      expect(e2.message).toContain('"code":-1022');
      expect(await signed('GET', '/api/v3/account', { timestamp: String(NOW) }, { key: '' })).toEqual({ status: 401, body: { code: -2014, msg: 'API-key format invalid.' } });
      // The signature is hex, case-insensitive; missing or garbled is -1022.
      const query = `timestamp=${NOW}`;
      const hex = createHmac('sha256', FAKE_API_SECRET).update(query).digest('hex');
      const account = (sig: string | undefined) =>
        fetch(`${fake.url}/api/v3/account?${query}${sig === undefined ? '' : `&signature=${sig}`}`, { headers: { 'x-mbx-apikey': FAKE_API_KEY } }).then(async (r) => [r.status, ((await r.json()) as { code?: number }).code]);
      expect(await account(hex.toUpperCase())).toEqual([200, undefined]);
      expect(await account(undefined)).toEqual([400, -1022]);
      expect(await account('é'.repeat(64))).toEqual([400, -1022]);
      expect(await account(hex.slice(0, 62))).toEqual([400, -1022]);
    });

    it('checks the timestamp against the fake clock: recvWindow behind, 1 s ahead (InvalidNonce)', async () => {
      // ccxt's default recvWindow for binance is 10 s.
      expect(await client({ nonce: () => NOW - 9_999 }).fetchBalance()).toBeDefined();
      const late = await failure(client({ nonce: () => NOW - 10_001 }).fetchBalance());
      expect(late).toBeInstanceOf(ccxt.InvalidNonce);
      expect(late.message).toContain('outside of the recvWindow');
      expect(await failure(client({ nonce: () => NOW + 1_001 }).fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
      // Wall-clock signing against a fake clock in the past fails the same way.
      expect(await failure(client({ nonce: () => Date.now() }).fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
      const bigWindow = await signed('GET', '/api/v3/account', { timestamp: String(NOW), recvWindow: '60001' });
      expect(bigWindow).toEqual({ status: 400, body: { code: -1131, msg: 'recvWindow must be less than 60000' } });
    });
  });
});

describe('fake exchange options', () => {
  it('matches on another interval: a market order mid-hour fills at the hour candle open', async () => {
    const fake = await startFakeExchange({ now: NOW + 25 * MINUTE, matchInterval: '1h', feeRate: 0, requestLogLimit: 2 });
    try {
      const ex = new ccxt.binance(ccxtBinanceConfig(fake, { enableRateLimit: false }) as ConstructorParameters<typeof ccxt.binance>[0]);
      const order = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01);
      expect(order.average).toBe(fake.candle('BTC/USDT', NOW, '1h').open);
      expect(order.fee?.cost).toBe(0);
      // Only the latest two requests are kept.
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests[1]!.path).toBe('/api/v3/order');
    } finally {
      await fake.stop();
    }
  });

  it('refuses bad options, naming them', async () => {
    await expect(startFakeExchange({ matchInterval: '2m' })).rejects.toThrow('matchInterval "2m" is not one of 1m, 3m');
    await expect(startFakeExchange({ feeRate: -0.1 })).rejects.toThrow('feeRate must be in [0, 1), got -0.1');
    await expect(startFakeExchange({ requestLogLimit: 0 })).rejects.toThrow('requestLogLimit must be >= 1, got 0');
    await expect(startFakeExchange({ balances: { USDT: Number.NaN } })).rejects.toThrow('balance of USDT must be a finite number >= 0, got NaN');
  });
});
