import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededCandles, type CandleFunction } from './fake-candles.js';
import {
  advance,
  balanceJson,
  balanceOf,
  cancelOrder,
  canceledOrderJson,
  createOrderBook,
  findOrder,
  isOpen,
  marketPrice,
  newOrderJson,
  orderJson,
  placeOrder,
  setFree,
  tradeJson,
  type BookMarket,
  type BookOrder,
  type BookTrade,
  type PlacementOutcome,
} from './fake-orders.js';

/*
 * USAGE (trading engine tests, live mode through ccxt's `binance`):
 *
 *   const fake = await startFakeExchange({ now: Date.UTC(2025, 0, 10, 13), balances: { USDT: 10_000 } });
 *   const ex = new ccxt.binance(ccxtBinanceConfig(fake));   // keys, urls, spot only, nonce = fake clock
 *   await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'sig-42' });
 *   await ex.fetchOrder(undefined, 'BTC/USDT', { origClientOrderId: 'sig-42' }); // also after a fill
 *   fake.setNow(t);                 // market orders fill at the open of the candle forming at t;
 *                                   // resting limits fill when a later closed candle crosses them
 *   fake.scriptOrders({ kind: 'partial', fraction: 0.5 }, { kind: 'timeout', placed: true }); // next placements
 *   fake.orders(), fake.trades(), fake.balances(), fake.setBalance('USDT', 50) // assertions / set-up
 * Signed requests are checked against the FAKE clock: sign with `nonce: () => fake.now()` (done by
 * ccxtBinanceConfig; with your own ccxt config pass that `nonce`), else ccxt's wall-clock timestamp
 * fails with InvalidNonce (-1021). Like Binance, a client order id is refused ("Duplicate order
 * sent.", InvalidOrder) only while an order with it is OPEN: re-sending the id of a FILLED order
 * places a second order, so look the id up before re-sending. Errors are Binance's {code,msg};
 * ccxt maps them (fake-exchange-trading.test.ts lists the classes; any 429 is DDoSProtection).
 */

/**
 * A fake of Binance's spot REST API on a random 127.0.0.1 port, enough for ccxt's `binance` class
 * restricted to spot markets. Public: `GET /api/v3/exchangeInfo` (loadMarkets), `/api/v3/klines`
 * (fetchOHLCV), `/api/v3/ticker/24hr|price|bookTicker` (fetchTicker(s), fetchBidsAsks; no spread),
 * `/api/v3/time`, `/api/v3/ping`. Signed (HMAC-SHA256 of query + body with the
 * configured secret, `X-MBX-APIKEY`, timestamp within recvWindow of the fake's clock):
 * `/api/v3/order` (POST place, GET query by orderId or origClientOrderId, DELETE cancel),
 * `/api/v3/openOrders` (GET, DELETE), `/api/v3/allOrders`, `/api/v3/myTrades`, `/api/v3/account`,
 * and what ccxt's loadMarkets/fetchCurrencies call once it has keys: `/sapi/v1/capital/config/getall`,
 * `/sapi/v1/margin/allPairs`, `/sapi/v1/margin/isolated/allPairs` (ccxt options
 * `fetchCurrencies: false, fetchMargins: false` skip them). Orders are matched against the
 * deterministic candles (see fake-orders.ts); `scriptOrders` overrides the next placements. Answers
 * and errors have Binance's shape, so the same ccxt code path runs in tests as against the real
 * exchange. Point ccxt at `url` by replacing the origin of its `urls.api` entries (`binanceApiUrls`,
 * or the whole `ccxtBinanceConfig`).
 */

/** A market the fake lists: a unified symbol (`BTC/USDT`), optionally with its first candle time. */
export type FakeMarket = string | { readonly symbol: string; readonly listedAt?: number };

export interface FakeExchangeOptions {
  /** Markets listed (default BTC/USDT, ETH/USDT). */
  readonly symbols?: readonly FakeMarket[];
  /** The exchange's clock (epoch ms); candles opening after it do not exist. Default `Date.now()`. */
  readonly now?: number;
  /** Default first candle of every market (epoch ms; default 2020-01-01). */
  readonly listedAt?: number;
  /** Seed of the default candle generator. */
  readonly seed?: number;
  /** Replaces the default generator (it must be deterministic for the fake to be consistent). */
  readonly candles?: CandleFunction;
  /** API key signed requests must carry (default `FAKE_API_KEY`). */
  readonly apiKey?: string;
  /** HMAC secret signed requests are checked with (default `FAKE_API_SECRET`). */
  readonly secret?: string;
  /** Free balances at start, by asset (default `{ USDT: 10000 }`). */
  readonly balances?: Readonly<Record<string, number>>;
  /** Fee per fill, fraction of its quote value, charged in quote (default 0.001 = 0.1 %). */
  readonly feeRate?: number;
  /** Kline interval the matcher uses for fill prices and limit crossings (default `1m`). */
  readonly matchInterval?: string;
  /**
   * Keep only the latest this-many requests in `requests` (default: all). Long runs in the same
   * process (memory-over-10k-cycles checks) set it so the fake's log does not look like a leak.
   */
  readonly requestLogLimit?: number;
}

/**
 * An injected fault. `rate-limit` answers 429 with `Retry-After`; `server-error` a 5xx; `hang`
 * never answers (the client times out; the socket is freed at `stop()`); `malformed` answers the
 * real klines with one row broken (`non-numeric` price, `missing-field`, `misaligned` open time).
 */
export type FakeFault =
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'server-error'; readonly status?: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'malformed'; readonly row?: 'non-numeric' | 'missing-field' | 'misaligned' };

export interface FaultRule {
  readonly fault: FakeFault;
  /** How many matching requests fail (default 1; `Infinity` for a persistent outage). */
  readonly times?: number;
  /** Only requests for this symbol (unified `BTC/USDT` or id `BTCUSDT`). */
  readonly symbol?: string;
  /** Only this path (default `/api/v3/klines`; `*` for every path). */
  readonly path?: string;
}

/**
 * What the next order placement does instead of the matching model. `fill`: fills completely at
 * once (market at the candle's open, limit at its price). `partial`: that fraction fills at once
 * and the rest stays open (never matched; cancel it). `reject`: a Binance error (default 400
 * -2010). `rate-limit`: 429 -1015 with Retry-After, nothing placed. `timeout`: no answer ever
 * comes; with `placed: true` the order is recorded (and matched) anyway, the "crash between
 * sending and recording" case. An outcome is used by the next signed, well-formed placement (one
 * refused for bad parameters or auth does not use it); balance and duplicate checks still apply
 * to `fill`, `partial` and placed timeouts.
 */
export type ScriptedOrder =
  | { readonly kind: 'fill' }
  | { readonly kind: 'partial'; readonly fraction: number }
  | { readonly kind: 'reject'; readonly code?: number; readonly msg?: string; readonly status?: number }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'timeout'; readonly placed: boolean };

/** A request the fake received, in arrival order. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  /** Query parameters, and for POST the form body's parameters too. */
  readonly query: Readonly<Record<string, string>>;
  /** The status answered; undefined while pending or for a hang. */
  status?: number;
  /**
   * Wall-clock arrival time (epoch ms, sub-ms precision: `performance.timeOrigin + now()`), so a
   * test can time "signal to order on the wire" without counting the fake's own processing.
   */
  readonly receivedAt: number;
}

/** An order as the fake recorded it, in ccxt's unified vocabulary (for assertions). */
export interface FakeOrderView {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit';
  readonly amount: number;
  /** Limit price; undefined for market orders. */
  readonly price: number | undefined;
  readonly filled: number;
  readonly remaining: number;
  readonly cost: number;
  /** Average fill price; undefined before the first fill. */
  readonly average: number | undefined;
  readonly status: 'open' | 'closed' | 'canceled';
  readonly fee: { readonly cost: number; readonly currency: string };
  readonly timestamp: number;
  readonly lastUpdateTimestamp: number;
}

/** A fill as the fake recorded it, in ccxt's unified vocabulary. */
export interface FakeTradeView {
  readonly id: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly price: number;
  readonly amount: number;
  readonly cost: number;
  readonly fee: { readonly cost: number; readonly currency: string };
  readonly timestamp: number;
  readonly takerOrMaker: 'taker' | 'maker';
}

export interface FakeBalance {
  readonly free: number;
  readonly locked: number;
  readonly total: number;
}

export interface FakeExchange {
  /** Origin of the fake, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly apiKey: string;
  readonly secret: string;
  /** Every request received (live array). */
  readonly requests: readonly FakeRequest[];
  /** Requests to one path (default `/api/v3/klines`), optionally for one symbol id or unified symbol. */
  requestsTo(path?: string, symbol?: string): FakeRequest[];
  clearRequests(): void;
  /** Moves the exchange's clock (resting limit orders are matched up to it). */
  setNow(now: number): void;
  now(): number;
  /** Adds a fault rule; rules are tried in the order added. */
  fail(rule: FaultRule): void;
  clearFaults(): void;
  /** The candle the fake serves (for assertions). */
  candle(symbol: string, openTime: number, interval: string): ReturnType<CandleFunction>;
  /** Queues outcomes for the next order placements, in order; then the matching model resumes. */
  scriptOrders(...outcomes: ScriptedOrder[]): void;
  /** Drops outcomes not used yet. */
  clearScriptedOrders(): void;
  /** Balances by asset (every asset ever held). */
  balances(): Record<string, FakeBalance>;
  /** Sets an asset's free balance. */
  setBalance(asset: string, free: number): void;
  /** Every accepted order, in placement order. */
  orders(): FakeOrderView[];
  /** Every fill, in execution order. */
  trades(): FakeTradeView[];
  stop(): Promise<void>;
}

/** Default credentials of the fake (test values, not secrets). */
export const FAKE_API_KEY = 'fake-binance-api-key';
export const FAKE_API_SECRET = 'fake-binance-api-secret';

/** Binance's kline intervals of fixed length (the calendar ones, 1w and 1M, are not served). */
export const BINANCE_INTERVAL_MS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
};

/**
 * ccxt `urls.api` entries of binance pointed at `origin` (the fake's url). The spot ones are
 * served; the futures/options ones point at the fake too, so a misconfigured client gets a 404
 * from 127.0.0.1 instead of reaching the real exchange.
 */
export function binanceApiUrls(origin: string): Record<string, string> {
  const paths: Record<string, string> = {
    public: '/api/v3',
    private: '/api/v3',
    v1: '/api/v1',
    sapi: '/sapi/v1',
    sapiV2: '/sapi/v2',
    sapiV3: '/sapi/v3',
    sapiV4: '/sapi/v4',
    dapiPublic: '/dapi/v1',
    dapiPrivate: '/dapi/v1',
    dapiPrivateV2: '/dapi/v2',
    dapiData: '/futures/data',
    eapiPublic: '/eapi/v1',
    eapiPrivate: '/eapi/v1',
    fapiPublic: '/fapi/v1',
    fapiPublicV2: '/fapi/v2',
    fapiPublicV3: '/fapi/v3',
    fapiPrivate: '/fapi/v1',
    fapiPrivateV2: '/fapi/v2',
    fapiPrivateV3: '/fapi/v3',
    fapiData: '/futures/data',
    papi: '/papi/v1',
    papiV2: '/papi/v2',
  };
  return Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, `${origin}${p}`]));
}

/**
 * A ccxt `binance` constructor config for the fake: its keys and urls, spot markets only, and
 * timestamps signed with the fake's clock (so moving the clock never trips recvWindow).
 */
export function ccxtBinanceConfig(fake: FakeExchange, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiKey: fake.apiKey,
    secret: fake.secret,
    urls: { api: binanceApiUrls(fake.url) },
    nonce: () => fake.now(),
    ...extra,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, ...(extra['options'] as Record<string, unknown> | undefined) },
  };
}

const DEFAULT_LISTED_AT = Date.UTC(2020, 0, 1);
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 500;
/** Binance rejects timestamps more than 1 s ahead of its clock, whatever the recvWindow. */
const MAX_AHEAD_MS = 1_000;
const DEFAULT_RECV_WINDOW = 5_000;
const MAX_RECV_WINDOW = 60_000;
const MAX_BODY_BYTES = 1 << 20;

/** Symbol filters, the same for every market, as exchangeInfo lists them. */
const FILTERS = { tickSize: 0.000001, minPrice: 0.000001, maxPrice: 1_000_000, stepSize: 0.00001, minQty: 0.00001, maxQty: 9_000, minNotional: 5 };

interface Market extends BookMarket {
  listedAt: number;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> } | 'hang';

interface Ctx {
  params: URLSearchParams;
  rawQuery: string;
  rawBody: string;
  headers: IncomingMessage['headers'];
}

export async function startFakeExchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const candleAt = options.candles ?? seededCandles(options.seed ?? 1);
  const markets = new Map<string, Market>();
  for (const m of options.symbols ?? ['BTC/USDT', 'ETH/USDT']) {
    const market = toMarket(typeof m === 'string' ? { symbol: m } : m, options.listedAt ?? DEFAULT_LISTED_AT);
    markets.set(market.id, market);
  }
  const apiKey = options.apiKey ?? FAKE_API_KEY;
  const secret = options.secret ?? FAKE_API_SECRET;
  const matchInterval = options.matchInterval ?? '1m';
  const matchIntervalMs = BINANCE_INTERVAL_MS[matchInterval];
  if (matchIntervalMs === undefined) throw new Error(`fake exchange: matchInterval "${matchInterval}" is not one of ${Object.keys(BINANCE_INTERVAL_MS).join(', ')}`);
  const book = createOrderBook({ candleAt, matchIntervalMs, feeRate: options.feeRate ?? 0.001 }, options.balances ?? { USDT: 10_000 });
  let now = options.now ?? Date.now();
  const requestLogLimit = options.requestLogLimit ?? Infinity;
  if (!(requestLogLimit >= 1)) throw new Error(`fake exchange: requestLogLimit must be >= 1, got ${requestLogLimit}`);
  const rules: { rule: FaultRule; left: number }[] = [];
  const script: ScriptedOrder[] = [];
  const requests: FakeRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const matchFault = (path: string, symbolId: string | undefined): FakeFault | undefined => {
    for (const r of rules) {
      if (r.left <= 0) continue;
      const rulePath = r.rule.path ?? '/api/v3/klines';
      if (rulePath !== '*' && rulePath !== path) continue;
      if (r.rule.symbol !== undefined && r.rule.symbol.replace('/', '') !== symbolId) continue;
      r.left--;
      return r.rule.fault;
    }
    return undefined;
  };

  const klines = (q: URLSearchParams): { status: number; body: unknown } => {
    const id = q.get('symbol');
    if (!id) return binanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    const market = markets.get(id);
    if (!market) return binanceError(400, -1121, 'Invalid symbol.');
    const interval = q.get('interval') ?? '';
    const step = BINANCE_INTERVAL_MS[interval];
    if (step === undefined) return binanceError(400, -1120, 'Invalid interval.');
    const limitParam = q.get('limit');
    const limit = limitParam === null ? DEFAULT_LIMIT : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return binanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
    }
    const startTime = optionalInt(q.get('startTime'));
    const endTime = optionalInt(q.get('endTime'));
    if (startTime === null || endTime === null) return binanceError(400, -1100, 'Illegal characters found in a parameter.');
    // Candles exist from the listing to the one open now (included, still changing, like Binance).
    const firstOpen = Math.ceil(market.listedAt / step) * step;
    const lastOpen = Math.floor(now / step) * step;
    let from: number;
    let to: number;
    if (startTime !== undefined) {
      from = Math.max(firstOpen, Math.ceil(startTime / step) * step);
      to = Math.min(lastOpen, endTime ?? Infinity, from + (limit - 1) * step);
    } else {
      // No start: the latest `limit` candles up to endTime (or now).
      to = Math.min(lastOpen, endTime === undefined ? Infinity : Math.floor(endTime / step) * step);
      from = Math.max(firstOpen, to - (limit - 1) * step);
    }
    const rows: unknown[][] = [];
    for (let t = from; t <= to; t += step) {
      const c = candleAt(market.id, t, step);
      const quoteVolume = c.volume * c.close;
      rows.push([
        t,
        fixed(c.open),
        fixed(c.high),
        fixed(c.low),
        fixed(c.close),
        fixed(c.volume),
        t + step - 1,
        fixed(quoteVolume),
        Math.max(1, Math.round(c.volume * 50)),
        fixed(c.volume / 2),
        fixed(quoteVolume / 2),
        '0',
      ]);
    }
    return { status: 200, body: rows };
  };

  const exchangeInfo = () => ({
    timezone: 'UTC',
    serverTime: now,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    ],
    exchangeFilters: [],
    symbols: [...markets.values()].map((m) => ({
      symbol: m.id,
      status: 'TRADING',
      baseAsset: m.base,
      baseAssetPrecision: 8,
      quoteAsset: m.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true,
      ocoAllowed: true,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: fixed(FILTERS.minPrice), maxPrice: fixed(FILTERS.maxPrice), tickSize: fixed(FILTERS.tickSize) },
        { filterType: 'LOT_SIZE', minQty: fixed(FILTERS.minQty), maxQty: fixed(FILTERS.maxQty), stepSize: fixed(FILTERS.stepSize) },
        { filterType: 'NOTIONAL', minNotional: fixed(FILTERS.minNotional), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    })),
  });

  /** The signed-endpoint gate, in Binance's order: key, signature, then timestamp. */
  const authenticate = (ctx: Ctx): Answer | undefined => {
    const key = ctx.headers['x-mbx-apikey'];
    if (typeof key !== 'string' || key === '') return binanceError(401, -2014, 'API-key format invalid.');
    if (key !== apiKey) return binanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    const signature = ctx.params.get('signature');
    // Binance signs totalParams = query string + body, each as sent, without the signature itself.
    const signed = stripSignature(ctx.rawQuery) + stripSignature(ctx.rawBody);
    const expected = createHmac('sha256', secret).update(signed).digest();
    // Binance: "signature is not case sensitive"; a non-hex value decodes short and fails the length check.
    const given = Buffer.from(signature && /^[0-9a-fA-F]+$/.test(signature) ? signature : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return binanceError(400, -1022, 'Signature for this request is not valid.');
    }
    const timestamp = ctx.params.get('timestamp');
    if (timestamp === null || !/^\d+$/.test(timestamp)) {
      return binanceError(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    }
    const recvParam = ctx.params.get('recvWindow');
    const recvWindow = recvParam === null ? DEFAULT_RECV_WINDOW : Number(recvParam);
    if (!Number.isInteger(recvWindow) || recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW) {
      return binanceError(400, -1131, 'recvWindow must be less than 60000');
    }
    const ts = Number(timestamp);
    if (ts > now + MAX_AHEAD_MS) return binanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (now - ts > recvWindow) return binanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    return undefined;
  };

  const requireMarket = (p: URLSearchParams): Market | Answer => {
    const id = p.get('symbol');
    if (!id) return mandatory('symbol');
    return markets.get(id) ?? binanceError(400, -1121, 'Invalid symbol.');
  };

  const newOrder = (ctx: Ctx): Answer => {
    const p = ctx.params;
    const market = requireMarket(p);
    if (!isMarket(market)) return market;
    const side = p.get('side');
    if (!side) return mandatory('side');
    if (side !== 'BUY' && side !== 'SELL') return binanceError(400, -1117, 'Invalid side.');
    const type = p.get('type');
    if (!type) return mandatory('type');
    // The fake matches MARKET and LIMIT only; the other Binance types are refused, not faked.
    if (type !== 'MARKET' && type !== 'LIMIT') return binanceError(400, -1116, 'Invalid orderType.');
    const respType = p.get('newOrderRespType') ?? 'FULL';
    if (respType !== 'ACK' && respType !== 'RESULT' && respType !== 'FULL') return illegal('newOrderRespType', '^(ACK|RESULT|FULL)$');
    const clientOrderId = p.get('newClientOrderId') ?? `web_${randomBytes(11).toString('hex')}`;
    if (!/^[a-zA-Z0-9-_]{1,36}$/.test(clientOrderId)) return illegal('newClientOrderId', '^[a-zA-Z0-9-_]{1,36}$');

    let price: number | undefined;
    if (type === 'LIMIT') {
      const tif = p.get('timeInForce');
      if (!tif) return mandatory('timeInForce');
      // Resting limits are GTC; IOC/FOK would need a different matching rule the fake does not model.
      if (tif !== 'GTC') return binanceError(400, -1115, 'Invalid timeInForce.');
      const priceParam = p.get('price');
      if (priceParam === null) return mandatory('price');
      price = decimal(priceParam);
      if (price === undefined) return illegal('price', DECIMAL_PATTERN);
      if (price < FILTERS.minPrice || price > FILTERS.maxPrice || !onStep(price, FILTERS.tickSize)) return filterFailure('PRICE_FILTER');
    }
    const reference = price ?? marketPrice(book, market, now);
    let amount: number;
    const qtyParam = p.get('quantity');
    const quoteQtyParam = p.get('quoteOrderQty');
    if (qtyParam !== null) {
      const q = decimal(qtyParam);
      if (q === undefined) return illegal('quantity', DECIMAL_PATTERN);
      amount = q;
    } else if (type === 'MARKET' && quoteQtyParam !== null) {
      const quoteQty = decimal(quoteQtyParam);
      if (quoteQty === undefined) return illegal('quoteOrderQty', DECIMAL_PATTERN);
      // Spend at most quoteOrderQty: the amount it buys now, rounded down to the lot step.
      amount = Math.floor(quoteQty / reference / FILTERS.stepSize + 1e-9) * FILTERS.stepSize;
      amount = Number(amount.toFixed(8));
    } else {
      return mandatory('quantity');
    }
    if (amount < FILTERS.minQty || amount > FILTERS.maxQty || !onStep(amount, FILTERS.stepSize)) return filterFailure('LOT_SIZE');
    if (amount * reference < FILTERS.minNotional) return filterFailure('NOTIONAL');

    // A well-formed placement reaches the "matching engine": take the next scripted outcome.
    const scripted = script.shift();
    if (scripted?.kind === 'reject') return binanceError(scripted.status ?? 400, scripted.code ?? -2010, scripted.msg ?? 'New order rejected by the fake exchange (scripted).');
    if (scripted?.kind === 'rate-limit') {
      const e = binanceError(429, -1015, 'Too many new orders; current limit is 100 orders per 10 SECOND.');
      return { ...e, headers: { 'retry-after': String(scripted.retryAfterSeconds ?? 1) } };
    }
    if (scripted?.kind === 'timeout' && !scripted.placed) return 'hang';
    const outcome: PlacementOutcome = scripted?.kind === 'fill' || scripted?.kind === 'partial' ? scripted : { kind: 'model' };
    const placed = placeOrder(book, { market, side, type, amount, ...(price !== undefined && { price }), clientOrderId, now }, outcome);
    if (scripted?.kind === 'timeout') return 'hang';
    if (!placed.ok) return binanceError(placed.error.status, placed.error.code, placed.error.msg);
    return { status: 200, body: newOrderJson(placed.order, placed.fills, respType) };
  };

  /** The order named by orderId or origClientOrderId, or Binance's answer why not. */
  const lookup = (p: URLSearchParams, notFound: Answer): BookOrder | Answer => {
    const market = requireMarket(p);
    if (!isMarket(market)) return market;
    const orderIdParam = p.get('orderId');
    const clientOrderId = p.get('origClientOrderId') ?? undefined;
    if (orderIdParam === null && clientOrderId === undefined) {
      return binanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    let orderId: number | undefined;
    if (orderIdParam !== null) {
      if (!/^\d+$/.test(orderIdParam)) return illegal('orderId', '^[0-9]{1,20}$');
      orderId = Number(orderIdParam);
    }
    return findOrder(book, market.id, { ...(orderId !== undefined && { orderId }), ...(clientOrderId !== undefined && { clientOrderId }) }) ?? notFound;
  };

  const queryOrder = (ctx: Ctx): Answer => {
    const found = lookup(ctx.params, binanceError(400, -2013, 'Order does not exist.'));
    return isOrder(found) ? { status: 200, body: orderJson(found) } : found;
  };

  const deleteOrder = (ctx: Ctx): Answer => {
    const unknown = binanceError(400, -2011, 'Unknown order sent.');
    const found = lookup(ctx.params, unknown);
    if (!isOrder(found)) return found;
    if (!isOpen(found)) return unknown;
    cancelOrder(book, found, now);
    return { status: 200, body: canceledOrderJson(found, ctx.params.get('newClientOrderId') ?? cancelId(), now) };
  };

  const openOrders = (ctx: Ctx): Answer => {
    const id = ctx.params.get('symbol');
    if (id !== null && !markets.has(id)) return binanceError(400, -1121, 'Invalid symbol.');
    return { status: 200, body: book.orders.filter((o) => isOpen(o) && (id === null || o.market.id === id)).map(orderJson) };
  };

  const cancelAll = (ctx: Ctx): Answer => {
    const market = requireMarket(ctx.params);
    if (!isMarket(market)) return market;
    const open = book.orders.filter((o) => isOpen(o) && o.market.id === market.id);
    if (open.length === 0) return binanceError(400, -2011, 'Unknown order sent.');
    for (const o of open) cancelOrder(book, o, now);
    return { status: 200, body: open.map((o) => canceledOrderJson(o, cancelId(), now)) };
  };

  /** Shared window parameters of allOrders and myTrades. */
  const windowParams = (p: URLSearchParams) => {
    const limitParam = p.get('limit');
    const limit = limitParam === null ? DEFAULT_LIMIT : Number(limitParam);
    const startTime = optionalInt(p.get('startTime'));
    const endTime = optionalInt(p.get('endTime'));
    const orderId = optionalInt(p.get('orderId'));
    const fromId = optionalInt(p.get('fromId'));
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return binanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
    if (startTime === null || endTime === null || orderId === null || fromId === null) return binanceError(400, -1100, 'Illegal characters found in a parameter.');
    return { limit, startTime, endTime, orderId, fromId };
  };

  const allOrders = (ctx: Ctx): Answer => {
    const market = requireMarket(ctx.params);
    if (!isMarket(market)) return market;
    const w = windowParams(ctx.params);
    if ('status' in w) return w;
    const rows = book.orders.filter(
      (o) =>
        o.market.id === market.id &&
        (w.orderId === undefined || o.id >= w.orderId) &&
        (w.startTime === undefined || o.time >= w.startTime) &&
        (w.endTime === undefined || o.time <= w.endTime),
    );
    // Without a start, Binance answers the most recent `limit`; with one, the first `limit` from it.
    const page = w.orderId === undefined && w.startTime === undefined ? rows.slice(-w.limit) : rows.slice(0, w.limit);
    return { status: 200, body: page.map(orderJson) };
  };

  const myTrades = (ctx: Ctx): Answer => {
    const market = requireMarket(ctx.params);
    if (!isMarket(market)) return market;
    const w = windowParams(ctx.params);
    if ('status' in w) return w;
    const rows = book.trades.filter(
      (t) =>
        t.market.id === market.id &&
        (w.orderId === undefined || t.orderId === w.orderId) &&
        (w.fromId === undefined || t.id >= w.fromId) &&
        (w.startTime === undefined || t.time >= w.startTime) &&
        (w.endTime === undefined || t.time <= w.endTime),
    );
    const fromStart = w.fromId !== undefined || w.startTime !== undefined;
    const page = fromStart ? rows.slice(0, w.limit) : rows.slice(-w.limit);
    return { status: 200, body: page.map(tradeJson) };
  };

  /** Every asset the account has held or a market trades (Binance lists zero balances too). */
  const assets = () => {
    const all = new Set<string>(book.balances.keys());
    for (const m of markets.values()) all.add(m.base).add(m.quote);
    return [...all].sort();
  };

  const account = (ctx: Ctx): Answer => {
    const omitZero = ctx.params.get('omitZeroBalances') === 'true';
    const balances = assets()
      .map((a) => balanceJson(a, balanceOf(book, a)))
      .filter((b) => !omitZero || Number(b.free) > 0 || Number(b.locked) > 0);
    const fee = fixed(book.config.feeRate);
    const bps = Math.round(book.config.feeRate * 10_000);
    return {
      status: 200,
      body: {
        makerCommission: bps,
        takerCommission: bps,
        buyerCommission: 0,
        sellerCommission: 0,
        commissionRates: { maker: fee, taker: fee, buyer: fixed(0), seller: fixed(0) },
        canTrade: true,
        canWithdraw: true,
        canDeposit: true,
        brokered: false,
        requireSelfTradePrevention: false,
        preventSor: false,
        updateTime: now,
        accountType: 'SPOT',
        balances,
        permissions: ['SPOT'],
        uid: 1,
      },
    };
  };

  const capitalConfig = (): Answer => ({
    status: 200,
    body: assets().map((coin) => {
      const b = balanceOf(book, coin);
      return {
        coin,
        name: coin,
        depositAllEnable: true,
        withdrawAllEnable: true,
        free: fixed(b.free),
        locked: fixed(b.locked),
        freeze: fixed(0),
        withdrawing: fixed(0),
        ipoing: fixed(0),
        ipoable: fixed(0),
        storage: fixed(0),
        isLegalMoney: false,
        trading: true,
        networkList: [],
      };
    }),
  });

  /**
   * Tickers for the markets asked (`symbol`, `symbols` JSON array, or all). The last price is the
   * open of the forming match candle, the price a market order would fill at now, and the book has
   * no spread (bid = ask = last), so sizing from a ticker agrees with the fill.
   */
  const tickers = (p: URLSearchParams): Market[] | Answer => {
    const one = p.get('symbol');
    const many = p.get('symbols');
    if (one !== null) {
      const m = markets.get(one);
      return m ? [m] : binanceError(400, -1121, 'Invalid symbol.');
    }
    if (many !== null) {
      let ids: unknown;
      try {
        ids = JSON.parse(many);
      } catch {
        ids = undefined;
      }
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) return illegal('symbols', '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$');
      const found = (ids as string[]).map((id) => markets.get(id));
      return found.every((m): m is Market => m !== undefined) ? found : binanceError(400, -1121, 'Invalid symbol.');
    }
    return [...markets.values()];
  };
  const tickerRoute = (shape: (m: Market) => Record<string, unknown>) => (ctx: Ctx): Answer => {
    const list = tickers(ctx.params);
    if (!Array.isArray(list)) return list;
    const rows = list.map(shape);
    // One symbol: an object; otherwise an array, like Binance.
    return { status: 200, body: ctx.params.get('symbol') !== null ? rows[0] : rows };
  };
  const ticker24h = (m: Market): Record<string, unknown> => {
    const minute = BINANCE_INTERVAL_MS['1m']!;
    const last = marketPrice(book, m, now);
    // The 24 hours of closed minutes before the forming one.
    const closeTime = Math.floor(now / minute) * minute;
    const day = candleAt(m.id, closeTime - 86_400_000, 86_400_000);
    return {
      symbol: m.id,
      priceChange: fixed(last - day.open),
      priceChangePercent: ((100 * (last - day.open)) / day.open).toFixed(3),
      weightedAvgPrice: fixed((day.open + day.close) / 2),
      prevClosePrice: fixed(day.open),
      lastPrice: fixed(last),
      lastQty: fixed(0),
      bidPrice: fixed(last),
      bidQty: fixed(1),
      askPrice: fixed(last),
      askQty: fixed(1),
      openPrice: fixed(day.open),
      highPrice: fixed(Math.max(day.high, last)),
      lowPrice: fixed(Math.min(day.low, last)),
      volume: fixed(day.volume),
      quoteVolume: fixed(day.volume * day.close),
      openTime: closeTime - 86_400_000,
      closeTime: closeTime - 1,
      firstId: -1,
      lastId: -1,
      count: 0,
    };
  };

  const routes: Record<string, { signed: boolean; handle: (ctx: Ctx) => Answer }> = {
    'GET /api/v3/ping': { signed: false, handle: () => ({ status: 200, body: {} }) },
    'GET /api/v3/time': { signed: false, handle: () => ({ status: 200, body: { serverTime: now } }) },
    'GET /api/v3/exchangeInfo': { signed: false, handle: () => ({ status: 200, body: exchangeInfo() }) },
    'GET /api/v3/klines': { signed: false, handle: (ctx) => klines(ctx.params) },
    'GET /api/v3/ticker/24hr': { signed: false, handle: tickerRoute(ticker24h) },
    'GET /api/v3/ticker/price': { signed: false, handle: tickerRoute((m) => ({ symbol: m.id, price: fixed(marketPrice(book, m, now)) })) },
    'GET /api/v3/ticker/bookTicker': {
      signed: false,
      handle: tickerRoute((m) => {
        const price = fixed(marketPrice(book, m, now));
        return { symbol: m.id, bidPrice: price, bidQty: fixed(1), askPrice: price, askQty: fixed(1) };
      }),
    },
    'POST /api/v3/order': { signed: true, handle: newOrder },
    'GET /api/v3/order': { signed: true, handle: queryOrder },
    'DELETE /api/v3/order': { signed: true, handle: deleteOrder },
    'GET /api/v3/openOrders': { signed: true, handle: openOrders },
    'DELETE /api/v3/openOrders': { signed: true, handle: cancelAll },
    'GET /api/v3/allOrders': { signed: true, handle: allOrders },
    'GET /api/v3/myTrades': { signed: true, handle: myTrades },
    'GET /api/v3/account': { signed: true, handle: account },
    'GET /sapi/v1/capital/config/getall': { signed: true, handle: capitalConfig },
    // A spot-only account: no cross or isolated margin pairs.
    'GET /sapi/v1/margin/allPairs': { signed: true, handle: () => ({ status: 200, body: [] }) },
    'GET /sapi/v1/margin/isolated/allPairs': { signed: true, handle: () => ({ status: 200, body: [] }) },
  };
  const knownPaths = new Set(Object.keys(routes).map((k) => k.slice(k.indexOf(' ') + 1)));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(req);
    const params = new URLSearchParams(url.search);
    if (rawBody !== '') for (const [k, v] of new URLSearchParams(rawBody)) params.append(k, v);
    const record: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(params), receivedAt };
    requests.push(record);
    if (requests.length > requestLogLimit) requests.splice(0, requests.length - requestLogLimit);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const hang = () => {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
    };
    advance(book, now);
    const fault = matchFault(url.pathname, params.get('symbol') ?? undefined);
    if (fault?.kind === 'hang') return hang();
    if (fault?.kind === 'rate-limit') {
      const seconds = fault.retryAfterSeconds ?? 1;
      const e = binanceError(429, -1003, 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.');
      return send(e.status, e.body, { 'retry-after': String(seconds) });
    }
    if (fault?.kind === 'server-error') return send(fault.status ?? 503, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) {
      if (knownPaths.has(url.pathname)) return send(405, { code: -1000, msg: `method ${req.method} not supported by the fake` });
      return send(404, { code: -1, msg: `no such endpoint on the fake exchange: ${url.pathname}` });
    }
    const ctx: Ctx = { params, rawQuery: url.search.slice(1), rawBody, headers: req.headers };
    const answer = (route.signed && authenticate(ctx)) || route.handle(ctx);
    if (answer === 'hang') return hang();
    if (fault?.kind === 'malformed' && url.pathname === '/api/v3/klines' && answer.status === 200) breakRow(answer.body as unknown[][], fault.row ?? 'non-numeric');
    return send(answer.status, answer.body, answer.headers);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the fake must surface as a loud 500, not as a hung test.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify({ code: -1000, msg: `fake exchange failed: ${e instanceof Error ? e.message : String(e)}` }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const orderView = (o: BookOrder): FakeOrderView => ({
    id: String(o.id),
    clientOrderId: o.clientOrderId,
    symbol: o.market.symbol,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    type: o.type === 'MARKET' ? 'market' : 'limit',
    amount: o.amount,
    price: o.price,
    filled: o.filled,
    remaining: Number((o.amount - o.filled).toFixed(8)),
    cost: o.cost,
    average: o.filled > 0 ? o.cost / o.filled : undefined,
    status: isOpen(o) ? 'open' : o.status === 'FILLED' ? 'closed' : 'canceled',
    fee: { cost: o.fee, currency: o.market.quote },
    timestamp: o.time,
    lastUpdateTimestamp: o.updateTime,
  });
  const tradeView = (t: BookTrade): FakeTradeView => ({
    id: String(t.id),
    orderId: String(t.orderId),
    symbol: t.market.symbol,
    side: t.side === 'BUY' ? 'buy' : 'sell',
    price: t.price,
    amount: t.qty,
    cost: t.quoteQty,
    fee: { cost: t.commission, currency: t.commissionAsset },
    timestamp: t.time,
    takerOrMaker: t.isMaker ? 'maker' : 'taker',
  });

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    secret,
    requests,
    requestsTo: (path = '/api/v3/klines', symbol) =>
      requests.filter((r) => r.path === path && (symbol === undefined || r.query['symbol'] === symbol.replace('/', ''))),
    clearRequests: () => void requests.splice(0),
    setNow: (ms) => {
      now = ms;
      advance(book, now);
    },
    now: () => now,
    fail: (rule) => void rules.push({ rule, left: rule.times ?? 1 }),
    clearFaults: () => void rules.splice(0),
    candle: (symbol, openTime, interval) => {
      const step = BINANCE_INTERVAL_MS[interval];
      if (step === undefined) throw new Error(`the fake exchange has no interval "${interval}"`);
      return candleAt(symbol.replace('/', ''), openTime, step);
    },
    scriptOrders: (...outcomes) => {
      for (const o of outcomes) {
        if (o.kind === 'partial' && !(o.fraction > 0 && o.fraction < 1)) throw new Error(`fake exchange: partial fill fraction must be in (0, 1), got ${o.fraction}`);
      }
      script.push(...outcomes);
    },
    clearScriptedOrders: () => void script.splice(0),
    balances: () => {
      advance(book, now);
      return Object.fromEntries([...book.balances].map(([a, b]) => [a, { free: b.free, locked: b.locked, total: Number((b.free + b.locked).toFixed(8)) }]));
    },
    setBalance: (asset, free) => setFree(book, asset, free),
    orders: () => {
      advance(book, now);
      return book.orders.map(orderView);
    },
    trades: () => {
      advance(book, now);
      return book.trades.map(tradeView);
    },
    stop: async () => {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function toMarket(m: { symbol: string; listedAt?: number }, defaultListedAt: number): Market {
  const [base, quote, ...rest] = m.symbol.split('/');
  if (!base || !quote || rest.length > 0) throw new Error(`fake exchange: symbol "${m.symbol}" is not BASE/QUOTE`);
  return { id: base + quote, symbol: m.symbol, base, quote, listedAt: m.listedAt ?? defaultListedAt };
}

function binanceError(status: number, code: number, msg: string): { status: number; body: unknown } {
  return { status, body: { code, msg } };
}

function mandatory(param: string): { status: number; body: unknown } {
  return binanceError(400, -1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`);
}

function illegal(param: string, legal: string): { status: number; body: unknown } {
  return binanceError(400, -1100, `Illegal characters found in parameter '${param}'; legal range is '${legal}'.`);
}

/** ccxt recognises "Filter failure: LOT_SIZE" / "PRICE_FILTER" in the body as InvalidOrder. */
function filterFailure(filter: string): { status: number; body: unknown } {
  return binanceError(400, -1013, `Filter failure: ${filter}`);
}

const DECIMAL_PATTERN = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';

function decimal(v: string): number | undefined {
  return /^\d{1,20}(\.\d{1,20})?$/.test(v) ? Number(v) : undefined;
}

/** Whether `n` is a whole number of `step`s (within float noise). */
function onStep(n: number, step: number): boolean {
  const k = n / step;
  return Math.abs(k - Math.round(k)) < 1e-6;
}

function isMarket(v: Market | Answer): v is Market {
  return typeof v === 'object' && 'id' in v;
}

function isOrder(v: BookOrder | Answer): v is BookOrder {
  return typeof v === 'object' && 'clientOrderId' in v;
}

function cancelId(): string {
  return `cancel_${randomBytes(8).toString('hex')}`;
}

function stripSignature(raw: string): string {
  return raw
    .split('&')
    .filter((kv) => kv !== '' && !kv.startsWith('signature='))
    .join('&');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** undefined when absent, null when not an integer (Binance rejects it). */
function optionalInt(v: string | null): number | undefined | null {
  if (v === null) return undefined;
  return /^\d+$/.test(v) ? Number(v) : null;
}

/** Binance sends prices and amounts as decimal strings with 8 places. */
function fixed(n: number): string {
  return n.toFixed(8);
}

function breakRow(rows: unknown[][], how: 'non-numeric' | 'missing-field' | 'misaligned'): void {
  const row = rows[Math.floor(rows.length / 2)];
  if (!row) return;
  if (how === 'non-numeric') row[4] = 'not-a-number';
  else if (how === 'missing-field') row.splice(2);
  else row[0] = (row[0] as number) + 1_234;
}
