import ccxt, { type Exchange } from 'ccxt';
import { ValidationError } from '@tradai/domain';
import { TIMEFRAME_MS, type TimeRange } from '../candles.js';
import { CandleSourceError, checkRows, closedBefore, rowsToColumns, type CandleSource, type FetchedCandles, type OhlcvRow } from './candle-source.js';
import { withRetry, type RetryOptions } from './retry.js';

export interface CcxtSourceOptions {
  /** ccxt exchange id (`binance`, ...), from configuration. */
  readonly exchange: string;
  /**
   * Replaces the origin (scheme, host, port) of every `urls.api` entry, keeping the paths: tests
   * and local runs point ccxt at the fake exchange this way (`http://127.0.0.1:<port>`).
   */
  readonly apiOrigin?: string;
  /** ccxt's minimum spacing of requests in ms (default: the exchange's own limit). */
  readonly rateLimitMs?: number;
  /** Timeout of one HTTP request in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Retry of rate limits, 5xx, timeouts and network errors. */
  readonly retry?: RetryOptions;
  /** Candles per request (default and cap 1000, Binance's spot maximum). */
  readonly pageLimit?: number;
  /** Clock deciding which candle is still open (default Date.now). */
  readonly now?: () => number;
  /** Extra ccxt `options`, merged over the defaults below. */
  readonly ccxtOptions?: Record<string, unknown>;
}

/**
 * Per-exchange ccxt options. Binance: spot markets only, so loadMarkets is a single public
 * `exchangeInfo` call (no futures endpoints, no private currencies call even with API keys).
 */
const EXCHANGE_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  binance: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
};

const MAX_PAGE = 1000;

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

/** A CandleSource over ccxt's unified fetchOHLCV, paginated, rate-limited and retried. */
export function createCcxtSource(options: CcxtSourceOptions): CandleSource {
  const id = options.exchange;
  const Ctor = ccxt.exchanges.includes(id) ? (ccxt as unknown as Record<string, ExchangeClass>)[id] : undefined;
  if (!Ctor) throw new ValidationError(`unknown exchange "${id}": not a ccxt exchange id`, 'exchange');
  const pageLimit = options.pageLimit ?? MAX_PAGE;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > MAX_PAGE) {
    throw new ValidationError(`pageLimit must be an integer in 1..${MAX_PAGE}, got ${pageLimit}`, 'pageLimit');
  }
  const now = options.now ?? Date.now;
  const exchange = new Ctor({
    enableRateLimit: true,
    ...(options.rateLimitMs !== undefined && { rateLimit: options.rateLimitMs }),
    timeout: options.timeoutMs ?? 10_000,
    options: { ...EXCHANGE_OPTIONS[id], ...options.ccxtOptions },
  });
  if (options.apiOrigin) exchange.urls['api'] = withOrigin(exchange.urls['api'], new URL(options.apiOrigin).origin) as typeof exchange.urls['api'];
  captureRetryAfter(exchange);

  const isRetryable = (e: unknown) => e instanceof ccxt.OperationFailed; // NetworkError, DDoSProtection, RequestTimeout, ...
  const retryAfterMs = (e: unknown) => (e as { retryAfterMs?: number }).retryAfterMs;
  let markets: Promise<void> | undefined;
  let reload = false;

  return {
    exchange: id,

    async fetchCandles(symbol, timeframe, range, signal) {
      const fail = (message: string, reason: CandleSourceError['reason'], cause?: unknown) =>
        new CandleSourceError(message, id, symbol, timeframe, reason, { cause });
      const step = TIMEFRAME_MS[timeframe];
      const exchangeTimeframes = exchange.timeframes as Record<string, unknown> | undefined;
      if (step === undefined || exchangeTimeframes?.[timeframe] === undefined) {
        throw fail(`timeframe "${timeframe}" is not supported${step === undefined ? '' : ` by ${id}`}`, 'unknown-timeframe');
      }
      checkRange(range, fail);
      let requests = 0;
      const retrying = <T>(what: string, call: () => Promise<T>) =>
        withRetry(call, { ...options.retry, isRetryable, retryAfterMs, signal, onAttempt: () => requests++ }).catch((e: unknown) => {
          if (e instanceof CandleSourceError) throw e;
          if (signal?.aborted) throw fail('aborted', 'aborted', e);
          const reason = isRetryable(e) ? 'unavailable' : e instanceof ccxt.BadSymbol ? 'unknown-symbol' : 'rejected';
          const tries = isRetryable(e) ? ` after ${options.retry?.attempts ?? 5} attempts` : '';
          throw fail(`${what} failed${tries}: ${errorText(e)}`, reason, e);
        });

      // One load shared by concurrent fetches; a failed load is forgotten so the next fetch retries it.
      markets ??= retrying('loading markets', async () => {
        try {
          await exchange.loadMarkets(reload);
        } finally {
          reload = true; // after a failed load ccxt keeps the rejected promise unless asked to reload
        }
      }).catch((e: unknown) => {
        markets = undefined;
        throw e;
      });
      await markets;
      if (!exchange.markets?.[symbol]) throw fail(`unknown symbol: ${id} lists no market "${symbol}"`, 'unknown-symbol');

      const end = Math.min(range.end, closedBefore(timeframe, now()));
      let since = Math.ceil(range.start / step) * step;
      const rows: number[][] = [];
      while (since < end) {
        const from = since;
        // No bigger page than the range needs: Binance weighs a klines request by its limit.
        const limit = Math.min(pageLimit, Math.ceil((end - from) / step));
        const page = (await retrying(`fetching candles from ${new Date(from).toISOString()}`, () =>
          exchange.fetchOHLCV(symbol, timeframe, from, limit, { until: end - 1 }),
        )) as OhlcvRow[];
        if (page.length === 0) break;
        const { kept, problem } = checkRows(page, timeframe, from, end);
        if (problem) throw fail(problem, 'malformed');
        rows.push(...kept);
        const last = page[page.length - 1]![0] as number;
        // A page ending before its start would loop forever; the exchange has nothing newer.
        if (last < from) break;
        since = last + step;
      }
      const columns: FetchedCandles = Object.assign(rowsToColumns(rows), { requests });
      return columns;
    },

    async close() {
      await exchange.close();
    },
  };
}

function checkRange(range: TimeRange, fail: (m: string, r: CandleSourceError['reason']) => Error): void {
  if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.end < range.start) {
    throw fail(`invalid time range [${range.start}, ${range.end})`, 'rejected');
  }
}

/** Rewrites every URL string in ccxt's (possibly nested) `urls.api` to `origin`, keeping its path. */
function withOrigin(api: unknown, origin: string): unknown {
  if (typeof api === 'string') {
    if (!/^https?:\/\//.test(api)) return api;
    const u = new URL(api);
    return `${origin}${u.pathname.replace(/\/$/, '')}${u.search}`;
  }
  if (api && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, withOrigin(v, origin)]));
  return api;
}

/**
 * ccxt does not expose a response's Retry-After with the error it throws, and the instance's
 * `last_response_headers` is shared by concurrent requests; so read it off each response and
 * attach it to the error that response raises.
 */
function captureRetryAfter(exchange: Exchange): void {
  const target = exchange as unknown as { handleRestResponse: (response: unknown, ...rest: unknown[]) => Promise<unknown> };
  const original = target.handleRestResponse.bind(exchange);
  target.handleRestResponse = (response, ...rest) => {
    const ms = retryAfterHeader(response);
    return Promise.resolve(original(response, ...rest)).catch((e: unknown) => {
      if (ms !== undefined && e && typeof e === 'object') Object.assign(e, { retryAfterMs: ms });
      throw e;
    });
  };
}

function retryAfterHeader(response: unknown): number | undefined {
  const headers = (response as { headers?: unknown } | undefined)?.headers;
  let value: unknown;
  if (headers && typeof (headers as Headers).get === 'function') value = (headers as Headers).get('retry-after');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, unknown>)['retry-after'];
  if (typeof value !== 'string') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
