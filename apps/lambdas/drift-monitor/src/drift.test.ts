import { describe, expect, it } from 'vitest';
import { PSI_EPSILON, driftScore, exceedsThreshold, psi, retrainingExecutionName } from './drift.js';

describe('psi', () => {
  it('is 0 for identical distributions, counts or proportions alike', () => {
    expect(psi([10, 20, 70], [1, 2, 7])).toBeCloseTo(0, 12);
  });

  it('matches the textbook value', () => {
    // (0.3-0.5)ln(0.3/0.5) + (0.7-0.5)ln(0.7/0.5)
    expect(psi([0.5, 0.5], [0.3, 0.7])).toBeCloseTo(0.2 * Math.log(5 / 3) + 0.2 * Math.log(1.4), 12);
  });

  it('floors an empty bin at PSI_EPSILON, so a bin that empties scores finitely and exactly', () => {
    // Reference all in bin 0, current all in bin 1: each side's empty bin counts as PSI_EPSILON.
    const e = PSI_EPSILON;
    expect(psi([1, 0], [0, 1])).toBeCloseTo(2 * (1 - e) * Math.log((1 - 0) / e), 9);
    expect(psi([4, 0], [4, 0])).toBe(0);
  });

  it('grows with the shift', () => {
    const small = psi([0.25, 0.25, 0.25, 0.25], [0.3, 0.2, 0.25, 0.25]);
    const big = psi([0.25, 0.25, 0.25, 0.25], [0.7, 0.3, 0, 0]);
    expect(Number.isFinite(big)).toBe(true);
    expect(big).toBeGreaterThan(small);
  });

  it('needs at least 2 bins: 1 is refused, 2 is scored', () => {
    expect(() => psi([1], [1])).toThrow('distribution: needs at least 2 bins, got 1');
    expect(() => psi([], [])).toThrow('needs at least 2 bins, got 0');
    expect(psi([1, 1], [1, 1])).toBe(0);
  });

  it('names malformed input and which side it is on', () => {
    expect(() => psi([1, 2], [1, 2, 3], 'feature "rsi"')).toThrow('feature "rsi": reference has 2 bins, current has 3');
    expect(() => psi([0, 0], [1, 1])).toThrow('distribution (reference): all bins are zero');
    expect(() => psi([1, 1], [0, 0], 'feature "rsi"')).toThrow('feature "rsi" (current): all bins are zero');
    expect(() => psi([1, -1], [1, 1])).toThrow('distribution (reference): bins must be finite and >= 0, got [1, -1]');
    expect(() => psi([1, 1], [1, Number.NaN])).toThrow('distribution (current): bins must be finite and >= 0, got [1, NaN]');
    expect(() => psi([1, Number.POSITIVE_INFINITY], [1, 1])).toThrow(/bins must be finite/);
  });
});

describe('driftScore', () => {
  it('is the largest feature PSI and lists features missing from the current run', () => {
    const s = driftScore({ rsi: [1, 1], volume: [1, 1], prediction: [1, 1], atr: [1, 1] }, { rsi: [1, 1], prediction: [3, 7], atr: [4, 6] });
    expect(s.features).toEqual({ rsi: 0, prediction: psi([1, 1], [3, 7]), atr: psi([1, 1], [4, 6]) });
    expect(s.score).toBe(psi([1, 1], [3, 7]));
    expect(s.missing).toEqual(['volume']);
  });

  it('refuses when nothing can be compared, naming both sides', () => {
    expect(() => driftScore({ a: [1, 1], c: [1, 1] }, { b: [1, 1], d: [1, 1] })).toThrow('no feature in common between reference [a, c] and current [b, d]');
  });

  it('names the feature a malformed distribution belongs to', () => {
    expect(() => driftScore({ rsi: [1, 1] }, { rsi: [1, 1, 1] })).toThrow('feature "rsi": reference has 2 bins, current has 3');
  });
});

describe('retraining execution', () => {
  it('is named per strategy and UTC day', () => {
    expect(retrainingExecutionName('momentum', new Date('2026-03-01T23:59:59.999Z'))).toBe('drift-momentum-20260301');
    expect(retrainingExecutionName('momentum', new Date('2026-03-01T00:00:00Z'))).toBe('drift-momentum-20260301');
    expect(retrainingExecutionName('momentum', new Date('2026-03-02T00:00:00Z'))).toBe('drift-momentum-20260302');
  });

  it('keeps within the Step Functions name rules: allowed characters, at most 80 characters', () => {
    const at = new Date('2026-03-01T00:00:00Z');
    expect(retrainingExecutionName('a.b/c d_e-f', at)).toBe('drift-a_b_c_d_e-f-20260301');
    // 80 - "drift-" - "-20260301" leaves 65 characters for the strategy.
    expect(retrainingExecutionName('x'.repeat(65), at)).toBe(`drift-${'x'.repeat(65)}-20260301`);
    expect(retrainingExecutionName('x'.repeat(66), at)).toBe(`drift-${'x'.repeat(65)}-20260301`);
    expect(retrainingExecutionName('x'.repeat(100), at)).toHaveLength(80);
  });

  it.each([
    [0.29, false],
    [0.3, false],
    [0.31, true],
  ])('drift %s against threshold 0.3 starts retraining: %s', (score, started) => {
    expect(exceedsThreshold(score, 0.3)).toBe(started);
  });
});
