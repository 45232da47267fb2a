import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';

/** Dotted path of an issue (`parameters.stopLoss`, `trades.3.profitRatio`); `(root)` for the value itself. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => String(p)).join('.');
}

/**
 * Parses `value` with `schema`; on failure throws {@link ValidationError} whose message starts with
 * the failing field path (`strategy: Invalid input: expected string, received undefined`) and whose
 * `issues` lists every failing field. `label` prefixes the message (e.g. `backtest request`).
 */
export function parseEvent<S extends z.ZodMiniType>(schema: S, value: unknown, label = 'input'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(`invalid ${label}: ${summary}`, issues[0]?.path ?? '(root)', issues);
}

/**
 * Parses a JSON string then validates it; malformed JSON is a {@link ValidationError} on `(root)`
 * (an SQS body or SNS message that is not JSON at all).
 */
export function parseJsonEvent<S extends z.ZodMiniType>(schema: S, text: string, label = 'input'): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`invalid ${label}: (root): body is not valid JSON (${(err as Error).message})`, '(root)');
  }
  return parseEvent(schema, value, label);
}
