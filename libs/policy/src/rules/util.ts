/** Input readers tolerant of how Pulumi programs pass values (booleans as strings in launch templates, ...). */

/** True for `true` and `"true"`. */
export const isTrue = (v: unknown): boolean => v === true || v === 'true';

/** False only for an explicit `false` / `"false"` (absent means the AWS default). */
export const isFalse = (v: unknown): boolean => v === false || v === 'false';

/** A finite number from a number or numeric string, else undefined. */
export function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A non-empty string, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The value as a list (undefined -> [], scalar -> [scalar]). */
export const arr = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** An object input, else an empty object. */
export const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
