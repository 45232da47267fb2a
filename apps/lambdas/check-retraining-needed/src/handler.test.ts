import { tableFromEnv } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { captureLogs, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: Dynalite;
let restore: () => void;
beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['drift_state', 'retraining_state']);
  restore = setLambdaEnv('check-retraining-needed', { ...db.tableEnv(), DRIFT_THRESHOLD: '0.2', MAX_MODEL_AGE_DAYS: '7', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, POWERTOOLS_LOG_LEVEL: 'INFO' });
});
afterAll(async () => {
  restore();
  await db.stop();
});

describe('check-retraining-needed handler', () => {
  it('applies the env thresholds and names a malformed input field', async () => {
    const { handler } = await import('./handler.js');
    await expect(handler({ strategy: 'momo', startedAt: 'yesterday' })).rejects.toThrow(/^invalid check-retraining-needed input: startedAt: /);
    const drift = tableFromEnv(db.doc, 'drift_state', db.tableEnv());
    await drift.put({ strategy: 'momo', measured_at: new Date().toISOString(), drift: 0.25 });
    let out: Awaited<ReturnType<typeof handler>> | undefined;
    const logs = await captureLogs(async () => {
      out = await handler({ strategy: 'momo', startedAt: '2026-03-01T00:00:00Z' });
    });
    expect(out!.reasons).toContain('drift 0.25 > threshold 0.2');
    // The decision and its reasons are what an operator reads in the function's logs.
    expect(logs).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'retraining decision', service: 'check-retraining-needed', strategy: 'momo', startedAt: out!.startedAt, retrain: true, reasons: out!.reasons, drift: 0.25 }));
  });
});
