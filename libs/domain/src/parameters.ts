import { ValidationError } from './errors.js';
import type { ParameterSpec } from './schemas/messages.js';

/** A strategy parameter value (what `parameters` in requests, configs and the task env carry). */
export type ParameterValue = string | number | boolean;

function fail(name: string, problem: string): never {
  throw new ValidationError(`invalid parameters: parameters.${name}: ${problem}`, `parameters.${name}`);
}

/**
 * Checks requested parameters against the strategy's declared specs and returns them merged over
 * the declared defaults. Unknown names, wrong types, out-of-range numbers, non-integers and values
 * outside an enum are refused, naming the parameter.
 */
export function checkParameters(specs: Readonly<Record<string, ParameterSpec>>, params: Readonly<Record<string, ParameterValue>>): Record<string, ParameterValue> {
  const merged: Record<string, ParameterValue> = {};
  for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) merged[name] = spec.default;
  for (const [name, value] of Object.entries(params)) {
    const spec = specs[name];
    if (!spec) fail(name, `unknown parameter; declared: ${Object.keys(specs).sort().join(', ') || '(none)'}`);
    if (typeof value !== spec.type) fail(name, `must be a ${spec.type}, got ${typeof value}`);
    if (spec.type === 'number') {
      const n = value as number;
      if (spec.integer && !Number.isInteger(n)) fail(name, `must be an integer, got ${n}`);
      if (spec.min !== undefined && n < spec.min) fail(name, `must be >= ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) fail(name, `must be <= ${spec.max}, got ${n}`);
    }
    if (spec.type === 'string' && spec.enum && !spec.enum.includes(value as string)) {
      fail(name, `must be one of ${spec.enum.join(', ')}, got "${String(value)}"`);
    }
    merged[name] = value;
  }
  return merged;
}
