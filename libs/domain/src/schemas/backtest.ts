import * as z from 'zod/mini';
import { isoTimestamp, parameters, positiveInt, strategyName, workflowId } from './common.js';

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;
export const timeframe = z.enum(TIMEFRAMES);

/**
 * Body of a message on the backtest queue (API route POST /api/v1/backtests sends the client's
 * JSON body as-is). `requestId` is the client's idempotency key; when absent the SQS message id is
 * used, which still de-duplicates SQS redeliveries but not client retries.
 */
export const BacktestRequest = z
  .object({
    requestId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 chars of A-Z, a-z, 0-9, "-", "_"'))),
    strategy: strategyName,
    configVersion: z.optional(positiveInt),
    symbols: z.array(z.string().check(z.regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'must look like BTC/USDT'))).check(z.minLength(1), z.maxLength(50)),
    timeframe,
    startDate: isoTimestamp,
    endDate: isoTimestamp,
    parameters: z._default(parameters, {}),
    submittedBy: z.optional(z.string()),
  })
  .check(
    z.refine((r) => Date.parse(r.startDate) < Date.parse(r.endDate), { message: 'must be after startDate', path: ['endDate'] }),
  );
export type BacktestRequest = z.output<typeof BacktestRequest>;

/** Input of the backtest state machine (what backtest-consumer passes to StartExecution). */
export const BacktestWorkflowInput = z.object({
  workflowId,
  requestId: z.string(),
  strategy: strategyName,
  configVersion: z.optional(positiveInt),
  symbols: z.array(z.string()),
  timeframe,
  startDate: isoTimestamp,
  endDate: isoTimestamp,
  parameters,
  /** Where the strategy task must write its result file (results bucket key, see BacktestResultFile). */
  resultKey: z.string(),
});
export type BacktestWorkflowInput = z.output<typeof BacktestWorkflowInput>;

/**
 * Where the strategy task writes the backtest's HTML report: beside the result file, same name with
 * `.html` (`backtests/<id>/result.json` -> `backtests/<id>/result.html`). One rule for the task that
 * writes it and backend-api that links it.
 */
export function reportKeyFor(resultKey: string): string {
  return resultKey.endsWith('.json') ? `${resultKey.slice(0, -'.json'.length)}.html` : `${resultKey}.html`;
}

const finite = z.number().check(z.refine(Number.isFinite, 'must be finite'));

/**
 * The result file the strategy task writes to the results bucket at `resultKey`
 * (`backtests/<workflowId>/result.json`). Equity points are in time order, one per candle of
 * `timeframe`; trade profits are in quote currency (`profitAbs`) and as a ratio of stake.
 */
export const BacktestResultFile = z.object({
  strategy: strategyName,
  timeframe,
  startingBalance: finite.check(z.positive()),
  equityCurve: z
    .array(z.object({ timestamp: isoTimestamp, equity: finite.check(z.gte(0)) }))
    .check(z.minLength(2)),
  trades: z.array(
    z.object({
      pair: z.string(),
      openedAt: isoTimestamp,
      closedAt: isoTimestamp,
      profitAbs: finite,
      profitRatio: finite,
    }),
  ),
});
export type BacktestResultFile = z.output<typeof BacktestResultFile>;
