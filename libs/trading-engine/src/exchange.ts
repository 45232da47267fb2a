import ccxt, { type Exchange } from 'ccxt';
import { ValidationError } from '@tradai/domain';
import { backoffDelay, type RetryOptions } from '@tradai/market-data';

/** API key and secret of the exchange account (live bots only; read from Secrets Manager). */
export interface ExchangeCredentials {
  readonly apiKey: string;
  readonly secret: string;
}

export interface ExchangeOptions {
  /** ccxt exchange id (`binance`). */
  readonly exchange: string;
  readonly credentials?: ExchangeCredentials;
  /** Timeout of one HTTP request in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** ccxt's minimum spacing of requests in ms (default: the exchange's own limit). */
  readonly rateLimitMs?: number;
  /**
   * Overrides deep-merged into ccxt's constructor config: tests point `urls.api` at the fake exchange
   * (`{ urls: { api: binanceApiUrls(fake.url) } }`); nothing else should need it.
   */
  readonly ccxtConfig?: Record<string, unknown>;
}

/** Binance: spot only, so loadMarkets is one public call (like the market-data source). */
const EXCHANGE_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  binance: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
};

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

/** One ccxt exchange object for a bot: candles and orders go through it, rate limiter on. */
export function createExchange(options: ExchangeOptions): Exchange {
  const id = options.exchange;
  const Ctor = ccxt.exchanges.includes(id) ? (ccxt as unknown as Record<string, ExchangeClass>)[id] : undefined;
  if (!Ctor) throw new ValidationError(`unknown exchange "${id}": not a ccxt exchange id`, 'exchange');
  const extra = options.ccxtConfig ?? {};
  return new Ctor({
    enableRateLimit: true,
    ...(options.rateLimitMs !== undefined && { rateLimit: options.rateLimitMs }),
    timeout: options.timeoutMs ?? 10_000,
    ...(options.credentials && { apiKey: options.credentials.apiKey, secret: options.credentials.secret }),
    ...extra,
    options: { ...EXCHANGE_OPTIONS[id], ...(extra['options'] as Record<string, unknown> | undefined) },
  });
}

/** Rate limits, 5xx, timeouts and network errors: worth another try. */
export function isTransient(e: unknown): boolean {
  return e instanceof ccxt.OperationFailed;
}

/** Runs `call`, retrying transient failures with backoff (`before` runs ahead of each retry, e.g. to look the order up). */
export async function retrying<T>(call: () => Promise<T>, retry: RetryOptions & { before?: () => Promise<T | undefined> } = {}): Promise<T> {
  const attempts = Math.max(1, retry.attempts ?? 4);
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 1; ; i++) {
    try {
      if (i > 1 && retry.before) {
        const found = await retry.before();
        if (found !== undefined) return found;
      }
      return await call();
    } catch (e) {
      if (!isTransient(e) || i >= attempts) throw e;
      await sleep(backoffDelay(i, retry));
    }
  }
}

/** A short `Name: message` of an exchange error for logs and the bot's status. */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
