import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { fakeContext, sqsEvent, sqsRecord } from './testing/index.js';
import { createLogger, idempotencyPersistence, idempotent, sqsBatchHandler } from './powertools.js';

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['idempotency']);
});
afterAll(() => db.stop());

const logger = createLogger('test', { POWERTOOLS_LOG_LEVEL: 'SILENT' });

describe('idempotent', () => {
  it('runs once per key and replays the stored result; a failure leaves no record', async () => {
    let calls = 0;
    let fail = true;
    const persistence = idempotencyPersistence(db.client, db.tableEnv());
    const { run, config } = idempotent(async (a: { requestId: string }) => {
      calls++;
      if (a.requestId === 'flaky' && fail) throw new Error('downstream down');
      return { n: calls };
    }, persistence, { key: 'requestId' });
    config.registerLambdaContext(fakeContext());
    expect(await run({ requestId: 'a' })).toEqual({ n: 1 });
    expect(await run({ requestId: 'a' })).toEqual({ n: 1 });
    expect(calls).toBe(1);
    await expect(run({ requestId: 'flaky' })).rejects.toThrow('downstream down');
    fail = false;
    expect(await run({ requestId: 'flaky' })).toEqual({ n: 3 });
  });

  it('names the table variable when it is missing', () => {
    expect(() => idempotencyPersistence(db.client, {})).toThrow('IDEMPOTENCY_TABLE');
  });
});

describe('sqsBatchHandler', () => {
  it('reports only the failed records', async () => {
    const handler = sqsBatchHandler(async (r) => {
      if (r.body === 'bad') throw new Error('bad record');
    }, logger);
    const res = await handler(sqsEvent(sqsRecord('ok', 'm1'), sqsRecord('bad', 'm2'), sqsRecord('ok', 'm3')), fakeContext());
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    const all = await handler(sqsEvent(sqsRecord('bad', 'm4')), fakeContext());
    expect(all.batchItemFailures).toEqual([{ itemIdentifier: 'm4' }]);
  });
});
