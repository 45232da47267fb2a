import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { seededCandles, type CandleFunction } from './fake-candles.js';

/**
 * A fake of Binance's public spot REST API on a random 127.0.0.1 port, enough for ccxt's `binance`
 * class restricted to spot markets: `GET /api/v3/exchangeInfo` (loadMarkets), `/api/v3/klines`
 * (fetchOHLCV), `/api/v3/time`, `/api/v3/ping`. Answers and errors have Binance's shape, so the
 * same ccxt code path runs in tests as against the real exchange. Point ccxt at `url` by replacing
 * the origin of its `urls.api` entries (see `binanceApiUrls`).
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

/** A request the fake received, in arrival order. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The status answered; undefined while pending or for a hang. */
  status?: number;
}

export interface FakeExchange {
  /** Origin of the fake, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request received (live array). */
  readonly requests: readonly FakeRequest[];
  /** Requests to one path (default `/api/v3/klines`), optionally for one symbol id or unified symbol. */
  requestsTo(path?: string, symbol?: string): FakeRequest[];
  clearRequests(): void;
  /** Moves the exchange's clock. */
  setNow(now: number): void;
  now(): number;
  /** Adds a fault rule; rules are tried in the order added. */
  fail(rule: FaultRule): void;
  clearFaults(): void;
  /** The candle the fake serves (for assertions). */
  candle(symbol: string, openTime: number, interval: string): ReturnType<CandleFunction>;
  stop(): Promise<void>;
}

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

/** ccxt `urls.api` entries of binance's spot endpoints pointed at `origin` (the fake's url). */
export function binanceApiUrls(origin: string): Record<string, string> {
  return { public: `${origin}/api/v3`, private: `${origin}/api/v3`, v1: `${origin}/api/v1` };
}

const DEFAULT_LISTED_AT = Date.UTC(2020, 0, 1);
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 500;

interface Market {
  id: string;
  symbol: string;
  base: string;
  quote: string;
  listedAt: number;
}

export async function startFakeExchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const candleAt = options.candles ?? seededCandles(options.seed ?? 1);
  const markets = new Map<string, Market>();
  for (const m of options.symbols ?? ['BTC/USDT', 'ETH/USDT']) {
    const market = toMarket(typeof m === 'string' ? { symbol: m } : m, options.listedAt ?? DEFAULT_LISTED_AT);
    markets.set(market.id, market);
  }
  let now = options.now ?? Date.now();
  const rules: { rule: FaultRule; left: number }[] = [];
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
        { filterType: 'PRICE_FILTER', minPrice: '0.00000100', maxPrice: '1000000.00000000', tickSize: '0.00000100' },
        { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
        { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    })),
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) };
    requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const fault = matchFault(url.pathname, url.searchParams.get('symbol') ?? undefined);
    if (fault?.kind === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (fault?.kind === 'rate-limit') {
      const seconds = fault.retryAfterSeconds ?? 1;
      const e = binanceError(429, -1003, 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.');
      return send(e.status, e.body, { 'retry-after': String(seconds) });
    }
    if (fault?.kind === 'server-error') return send(fault.status ?? 503, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    if (req.method !== 'GET') return send(405, { code: -1000, msg: `method ${req.method} not supported by the fake` });
    switch (url.pathname) {
      case '/api/v3/ping':
        return send(200, {});
      case '/api/v3/time':
        return send(200, { serverTime: now });
      case '/api/v3/exchangeInfo':
        return send(200, exchangeInfo());
      case '/api/v3/klines': {
        const answer = klines(url.searchParams);
        if (fault?.kind === 'malformed' && answer.status === 200) breakRow(answer.body as unknown[][], fault.row ?? 'non-numeric');
        return send(answer.status, answer.body);
      }
      default:
        return send(404, { code: -1, msg: `no such endpoint on the fake exchange: ${url.pathname}` });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path = '/api/v3/klines', symbol) =>
      requests.filter((r) => r.path === path && (symbol === undefined || r.query['symbol'] === symbol.replace('/', ''))),
    clearRequests: () => void requests.splice(0),
    setNow: (ms) => {
      now = ms;
    },
    now: () => now,
    fail: (rule) => void rules.push({ rule, left: rule.times ?? 1 }),
    clearFaults: () => void rules.splice(0),
    candle: (symbol, openTime, interval) => {
      const step = BINANCE_INTERVAL_MS[interval];
      if (step === undefined) throw new Error(`the fake exchange has no interval "${interval}"`);
      return candleAt(symbol.replace('/', ''), openTime, step);
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
