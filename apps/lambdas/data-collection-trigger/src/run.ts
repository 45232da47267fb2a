import { DataSyncRequest, ScheduledEvent, marketSymbol, parseEvent, timeframe } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import * as z from 'zod/mini';
import { triggerSync, type RetryPolicy, type SyncResult } from './sync.js';

const logger = createLogger('data-collection-trigger');

/**
 * The schedule sends no input; an invocation by hand may narrow the sync to some symbols or
 * timeframes (each list non-empty when given).
 */
export const TriggerEvent = z.extend(ScheduledEvent, {
  symbols: z.optional(z.array(marketSymbol).check(z.minLength(1))),
  timeframes: z.optional(z.array(timeframe).check(z.minLength(1))),
});

export interface Deps {
  readonly url: string;
  readonly symbols: readonly string[];
  readonly timeframes: readonly string[];
  readonly retry: RetryPolicy;
  readonly fetch: typeof fetch;
}


export type TriggerResult = SyncResult & { readonly symbols: readonly string[]; readonly timeframes: readonly string[] };

/** Ask data-collection to sync; throws SyncFailedError (naming URL, status, body) when it will not. */
export async function run(event: unknown, deps: Deps): Promise<TriggerResult> {
  const e = parseEvent(TriggerEvent, event, 'data-collection-trigger event');
  // Checked here with the schema the service applies: a bad SYMBOLS/TIMEFRAMES setting fails in this function, naming it.
  const request = parseEvent(DataSyncRequest, { symbols: e.symbols ?? deps.symbols, timeframes: e.timeframes ?? deps.timeframes }, 'sync request (SYMBOLS / TIMEFRAMES)');
  const result = await triggerSync(deps.url, request, deps.retry, deps.fetch);
  logger.info('data sync requested', { url: deps.url, ...request, attempts: result.attempts, httpStatus: result.httpStatus });
  return { ...result, ...request };
}
