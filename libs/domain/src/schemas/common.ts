import * as z from 'zod/mini';
import { WORKFLOW_STATUSES } from '@tradai/contracts';

/** Strategy names double as ECR repository suffixes and S3 prefixes: lower-case, digits, `-`, `_`. */
export const strategyName = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 chars of a-z, 0-9, "-", "_"'));

/**
 * Workflow ids are Step Functions execution names (<= 80 chars of A-Z a-z 0-9 - _), so the id
 * and the execution can always be derived from each other.
 */
export const workflowId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be 1-80 chars of A-Z, a-z, 0-9, "-", "_"'));

export const workflowStatus = z.enum(WORKFLOW_STATUSES);

/** ISO-8601 timestamp with offset (`2026-01-01T00:00:00Z`, also what `$$.Execution.StartTime` gives). */
export const isoTimestamp = z.iso.datetime({ offset: true });

/** Strategy parameters: flat name -> finite number | string | boolean. */
export const parameterValue = z.union([z.number().check(z.refine(Number.isFinite, 'must be finite')), z.string(), z.boolean()]);
export const parameters = z.record(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'invalid parameter name')), parameterValue);

export const positiveInt = z.int().check(z.positive());
