import { tableFromEnv, type DriftItem, type RetrainingItem, type Table } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRetraining, type CheckDeps } from './run.js';

let db: Dynalite;
let drift: Table<DriftItem>;
let retraining: Table<RetrainingItem>;
let deps: CheckDeps;
const now = new Date('2026-03-01T00:00:00Z');

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['drift_state', 'retraining_state']);
  drift = tableFromEnv(db.doc, 'drift_state', db.tableEnv());
  retraining = tableFromEnv(db.doc, 'retraining_state', db.tableEnv());
  deps = { drift, retraining, thresholds: { driftThreshold: 0.3, maxModelAgeDays: 30 }, now: () => now };
  await retraining.put({ strategy: 'momo', started_at: '2026-02-20T00:00:00Z', completed_at: '2026-02-20T06:00:00Z', status: 'PROMOTED' });
  await retraining.put({ strategy: 'momo', started_at: '2026-02-25T00:00:00Z', status: 'REJECTED' });
  await drift.put({ strategy: 'momo', measured_at: '2026-02-27T00:00:00Z', drift: 0.5 });
  await drift.put({ strategy: 'momo', measured_at: '2026-02-28T00:00:00Z', drift: 0.1 });
});
afterAll(() => db.stop());

describe('checkRetraining', () => {
  it('reads the latest drift and the model in service, and records SKIPPED', async () => {
    const out = await checkRetraining(deps, { strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', workflowId: 'rt-1', force: false });
    expect(out).toEqual({ strategy: 'momo', startedAt: '2026-03-01T00:00:00Z', retrain: false, reasons: ['drift 0.1 <= threshold 0.3', 'model age 8.75 d <= max 30 d'], drift: 0.1, modelAgeDays: 8.75 });
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'SKIPPED', workflow_id: 'rt-1' });
  });

  it('records TRAINING for a strategy with no model', async () => {
    const out = await checkRetraining(deps, { strategy: 'fresh', startedAt: '2026-03-01T00:00:00Z', force: false });
    expect(out).toMatchObject({ retrain: true, reasons: ['no trained model on record'] });
    expect(await retraining.get({ strategy: 'fresh', started_at: '2026-03-01T00:00:00Z' })).toMatchObject({ status: 'TRAINING' });
  });

  it('returns the first decision on duplicate delivery even if the data changed', async () => {
    const input = { strategy: 'momo', startedAt: '2026-03-01T01:00:00Z', force: false };
    const first = await checkRetraining(deps, input);
    await drift.put({ strategy: 'momo', measured_at: '2026-03-01T00:30:00Z', drift: 0.9 });
    expect(await checkRetraining(deps, input)).toEqual(first);
    expect(await retraining.query('momo', { after: '2026-03-01T00:59:00Z' })).toHaveLength(1);
  });

  it('surfaces a DynamoDB failure without writing', async () => {
    const broken = { ...deps, drift: { ...drift, latest: () => Promise.reject(new Error('ProvisionedThroughputExceeded')) } as unknown as Table<DriftItem> };
    await expect(checkRetraining(broken, { strategy: 'momo', startedAt: '2026-03-02T00:00:00Z', force: false })).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(await retraining.get({ strategy: 'momo', started_at: '2026-03-02T00:00:00Z' })).toBeUndefined();
  });
});

describe('handler', () => {
  it('reads thresholds from env naming a bad one, and validates input naming the field', async () => {
    const restore = setLambdaEnv('check-retraining-needed', { ...db.tableEnv(), DRIFT_THRESHOLD: '1.5', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
    try {
      await expect(import('./handler.js')).rejects.toThrow('DRIFT_THRESHOLD must be <= 1, got 1.5');
    } finally {
      restore();
    }
  });
});
