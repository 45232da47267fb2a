import { marketSymbol } from '@tradai/domain';

/** The symbol if `value` is a BASE/QUOTE symbol (the domain's `marketSymbol`: `BTC/USDT`, `1000SATS/USDT`), else undefined. */
export function parseSymbol(value: string): string | undefined {
  return marketSymbol.safeParse(value).success ? value : undefined;
}

/**
 * A symbol from a URL path segment: `BTC-USDT` (no slash to escape) or `BTC/USDT` (sent URL-encoded
 * as `BTC%2FUSDT`; Fastify has decoded it by now). Lower case is accepted and upper-cased.
 */
export function symbolFromPath(segment: string): string | undefined {
  const s = segment.trim().toUpperCase();
  return parseSymbol(s.includes('/') ? s : s.replace('-', '/'));
}

/** `BTC/USDT` -> `BTC-USDT`, the form used in URLs this service builds. */
export function symbolToPath(symbol: string): string {
  return symbol.replace('/', '-');
}
