import { describe, expect, it } from 'vitest';
import { currentModel, decideRetraining } from './decide.js';

const thresholds = { driftThreshold: 0.3, maxModelAgeDays: 30 };
const now = new Date('2026-03-01T00:00:00Z');
const promoted = (completed: string) => ({ strategy: 's', started_at: completed, completed_at: completed, status: 'PROMOTED' as const });
const drift = (d: number) => ({ strategy: 's', measured_at: '2026-02-28T00:00:00Z', drift: d });

describe('decideRetraining', () => {
  it('skips when drift and age are within thresholds, saying why', () => {
    expect(decideRetraining({ drift: drift(0.1), current: promoted('2026-02-20T00:00:00Z'), now, thresholds })).toEqual({
      retrain: false,
      reasons: ['drift 0.1 <= threshold 0.3', 'model age 9 d <= max 30 d'],
      drift: 0.1,
      modelAgeDays: 9,
    });
  });

  it('retrains on drift strictly above the threshold', () => {
    expect(decideRetraining({ drift: drift(0.3), current: promoted('2026-02-20T00:00:00Z'), now, thresholds }).retrain).toBe(false);
    expect(decideRetraining({ drift: drift(0.31), current: promoted('2026-02-20T00:00:00Z'), now, thresholds }).reasons).toEqual(['drift 0.31 > threshold 0.3']);
  });

  it('retrains an old model, a missing model, or when forced', () => {
    expect(decideRetraining({ drift: undefined, current: promoted('2026-01-01T00:00:00Z'), now, thresholds }).reasons).toEqual(['model age 59 d > max 30 d']);
    expect(decideRetraining({ drift: drift(0.5), current: undefined, now, thresholds })).toMatchObject({
      retrain: true,
      reasons: ['drift 0.5 > threshold 0.3', 'no trained model on record'],
      modelAgeDays: null,
    });
    expect(decideRetraining({ drift: drift(0), current: promoted('2026-02-28T00:00:00Z'), now, thresholds, force: true }).reasons).toEqual(['forced']);
  });

  it('takes the newest PROMOTED run as the model in service', () => {
    const history = [
      { strategy: 's', started_at: '2026-02-10T00:00:00Z', status: 'REJECTED' as const },
      promoted('2026-01-05T00:00:00Z'),
      promoted('2026-01-20T00:00:00Z'),
    ];
    expect(currentModel(history)?.started_at).toBe('2026-01-20T00:00:00Z');
    expect(currentModel([])).toBeUndefined();
  });
});
