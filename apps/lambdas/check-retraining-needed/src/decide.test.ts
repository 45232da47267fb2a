import { describe, expect, it } from 'vitest';
import { currentModel, decideRetraining } from './decide.js';

const thresholds = { driftThreshold: 0.3, maxModelAgeDays: 30 };
const DAY_MS = 86_400_000;
const now = new Date('2026-03-01T00:00:00Z');
/** ISO time `days` before `now`. */
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
const promoted = (completed: string) => ({ strategy: 's', started_at: completed, completed_at: completed, status: 'PROMOTED' as const });
const drift = (d: number) => ({ strategy: 's', measured_at: '2026-02-28T00:00:00Z', drift: d });
const young = promoted(daysAgo(9));

describe('decideRetraining', () => {
  it('skips when drift and age are within thresholds, saying why', () => {
    expect(decideRetraining({ drift: drift(0.1), current: young, now, thresholds })).toEqual({
      retrain: false,
      reasons: ['drift 0.1 <= threshold 0.3', 'model age 9 d <= max 30 d'],
      drift: 0.1,
      modelAgeDays: 9,
    });
  });

  it('says so when no drift has been measured yet, and does not retrain for that alone', () => {
    expect(decideRetraining({ drift: undefined, current: young, now, thresholds })).toEqual({
      retrain: false,
      reasons: ['no drift measurement yet', 'model age 9 d <= max 30 d'],
      drift: null,
      modelAgeDays: 9,
    });
  });

  // Drift scores are compared as given; 0.01 is a step well above float noise at this scale.
  it.each([
    [0.29, false, 'drift 0.29 <= threshold 0.3'],
    [0.3, false, 'drift 0.3 <= threshold 0.3'],
    [0.31, true, 'drift 0.31 > threshold 0.3'],
  ])('drift %s against threshold 0.3: retrain %s', (d, retrain, reason) => {
    const out = decideRetraining({ drift: drift(d), current: young, now, thresholds });
    expect(out.retrain).toBe(retrain);
    expect(out.reasons[0]).toBe(reason);
  });

  // The age is rounded to 0.01 d (what the reason shows) before it is compared: one step is 0.01 d.
  it.each([
    [29.99, false, 'model age 29.99 d <= max 30 d'],
    [30, false, 'model age 30 d <= max 30 d'],
    [30.01, true, 'model age 30.01 d > max 30 d'],
  ])('model age %s d against max 30 d: retrain %s', (days, retrain, reason) => {
    const out = decideRetraining({ drift: drift(0), current: promoted(daysAgo(days)), now, thresholds });
    expect(out).toMatchObject({ retrain, modelAgeDays: days });
    expect(out.reasons).toContain(reason);
  });

  it('measures the age to 0.01 d: half a step past the maximum still rounds to it', () => {
    expect(decideRetraining({ drift: drift(0), current: promoted(daysAgo(30.004)), now, thresholds })).toMatchObject({ retrain: false, modelAgeDays: 30 });
    expect(decideRetraining({ drift: drift(0), current: promoted(daysAgo(30.006)), now, thresholds })).toMatchObject({ retrain: true, modelAgeDays: 30.01 });
  });

  it('counts the age from completion, or from the start when a run has no completion time', () => {
    const run = { strategy: 's', started_at: daysAgo(40), completed_at: daysAgo(10), status: 'PROMOTED' as const };
    expect(decideRetraining({ drift: undefined, current: run, now, thresholds }).modelAgeDays).toBe(10);
    const { completed_at: _, ...noCompletion } = run;
    expect(decideRetraining({ drift: undefined, current: noCompletion, now, thresholds })).toMatchObject({ retrain: true, modelAgeDays: 40 });
  });

  it('lists every reason that applies: drift, an old model, a missing model, force', () => {
    expect(decideRetraining({ drift: undefined, current: promoted(daysAgo(59)), now, thresholds }).reasons).toEqual(['model age 59 d > max 30 d']);
    expect(decideRetraining({ drift: drift(0.5), current: promoted(daysAgo(59)), now, thresholds }).reasons).toEqual(['drift 0.5 > threshold 0.3', 'model age 59 d > max 30 d']);
    expect(decideRetraining({ drift: drift(0.5), current: undefined, now, thresholds })).toEqual({
      retrain: true,
      reasons: ['drift 0.5 > threshold 0.3', 'no trained model on record'],
      drift: 0.5,
      modelAgeDays: null,
    });
    expect(decideRetraining({ drift: drift(0), current: young, now, thresholds, force: true })).toMatchObject({ retrain: true, reasons: ['forced'] });
    expect(decideRetraining({ drift: drift(0.5), current: undefined, now, thresholds, force: true }).reasons).toEqual(['drift 0.5 > threshold 0.3', 'no trained model on record', 'forced']);
    expect(decideRetraining({ drift: drift(0), current: young, now, thresholds, force: false }).retrain).toBe(false);
  });
});

describe('currentModel', () => {
  it('takes the newest PROMOTED run as the model in service, whatever order the history comes in', () => {
    const history = [
      { strategy: 's', started_at: '2026-02-10T00:00:00Z', status: 'REJECTED' as const },
      promoted('2026-01-05T00:00:00Z'),
      promoted('2026-01-20T00:00:00Z'),
      { strategy: 's', started_at: '2026-02-12T00:00:00Z', status: 'TRAINING' as const },
      promoted('2026-01-10T00:00:00Z'),
    ];
    expect(currentModel(history)?.started_at).toBe('2026-01-20T00:00:00Z');
    expect(currentModel([...history].reverse())?.started_at).toBe('2026-01-20T00:00:00Z');
    expect(currentModel(history.filter((r) => r.status !== 'PROMOTED'))).toBeUndefined();
    expect(currentModel([])).toBeUndefined();
  });

  it('does not reorder the history it is given', () => {
    const history = [promoted('2026-01-05T00:00:00Z'), promoted('2026-01-20T00:00:00Z')];
    currentModel(history);
    expect(history.map((r) => r.started_at)).toEqual(['2026-01-05T00:00:00Z', '2026-01-20T00:00:00Z']);
  });
});
