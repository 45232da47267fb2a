import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyKeyError } from '@aws-lambda-powertools/idempotency';
import { EnvError } from '@tradai/domain';
import { localTableName, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureLogs, fakeContext, sqsEvent, sqsRecord } from './testing/index.js';
import { createLogger, idempotencyPersistence, idempotent, sqsBatchHandler } from './powertools.js';

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['idempotency']);
});
afterAll(() => db.stop());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A key no other test (or run of this test) uses, so every test starts from an empty record. */
const fresh = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

/** Every idempotency record Powertools stored (ids are hashes; `data` is the stored result). */
async function storedRecords(): Promise<Record<string, { S?: string; N?: string }>[]> {
  const res = await db.client.send(new ScanCommand({ TableName: localTableName('idempotency') }));
  return (res.Items ?? []) as Record<string, { S?: string; N?: string }>[];
}

describe('createLogger', () => {
  it('logs JSON with the given service name, INFO level and the environment from the source', async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', '');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const logger = createLogger('svc-a', { TRADAI_ENVIRONMENT: 'staging' });
    const logs = await captureLogs(() => {
      logger.debug('hidden');
      logger.info('shown', { n: 1 });
    });
    // Only the source counts: process.env asks for DEBUG, the source says nothing, so the default INFO applies.
    expect(logs).toEqual([expect.objectContaining({ level: 'INFO', message: 'shown', service: 'svc-a', environment: 'staging', n: 1 })]);
  });

  it('takes service name and level from POWERTOOLS_* in the source and marks a missing environment "unknown"', async () => {
    const logger = createLogger('svc-b', { POWERTOOLS_SERVICE_NAME: 'renamed', POWERTOOLS_LOG_LEVEL: 'ERROR' });
    const logs = await captureLogs(() => {
      logger.warn('below the level');
      logger.error('kept');
    });
    expect(logs).toEqual([expect.objectContaining({ level: 'ERROR', message: 'kept', service: 'renamed', environment: 'unknown' })]);
  });
});

describe('idempotencyPersistence', () => {
  it('names the table variable when it is missing or empty', () => {
    for (const env of [{}, { IDEMPOTENCY_TABLE: '' }]) {
      expect(() => idempotencyPersistence(db.client, env)).toThrow(
        new EnvError('missing environment variable IDEMPOTENCY_TABLE (idempotency table)', ['IDEMPOTENCY_TABLE']),
      );
      try {
        idempotencyPersistence(db.client, env);
      } catch (err) {
        expect((err as EnvError).variables).toEqual(['IDEMPOTENCY_TABLE']);
      }
    }
  });
});

describe('idempotent', () => {
  const persistence = () => idempotencyPersistence(db.client, db.tableEnv());

  it('runs once per key and replays the stored result; a failure leaves no record', async () => {
    let calls = 0;
    let fail = true;
    const [a, flaky] = [fresh('a'), fresh('flaky')];
    const { run, config } = idempotent(async (arg: { requestId: string }) => {
      calls++;
      if (arg.requestId === flaky && fail) throw new Error('downstream down');
      return { n: calls };
    }, persistence(), { key: 'requestId' });
    config.registerLambdaContext(fakeContext());
    expect(await run({ requestId: a })).toEqual({ n: 1 });
    expect(await run({ requestId: a })).toEqual({ n: 1 });
    expect(calls).toBe(1);
    await expect(run({ requestId: flaky })).rejects.toThrow('downstream down');
    fail = false;
    expect(await run({ requestId: flaky })).toEqual({ n: 3 });
  });

  it('keys on the named field only: the same key with another payload replays the first result', async () => {
    const key = fresh('k');
    let calls = 0;
    const { run, config } = idempotent(async (arg: { requestId: string; body: string }) => ({ body: arg.body, call: ++calls }), persistence(), { key: 'requestId' });
    config.registerLambdaContext(fakeContext());
    expect(await run({ requestId: key, body: 'first' })).toEqual({ body: 'first', call: 1 });
    expect(await run({ requestId: key, body: 'second' })).toEqual({ body: 'first', call: 1 });
    expect(await run({ requestId: fresh('other'), body: 'second' })).toEqual({ body: 'second', call: 2 });
  });

  it('refuses a payload without the key instead of running it unprotected', async () => {
    let calls = 0;
    const { run, config } = idempotent(async (_: { requestId?: string }) => ++calls, persistence(), { key: 'requestId' });
    config.registerLambdaContext(fakeContext());
    await expect(run({})).rejects.toMatchObject({ cause: expect.any(IdempotencyKeyError) });
    expect(calls).toBe(0);
  });

  it('keeps a completed key for exactly 24 h by default, or the given seconds', async () => {
    for (const [expiresAfterSeconds, ttl] of [[undefined, 86_400], [90, 90]] as const) {
      const key = fresh('ttl');
      const { run, config } = idempotent(async (arg: { requestId: string }) => arg.requestId, persistence(), { key: 'requestId', expiresAfterSeconds });
      config.registerLambdaContext(fakeContext());
      const before = Date.now() / 1000;
      await run({ requestId: key });
      const after = Date.now() / 1000;
      const record = (await storedRecords()).find((r) => r.data?.S === key);
      expect(record, `record of ${key}`).toBeDefined();
      const expiration = Number(record!.expiration!.N);
      // Whole seconds (Powertools rounds): within the second the call started and the one it ended in.
      expect(expiration).toBeGreaterThanOrEqual(Math.floor(before) + ttl);
      expect(expiration).toBeLessThanOrEqual(Math.ceil(after) + ttl);
    }
  });

  it('lets exactly one of two concurrent invocations with the same key run; the other gets the in-progress conflict', async () => {
    const key = fresh('race');
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const { run, config } = idempotent(async (_: { requestId: string }) => {
      calls++;
      entered();
      await gate; // hold the first invocation in progress until the second has tried
      return { winner: calls };
    }, persistence(), { key: 'requestId' });
    config.registerLambdaContext(fakeContext());
    const first = run({ requestId: key });
    await inside;
    const second = run({ requestId: key });
    await expect(second).rejects.toThrow(IdempotencyAlreadyInProgressError);
    release();
    expect(await first).toEqual({ winner: 1 });
    expect(calls).toBe(1);
    // Once the winner completed, a redelivery gets its stored result.
    expect(await run({ requestId: key })).toEqual({ winner: 1 });
  });
});

describe('sqsBatchHandler', () => {
  it('reports only the failed records and logs each failure with its message id and error', async () => {
    const logger = createLogger('batch', { POWERTOOLS_LOG_LEVEL: 'INFO' });
    const handler = sqsBatchHandler(async (r) => {
      if (r.body === 'bad') throw new Error('bad record');
    }, logger);
    let res!: Awaited<ReturnType<typeof handler>>;
    const logs = await captureLogs(async () => {
      res = await handler(sqsEvent(sqsRecord('ok', 'm1'), sqsRecord('bad', 'm2'), sqsRecord('ok', 'm3')), fakeContext());
    });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'record failed', messageId: 'm2', error: expect.objectContaining({ message: 'bad record' }) }),
    ]);
  });

  it('returns a whole failed batch instead of throwing, so SQS retries exactly those records', async () => {
    const handler = sqsBatchHandler(async () => {
      throw new Error('bad record');
    }, createLogger('batch', { POWERTOOLS_LOG_LEVEL: 'SILENT' }));
    const all = await handler(sqsEvent(sqsRecord('bad', 'm4'), sqsRecord('bad', 'm5')), fakeContext());
    expect(all.batchItemFailures).toEqual([{ itemIdentifier: 'm4' }, { itemIdentifier: 'm5' }]);
  });
});
