import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { checkParameters } from './parameters.js';

describe('checkParameters', () => {
  const specs = {
    stopLoss: { type: 'number' as const, min: 0, max: 0.5, default: 0.1 },
    lookback: { type: 'number' as const, integer: true, min: 1 },
    mode: { type: 'string' as const, enum: ['long', 'short'] },
    trailing: { type: 'boolean' as const, default: false },
  };

  it('merges requested values over declared defaults', () => {
    expect(checkParameters(specs, { lookback: 20, mode: 'long' })).toEqual({ stopLoss: 0.1, trailing: false, lookback: 20, mode: 'long' });
  });

  it.each([
    [{ risk: 1 }, 'parameters.risk: unknown parameter; declared: lookback, mode, stopLoss, trailing'],
    [{ stopLoss: '0.1' }, 'parameters.stopLoss: must be a number, got string'],
    [{ stopLoss: 0.9 }, 'parameters.stopLoss: must be <= 0.5, got 0.9'],
    [{ lookback: 0 }, 'parameters.lookback: must be >= 1, got 0'],
    [{ lookback: 2.5 }, 'parameters.lookback: must be an integer, got 2.5'],
    [{ mode: 'sideways' }, 'parameters.mode: must be one of long, short, got "sideways"'],
  ])('refuses %j naming the parameter', (params, message) => {
    expect(() => checkParameters(specs, params)).toThrow(message);
  });
});

describe('checkParameters bounds', () => {
  const specs = { stopLoss: { type: 'number' as const, min: 0.01, max: 0.5 }, lookback: { type: 'number' as const, integer: true, min: 1, max: 200 } };
  const ok = (params: Record<string, number>) => {
    try {
      checkParameters(specs, params);
      return true;
    } catch {
      return false;
    }
  };

  it('accepts min and max themselves, refuses one step outside', () => {
    expect([0, 0.01, 0.02].map((stopLoss) => ok({ stopLoss }))).toEqual([false, true, true]);
    expect([0.49, 0.5, 0.51].map((stopLoss) => ok({ stopLoss }))).toEqual([true, true, false]);
    expect([0, 1, 2, 199, 200, 201].map((lookback) => ok({ lookback }))).toEqual([false, true, true, true, true, false]);
  });

  it('names the parameter and the bound it broke', () => {
    expect(() => checkParameters(specs, { lookback: 201 })).toThrow('invalid parameters: parameters.lookback: must be <= 200, got 201');
    expect(() => checkParameters(specs, { stopLoss: 0 })).toThrow('invalid parameters: parameters.stopLoss: must be >= 0.01, got 0');
    expect(() => checkParameters({}, { x: 1 })).toThrow('parameters.x: unknown parameter; declared: (none)');
  });

  it('leaves unbounded numbers and enum-less strings alone, and keeps values without defaults out', () => {
    expect(checkParameters({ n: { type: 'number' }, s: { type: 'string' } }, { n: -1e9, s: 'anything' })).toEqual({ n: -1e9, s: 'anything' });
    expect(checkParameters({ n: { type: 'number' } }, {})).toEqual({});
  });
});

describe('checkParameters errors', () => {
  it('carry the dotted path of the refused parameter', () => {
    let err: unknown;
    try {
      checkParameters({ stopLoss: { type: 'number', max: 0.5 } }, { stopLoss: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toBe('parameters.stopLoss');
  });
});
