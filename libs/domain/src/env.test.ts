import { describe, expect, it } from 'vitest';
import { EnvError } from './errors.js';
import { listSetting, numberSetting, parseEnv, positiveIntSetting } from './env.js';

describe('parseEnv', () => {
  it('returns the named variables trimmed', () => {
    expect(parseEnv(['A', 'B'], { A: 'x', B: ' y ', C: 'z' })).toEqual({ A: 'x', B: 'y' });
  });

  it('names every missing or empty variable in one error', () => {
    let err: unknown;
    try {
      parseEnv(['A', 'B', 'C'], { A: 'x', B: '  ' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).variables).toEqual(['B', 'C']);
    expect((err as Error).message).toBe('missing or empty environment variable(s): B, C');
  });
});

describe('numeric settings', () => {
  it('parses numbers within bounds', () => {
    expect(numberSetting({ T: '0.3' }, 'T', { min: 0, max: 1 })).toBe(0.3);
    expect(positiveIntSetting({ M: '180' }, 'M')).toBe(180);
  });

  it.each([
    [{}, 'missing or empty environment variable: T'],
    [{ T: 'abc' }, 'T must be a number, got "abc"'],
    [{ T: '1.5' }, 'T must be an integer, got "1.5"'],
    [{ T: '0' }, 'T must be >= 1, got 0'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => positiveIntSetting(env, 'T')).toThrow(message);
  });

  it('rejects values above max', () => {
    expect(() => numberSetting({ T: '2' }, 'T', { max: 1 })).toThrow('T must be <= 1, got 2');
  });

  it('splits list settings and rejects empty entries', () => {
    expect(listSetting({ S: 'BTC/USDT, ETH/USDT' }, 'S')).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(() => listSetting({ S: 'BTC/USDT,,ETH/USDT' }, 'S')).toThrow(/S has an empty entry/);
  });
});

describe('numeric setting bounds', () => {
  const ok = (raw: string, bounds: Parameters<typeof numberSetting>[2]) => {
    try {
      numberSetting({ T: raw }, 'T', bounds);
      return true;
    } catch {
      return false;
    }
  };

  it('accepts min and max themselves, refuses one step outside', () => {
    expect(['0.09', '0.1', '0.11'].map((r) => ok(r, { min: 0.1, max: 0.5 }))).toEqual([false, true, true]);
    expect(['0.49', '0.5', '0.51'].map((r) => ok(r, { min: 0.1, max: 0.5 }))).toEqual([true, true, false]);
    expect(['0', '1', '2'].map((r) => ok(r, { min: 1, integer: true }))).toEqual([false, true, true]);
  });

  it('positive integers start at 1; no bounds means any finite number', () => {
    expect(() => positiveIntSetting({ T: '0' }, 'T')).toThrow(EnvError);
    expect(positiveIntSetting({ T: '1' }, 'T')).toBe(1);
    expect(numberSetting({ T: '-5.5' }, 'T')).toBe(-5.5);
    expect(() => numberSetting({ T: 'Infinity' }, 'T')).toThrow('T must be a number, got "Infinity"');
    expect(() => numberSetting({ T: '  ' }, 'T')).toThrow('missing or empty environment variable: T');
  });

  it('names the variable in the error it throws', () => {
    const err = (() => {
      try {
        numberSetting({ T: '7' }, 'T', { max: 6 });
      } catch (e) {
        return e as EnvError;
      }
    })();
    expect(err?.variables).toEqual(['T']);
    expect(() => listSetting({}, 'S')).toThrow('missing or empty environment variable: S');
    expect(() => listSetting({ S: ' ' }, 'S')).toThrow(EnvError);
    expect(listSetting({ S: 'one' }, 'S')).toEqual(['one']);
  });
});

describe('every setting error names its variable in `variables`', () => {
  const caught = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e as EnvError;
    }
    throw new Error('expected a throw');
  };

  it.each([
    ['missing', () => numberSetting({}, 'T')],
    ['not a number', () => numberSetting({ T: 'x' }, 'T')],
    ['not an integer', () => numberSetting({ T: '1.5' }, 'T', { integer: true })],
    ['below min', () => numberSetting({ T: '0' }, 'T', { min: 1 })],
    ['list missing', () => listSetting({}, 'T')],
    ['list blank', () => listSetting({ T: '  ' }, 'T')],
    ['list empty entry', () => listSetting({ T: 'a,,b' }, 'T')],
  ])('%s', (_label, fn) => {
    const err = caught(fn);
    expect(err).toBeInstanceOf(EnvError);
    expect(err.variables).toEqual(['T']);
  });

  it('a blank list setting is reported as missing, not as an empty entry', () => {
    expect(() => listSetting({ L: '   ' }, 'L')).toThrow(new EnvError('missing or empty environment variable: L', ['L']));
    expect(() => listSetting({ L: '' }, 'L')).toThrow('missing or empty environment variable: L');
    expect(listSetting({ L: ' a ' }, 'L')).toEqual(['a']);
  });
});
