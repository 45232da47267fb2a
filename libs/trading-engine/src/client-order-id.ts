import { createHash } from 'node:crypto';

/** What an order is for: the signal it carries out. */
export interface OrderIntentKey {
  readonly botId: string;
  readonly symbol: string;
  /** Open time (epoch ms) of the candle whose close decided the order. */
  readonly candleTime: number;
  readonly side: 'buy' | 'sell';
  /** Retry of the remainder after a partial fill (0 for the first order of the signal). */
  readonly attempt?: number;
}

/** Binance's limit on `newClientOrderId`: `^[a-zA-Z0-9-_]{1,36}$`; other ccxt exchanges accept at least this. */
export const CLIENT_ORDER_ID_LENGTH = 32;

/** Prefix every client order id of the platform starts with, so reconciliation can tell our orders from manual ones. */
export const CLIENT_ORDER_ID_PREFIX = 'td';

/**
 * The client order id of a signal: a hash of (bot, symbol, candle time, side, attempt). The same
 * signal always gets the same id, so a retry or a restart re-sending it is refused by the exchange
 * as a duplicate (or found by this id) instead of trading twice.
 */
export function clientOrderId(key: OrderIntentKey): string {
  const digest = createHash('sha256')
    .update(`${key.botId}|${key.symbol}|${key.candleTime}|${key.side}|${key.attempt ?? 0}`)
    .digest('base64url')
    .replaceAll(/[^A-Za-z0-9]/g, '');
  return `${CLIENT_ORDER_ID_PREFIX}${digest}`.slice(0, CLIENT_ORDER_ID_LENGTH);
}
