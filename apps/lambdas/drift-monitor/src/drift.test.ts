import { describe, expect, it } from 'vitest';
import { driftScore, exceedsThreshold, psi, retrainingExecutionName } from './drift.js';

describe('psi', () => {
  it('is 0 for identical distributions, counts or proportions alike', () => {
    expect(psi([10, 20, 70], [1, 2, 7])).toBeCloseTo(0, 12);
  });

  it('matches the textbook value', () => {
    // (0.3-0.5)ln(0.3/0.5) + (0.7-0.5)ln(0.7/0.5)
    expect(psi([0.5, 0.5], [0.3, 0.7])).toBeCloseTo(0.2 * Math.log(5 / 3) + 0.2 * Math.log(1.4), 12);
  });

  it('stays finite when a bin empties, and grows with the shift', () => {
    const small = psi([0.25, 0.25, 0.25, 0.25], [0.3, 0.2, 0.25, 0.25]);
    const big = psi([0.25, 0.25, 0.25, 0.25], [0.7, 0.3, 0, 0]);
    expect(Number.isFinite(big)).toBe(true);
    expect(big).toBeGreaterThan(small);
  });

  it('names malformed input', () => {
    expect(() => psi([1, 2], [1, 2, 3], 'feature "rsi"')).toThrow(/feature "rsi": reference has 2 bins, current has 3/);
    expect(() => psi([0, 0], [1, 1])).toThrow(/all bins are zero/);
    expect(() => psi([1, -1], [1, 1])).toThrow(/finite and >= 0/);
  });
});

describe('driftScore', () => {
  it('is the largest feature PSI and lists features missing from the current run', () => {
    const s = driftScore({ rsi: [1, 1], volume: [1, 1], prediction: [1, 1] }, { rsi: [1, 1], prediction: [3, 7] });
    expect(s.features.rsi).toBeCloseTo(0, 12);
    expect(s.score).toBe(s.features.prediction);
    expect(s.missing).toEqual(['volume']);
  });

  it('refuses when nothing can be compared', () => {
    expect(() => driftScore({ a: [1, 1] }, { b: [1, 1] })).toThrow(/no feature in common/);
  });
});

describe('retraining execution', () => {
  it('is named per strategy and UTC day, within Step Functions limits', () => {
    expect(retrainingExecutionName('momentum', new Date('2026-03-01T23:59:00Z'))).toBe('drift-momentum-20260301');
    expect(retrainingExecutionName('momentum', new Date('2026-03-01T00:01:00Z'))).toBe('drift-momentum-20260301');
    expect(retrainingExecutionName('x'.repeat(100), new Date('2026-03-01T00:00:00Z'))).toHaveLength(80);
  });

  it('starts only strictly past the threshold', () => {
    expect(exceedsThreshold(0.3, 0.3)).toBe(false);
    expect(exceedsThreshold(0.31, 0.3)).toBe(true);
  });
});
