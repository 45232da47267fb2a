import { EnvError } from './errors.js';

type Source = Readonly<Record<string, string | undefined>>;

/**
 * Reads the named variables from `source`; throws one {@link EnvError} naming every variable that is
 * missing or empty (not just the first), so a mis-wired function is fixed in one deploy.
 */
export function parseEnv<const N extends string>(names: readonly N[], source: Source = process.env): Record<N, string> {
  const missing = names.filter((n) => (source[n] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new EnvError(`missing or empty environment variable(s): ${missing.join(', ')}`, missing);
  }
  return Object.fromEntries(names.map((n) => [n, source[n]!.trim()])) as Record<N, string>;
}

/** Bounds for {@link numberSetting}. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/**
 * Parses a numeric setting (a threshold, a timeout) out of an already-parsed env record; throws
 * {@link EnvError} naming the variable when it is absent, not a finite number, or out of bounds.
 */
export function numberSetting(env: Readonly<Record<string, string | undefined>>, name: string, bounds: NumberBounds = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') throw new EnvError(`missing or empty environment variable: ${name}`, [name]);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new EnvError(`${name} must be a number, got "${raw}"`, [name]);
  if (bounds.integer && !Number.isInteger(value)) throw new EnvError(`${name} must be an integer, got "${raw}"`, [name]);
  if (bounds.min !== undefined && value < bounds.min) throw new EnvError(`${name} must be >= ${bounds.min}, got ${value}`, [name]);
  if (bounds.max !== undefined && value > bounds.max) throw new EnvError(`${name} must be <= ${bounds.max}, got ${value}`, [name]);
  return value;
}

/** A positive integer setting (timeouts, windows, ages). */
export function positiveIntSetting(env: Readonly<Record<string, string | undefined>>, name: string): number {
  return numberSetting(env, name, { min: 1, integer: true });
}

/** A comma-separated list setting (symbols, timeframes); empty entries are an error naming the variable. */
export function listSetting(env: Readonly<Record<string, string | undefined>>, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') throw new EnvError(`missing or empty environment variable: ${name}`, [name]);
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new EnvError(`${name} has an empty entry: "${raw}"`, [name]);
  return items;
}
