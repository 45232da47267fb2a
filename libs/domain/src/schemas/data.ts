import * as z from 'zod/mini';
import { timeframe } from './backtest.js';

/** A market as the platform names it: ccxt's unified BASE/QUOTE symbol (`BTC/USDT`). */
export const marketSymbol = z.string().check(z.regex(/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/, 'must be a BASE/QUOTE symbol like BTC/USDT'));

/**
 * Body of `POST /api/v1/data/sync`: what data-collection-trigger sends every hour and
 * data-collection accepts. One schema, so a setting the service would refuse fails in the trigger.
 */
export const DataSyncRequest = z.object({
  symbols: z.array(marketSymbol).check(z.minLength(1), z.maxLength(100)),
  timeframes: z.array(timeframe).check(z.minLength(1)),
});
export type DataSyncRequest = z.output<typeof DataSyncRequest>;
