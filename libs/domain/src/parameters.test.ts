import { describe, expect, it } from 'vitest';
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
