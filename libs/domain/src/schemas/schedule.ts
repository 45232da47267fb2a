import * as z from 'zod/mini';
import { isoTimestamp } from './common.js';

/**
 * What a scheduled function receives: an EventBridge "Scheduled Event" (rule target with no input)
 * or `{}` (an invocation by hand). Fields are optional, but when present they must have the right
 * shape; anything else (a string, an array, a Step Functions payload by mistake) is rejected.
 */
export const ScheduledEvent = z.looseObject({
  source: z.optional(z.string()),
  'detail-type': z.optional(z.string()),
  time: z.optional(isoTimestamp),
  resources: z.optional(z.array(z.string())),
});
export type ScheduledEvent = z.output<typeof ScheduledEvent>;
