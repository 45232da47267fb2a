import { parseEvent, ValidationError } from '@tradai/domain';
import * as z from 'zod/mini';
import type { BacktestConfig } from './types.js';

// zod/mini ships no message locale, so every check says what it wants (the error names the field).
const num = (what: string) => z.number({ error: `must be ${what}` }).check(z.refine(Number.isFinite, `must be ${what}`));
const fraction = num('a fraction in [0, 0.5)').check(z.gte(0, 'must be >= 0'), z.lt(0.5, 'must be < 0.5'));
const positive = num('a positive number').check(z.positive('must be > 0'));

/** Schema of {@link BacktestConfig}. */
export const BacktestConfigSchema = z.object({
  startingBalance: positive,
  stake: z.union([positive, z.object({ fraction: num('a fraction in (0, 1]').check(z.positive('must be > 0'), z.lte(1, 'must be <= 1')) })], {
    error: 'must be a positive quote amount or { fraction } in (0, 1]',
  }),
  maxOpenTrades: z.int({ error: 'must be an integer >= 1' }).check(z.gte(1, 'must be >= 1')),
  feeRate: fraction,
  slippage: fraction,
  stopLoss: z.optional(num('a fraction in (0, 1)').check(z.positive('must be > 0'), z.lt(1, 'must be < 1'))),
  takeProfit: z.optional(positive),
  allowShort: z.optional(z.boolean({ error: 'must be true or false' })),
  minimalRoi: z.optional(
    z
      .record(z.string(), num('a finite profit ratio'))
      .check(
        z.refine((r) => Object.keys(r).every((k) => /^\d+$/.test(k)), 'keys must be whole minutes, e.g. "0", "30"'),
        z.refine((r) => Object.keys(r).length > 0, 'must have at least one entry'),
      ),
  ),
});

/** Validates a backtest config; throws ValidationError naming each bad field (`invalid backtest config: feeRate: ...`). */
export function parseBacktestConfig(input: unknown): BacktestConfig {
  // Unknown keys are refused so a misspelt option (`stoploss`) is not silently ignored.
  if (input && typeof input === 'object') {
    const known = Object.keys(BacktestConfigSchema.shape);
    const unknown = Object.keys(input).filter((k) => !known.includes(k));
    if (unknown.length > 0) {
      throw new ValidationError(`invalid backtest config: ${unknown[0]}: unknown option; known: ${known.join(', ')}`, unknown[0]!);
    }
  }
  return parseEvent(BacktestConfigSchema, input, 'backtest config');
}

/** The ROI table as ascending minute thresholds (ms) and their minimum profit ratios. */
export interface RoiTable {
  readonly afterMs: Float64Array;
  readonly minRatio: Float64Array;
}

export function roiTable(roi: Readonly<Record<string, number>> | undefined): RoiTable | undefined {
  if (!roi) return undefined;
  const entries = Object.entries(roi)
    .map(([k, v]) => [Number(k) * 60_000, v] as const)
    .sort((a, b) => a[0] - b[0]);
  return { afterMs: Float64Array.from(entries, (e) => e[0]), minRatio: Float64Array.from(entries, (e) => e[1]) };
}
