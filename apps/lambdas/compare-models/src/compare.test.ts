import { describe, expect, it } from 'vitest';
import { compareScores } from './compare.js';

describe('compareScores', () => {
  it('promotes without a champion or when the champion lacks the metric', () => {
    expect(compareScores('sharpe', { version: '2', value: 1 }, undefined, 0.02)).toEqual({ decision: 'promote', reason: 'no champion yet' });
    expect(compareScores('sharpe', { version: '2', value: 1 }, { version: '1', value: undefined }, 0.02).decision).toBe('promote');
  });

  it('requires a relative improvement of at least MIN_IMPROVEMENT', () => {
    expect(compareScores('sharpe', { version: '2', value: 1.53 }, { version: '1', value: 1.5 }, 0.02)).toEqual({
      decision: 'promote',
      reason: 'sharpe 1.53 vs champion 1.5 (delta 0.03, required >= 0.03)',
    });
    expect(compareScores('sharpe', { version: '2', value: 1.52 }, { version: '1', value: 1.5 }, 0.02).decision).toBe('reject');
    expect(compareScores('sharpe', { version: '2', value: -0.9 }, { version: '1', value: -1 }, 0.02).decision).toBe('promote');
    expect(compareScores('sharpe', { version: '2', value: 0 }, { version: '1', value: 0 }, 0).decision).toBe('reject');
  });

  it('rejects a candidate that already is the champion and needs the candidate metric', () => {
    expect(compareScores('sharpe', { version: '1', value: 9 }, { version: '1', value: 9 }, 0).decision).toBe('reject');
    expect(() => compareScores('sharpe', { version: '1', value: undefined }, undefined, 0)).toThrow('candidate version 1 has no metric "sharpe"');
  });
});
