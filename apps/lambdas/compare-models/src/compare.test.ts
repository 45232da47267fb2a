import { describe, expect, it } from 'vitest';
import { compareScores } from './compare.js';

const champ = (value: number | undefined) => ({ version: '1', value });
const cand = (value: number | undefined) => ({ version: '2', value });

describe('compareScores', () => {
  it('promotes without a champion or when the champion lacks the metric', () => {
    expect(compareScores('sharpe', cand(1), undefined, 0.02)).toEqual({ decision: 'promote', reason: 'no champion yet' });
    expect(compareScores('sharpe', cand(1), champ(undefined), 0.02)).toEqual({ decision: 'promote', reason: 'champion v1 has no metric "sharpe"' });
  });

  it('requires a relative improvement of at least MIN_IMPROVEMENT', () => {
    expect(compareScores('sharpe', cand(1.53), champ(1.5), 0.02)).toEqual({
      decision: 'promote',
      reason: 'sharpe 1.53 vs champion 1.5 (delta 0.03, required >= 0.03)',
    });
    expect(compareScores('sharpe', cand(1.52), champ(1.5), 0.02).decision).toBe('reject');
  });

  // Values exact in binary floating point, so the boundary is the boundary: required = 0.25 * 2 = 0.5.
  it('promotes at exactly the required improvement; 0.01 less rejects, 0.01 more promotes', () => {
    expect(compareScores('sharpe', cand(2.5), champ(2), 0.25)).toEqual({ decision: 'promote', reason: 'sharpe 2.5 vs champion 2 (delta 0.5, required >= 0.5)' });
    expect(compareScores('sharpe', cand(2.49), champ(2), 0.25)).toEqual({ decision: 'reject', reason: 'sharpe 2.49 vs champion 2 (delta 0.49, required >= 0.5)' });
    expect(compareScores('sharpe', cand(2.51), champ(2), 0.25).decision).toBe('promote');
  });

  it('measures the required improvement on the magnitude of a negative champion', () => {
    // |-2| * 0.25 = 0.5: -1.5 is exactly enough, -1.51 is not.
    expect(compareScores('sharpe', cand(-1.5), champ(-2), 0.25)).toEqual({ decision: 'promote', reason: 'sharpe -1.5 vs champion -2 (delta 0.5, required >= 0.5)' });
    expect(compareScores('sharpe', cand(-1.51), champ(-2), 0.25).decision).toBe('reject');
    expect(compareScores('sharpe', cand(-0.9), champ(-1), 0.02).decision).toBe('promote');
  });

  it('with no required margin still needs the candidate strictly better', () => {
    expect(compareScores('sharpe', cand(1), champ(1), 0).decision).toBe('reject');
    expect(compareScores('sharpe', cand(1.01), champ(1), 0).decision).toBe('promote');
    expect(compareScores('sharpe', cand(0.99), champ(1), 0).decision).toBe('reject');
    // A zero champion needs nothing relative, but still strictly more than zero.
    expect(compareScores('sharpe', cand(0), champ(0), 0.02).decision).toBe('reject');
    expect(compareScores('sharpe', cand(0.01), champ(0), 0.02)).toEqual({ decision: 'promote', reason: 'sharpe 0.01 vs champion 0 (delta 0.01, required >= 0)' });
  });

  it('rounds the numbers in the reason to 6 significant digits', () => {
    expect(compareScores('sharpe', cand(1.53), champ(1.5), 0.02).reason).toBe('sharpe 1.53 vs champion 1.5 (delta 0.03, required >= 0.03)');
    expect(compareScores('sharpe', cand(1 / 3 + 1), champ(1), 0.1234567).reason).toBe(`sharpe ${1 / 3 + 1} vs champion 1 (delta 0.333333, required >= 0.123457)`);
  });

  it('rejects a candidate that already is the champion and needs the candidate metric', () => {
    expect(compareScores('sharpe', { version: '1', value: 9 }, { version: '1', value: 1 }, 0)).toEqual({ decision: 'reject', reason: 'version 1 is already the champion' });
    expect(() => compareScores('sharpe', { version: '1', value: undefined }, undefined, 0)).toThrow('candidate version 1 has no metric "sharpe"');
  });
});
