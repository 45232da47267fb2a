import { Table, type DriftItem, type RetrainingItem } from '@tradai/domain';
import { readBarrierClient, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkRetraining, type CheckDeps } from './run.js';

// Each test gets its own dynalite and tables, seeded the same way: no test sees another's writes.
let db: Dynalite;
let drift: Table<DriftItem>;
let retraining: Table<RetrainingItem>;
let deps: CheckDeps;
const now = new Date('2026-03-01T00:00:00Z');
const thresholds = { driftThreshold: 0.3, maxModelAgeDays: 30 };

beforeEach(async () => {
  db = await startDynalite();
  const names = await db.createTables(['drift_state', 'retraining_state']);
  drift = new Table(db.doc, 'drift_state', names.drift_state);
  retraining = new Table(db.doc, 'retraining_state', names.retraining_state);
  deps = { drift, retraining, thresholds, now: () => now };
  await retraining.put({ strategy: 'momo', started_at: '2026-02-20T00:00:00Z', completed_at: '2026-02-20T06:00:00Z', status: 'PROMOTED' });
  await retraining.put({ strategy: 'momo', started_at: '2026-02-25T00:00:00Z', status: 'REJECTED' });
  await drift.put({ strategy: 'momo', measured_at: '2026-02-27T00:00:00Z', drift: 0.5 });
  await drift.put({ strategy: 'momo', measured_at: '2026-02-28T00:00:00Z', drift: 0.1 });
});
afterEach(() => db.stop());

describe('checkRetraining', () => {
  it('reads the latest drift and the model in service, and records SKIPPED', async () => {
    const out = await checkRetraining(deps, { strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', workflowId: 'rt-1', force: false });
    expect(out).toEqual({ strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', retrain: false, reasons: ['drift 0.1 <= threshold 0.3', 'model age 8.75 d <= max 30 d'], drift: 0.1, modelAgeDays: 8.75 });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toEqual({
      strategy: 'momo',
      started_at: '2026-03-01T00:00:00Z',
      status: 'SKIPPED',
      workflow_id: 'rt-1',
      reasons: out.reasons,
      drift: 0.1,
      model_age_days: 8.75,
    });
  });

  it('records TRAINING for a strategy with no model', async () => {
    const out = await checkRetraining(deps, { strategy: 'fresh', startedAt: '2026-03-01T00:00:00Z', force: false });
    expect(out).toEqual({ strategy: 'fresh', startedAt: '2026-03-01T00:00:00Z', retrain: true, reasons: ['no trained model on record'], drift: null, modelAgeDays: null });
    expect(await retraining.get({ strategy: 'fresh', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'TRAINING', reasons: ['no trained model on record'] });
  });

  it('records the run at the current time when the workflow gives no start time', async () => {
    const out = await checkRetraining(deps, { strategy: 'momo', force: true });
    expect(out).toMatchObject({ startedAt: now.toISOString(), retrain: true, reasons: ['forced'] });
    expect(await retraining.get({ strategy: 'momo', started_at: now.toISOString() })).toMatchObject({ status: 'TRAINING' });
  });

  it('takes the model in service from the newest runs when the history is long', async () => {
    // 60 older promotions: only the newest HISTORY_LIMIT runs are read, so they must be the newest.
    for (let i = 0; i < 60; i++) await retraining.put({ strategy: 'momo', started_at: `2026-01-01T${String(i % 24).padStart(2, '0')}:${String(i).padStart(2, '0')}:00Z`, status: 'PROMOTED' });
    const out = await checkRetraining(deps, { strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', force: false });
    expect(out.modelAgeDays).toBe(8.75);
  });

  it('returns the first decision on duplicate delivery even if the data changed', async () => {
    const input = { strategy: 'momo', startedAt: '2026-03-01T01:00:00Z', force: false };
    const first = await checkRetraining(deps, input);
    await drift.put({ strategy: 'momo', measured_at: '2026-03-01T00:30:00Z', drift: 0.9 });
    expect(await checkRetraining(deps, input)).toEqual(first);
    expect(await retraining.query('momo', { after: '2026-03-01T00:59:00Z' })).toHaveLength(1);
  });

  it('two checks at once: both read before either writes, one decision is recorded and both return it', async () => {
    // A scheduled check and a forced one for the same run id: they would decide differently, so a
    // lost conditional put would show as two different answers (and the last write winning).
    const gated = readBarrierClient(db.doc);
    const racing: CheckDeps = { ...deps, retraining: new Table(gated.doc, 'retraining_state', retraining.tableName) };
    const input = { strategy: 'momo', startedAt: '2026-03-01T02:00:00Z', workflowId: 'rt-2' };
    const [a, b] = await Promise.all([checkRetraining(racing, { ...input, force: false }), checkRetraining(racing, { ...input, force: true })]);
    const stored = await retraining.get({ strategy: 'momo', started_at: input.startedAt });
    expect(gated.reads()).toBeGreaterThanOrEqual(2);
    expect(a).toEqual(b);
    expect(stored).toMatchObject({ status: a.retrain ? 'TRAINING' : 'SKIPPED', reasons: a.reasons });
    expect(await retraining.query('momo', { after: '2026-03-01T01:59:00Z' })).toHaveLength(1);
  });

  it('surfaces a DynamoDB failure without writing', async () => {
    const broken = { ...deps, drift: { ...drift, latest: () => Promise.reject(new Error('ProvisionedThroughputExceeded')) } as unknown as Table<DriftItem> };
    await expect(checkRetraining(broken, { strategy: 'momo', startedAt: '2026-03-02T00:00:00Z', force: false })).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-02T00:00:00Z' })).toBeUndefined();
  });
});

describe('handler settings', () => {
  // handler.ts reads its settings at module scope: every case imports a fresh module.
  beforeEach(() => vi.resetModules());
  const load = async (env: Record<string, string>) => {
    const restore = setLambdaEnv('check-retraining-needed', { ...db.tableEnv(), AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, ...env });
    try {
      return await import('./handler.js');
    } finally {
      restore();
    }
  };

  it.each<[Record<string, string>, string]>([
    [{ DRIFT_THRESHOLD: '1.01' }, 'DRIFT_THRESHOLD must be <= 1, got 1.01'],
    [{ DRIFT_THRESHOLD: '-0.01' }, 'DRIFT_THRESHOLD must be >= 0, got -0.01'],
    [{ MAX_MODEL_AGE_DAYS: '0' }, 'MAX_MODEL_AGE_DAYS must be >= 1, got 0'],
    [{ MAX_MODEL_AGE_DAYS: '1.5' }, 'MAX_MODEL_AGE_DAYS must be an integer, got "1.5"'],
  ])('refuses %o naming the setting', async (env, message) => {
    await expect(load(env)).rejects.toThrow(message);
  });

  it.each<Record<string, string>>([{ DRIFT_THRESHOLD: '0', MAX_MODEL_AGE_DAYS: '1' }, { DRIFT_THRESHOLD: '1' }])('accepts the bounds themselves: %o', async (env) => {
    await expect(load(env)).resolves.toHaveProperty('handler');
  });
});
