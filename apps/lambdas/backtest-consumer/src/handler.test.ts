import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { captureLogs, fakeContext, setLambdaEnv, sqsEvent, sqsRecord } from '@tradai/lambda-core/testing';
import { tableFromEnv, WorkflowRepo } from '@tradai/domain';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const sfn = mockClient(SFNClient);
let db: Dynalite;
let restore: () => void;
let handler: typeof import('./handler.js').handler;
let workflows: WorkflowRepo;

const body = (requestId: string, extra: Record<string, unknown> = {}) => ({
  requestId,
  strategy: 'momo',
  symbols: ['BTC/USDT'],
  timeframe: '1h',
  startDate: '2026-01-01T00:00:00Z',
  endDate: '2026-02-01T00:00:00Z',
  ...extra,
});

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['workflow_state', 'idempotency']);
  restore = setLambdaEnv('backtest-consumer', {
    ...db.tableEnv(),
    BACKTEST_WORKFLOW_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:tradai-backtest-test',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  ({ handler } = await import('./handler.js'));
  workflows = new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv()));
});
afterAll(async () => {
  restore();
  await db.stop();
});
beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: `arn:exec:${input.name}` }));
});

/** Runs the handler with its (INFO-level) logs captured instead of printed. */
async function quiet<T>(run: Promise<T>): Promise<T> {
  let out!: T;
  await captureLogs(async () => {
    out = await run;
  });
  return out;
}

describe('backtest-consumer handler', () => {
  it('queues a valid request and fails only the malformed records, writing nothing for them and logging why', async () => {
    let res!: Awaited<ReturnType<typeof handler>>;
    const logs = await captureLogs(async () => {
      res = await handler(
        sqsEvent(
          sqsRecord(body('ok-1'), 'm-ok'),
          sqsRecord('{not json', 'm-json'),
          sqsRecord(body('bad-1', { strategy: undefined }), 'm-missing'),
          sqsRecord(body('bad-2', { timeframe: '2h' }), 'm-timeframe'),
        ),
        fakeContext(),
      );
    });
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-json', 'm-missing', 'm-timeframe']);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'bt-ok-1' });
    expect(await workflows.get('bt-ok-1')).toMatchObject({ status: 'QUEUED', execution_arn: 'arn:exec:bt-ok-1' });
    expect(await workflows.get('bt-bad-1')).toBeUndefined();
    expect(await workflows.get('bt-bad-2')).toBeUndefined();
    // Operators find the bad message by its id, and the error names the field.
    const failed = logs.filter((l) => l.message === 'record failed').map((l) => (l.error as { message: string }).message);
    expect(failed.find((m) => m.includes('timeframe'))).toMatch(/^invalid backtest request m-timeframe: timeframe: /);
  });

  it('starts a duplicate delivery only once, even re-submitted with other parameters (idempotency on the request id)', async () => {
    const first = await quiet(handler(sqsEvent(sqsRecord(body('dup-1'), 'm-a')), fakeContext()));
    const second = await quiet(handler(sqsEvent(sqsRecord(body('dup-1', { parameters: { lookback: 3 } }), 'm-b')), fakeContext()));
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('uses the SQS message id when the body has no requestId', async () => {
    const { requestId: _r, ...noId } = body('x');
    await quiet(handler(sqsEvent(sqsRecord(noId, 'msg-77')), fakeContext()));
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'bt-msg-77' });
  });

  it('fails only the record whose workflow start fails, and the retry then succeeds', async () => {
    sfn
      .on(StartExecutionCommand, { name: 'bt-down-1' })
      .rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }))
      .resolves({ executionArn: 'arn:exec:bt-down-1' });
    const res = await quiet(handler(sqsEvent(sqsRecord(body('down-1'), 'm-down'), sqsRecord(body('fine-1'), 'm-fine')), fakeContext()));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-down' }]);
    const retry = await quiet(handler(sqsEvent(sqsRecord(body('down-1'), 'm-down')), fakeContext()));
    expect(retry.batchItemFailures).toEqual([]);
    expect(await workflows.get('bt-down-1')).toMatchObject({ status: 'QUEUED', execution_arn: 'arn:exec:bt-down-1' });
  });

  it('logs each queued request with its message id and outcome', async () => {
    const logs = await captureLogs(() => handler(sqsEvent(sqsRecord(body('log-1'), 'm-log')), fakeContext()));
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'backtest-consumer',
        message: 'backtest queued',
        messageId: 'm-log',
        workflowId: 'bt-log-1',
        executionArn: 'arn:exec:bt-log-1',
        duplicateRecord: false,
        alreadyStarted: false,
      }),
    ]);
  });

  it('two deliveries of one request at once: one starts it, the other fails its record for a retry that replays', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let startedOne!: () => void;
    const inside = new Promise<void>((r) => (startedOne = r));
    sfn.on(StartExecutionCommand).callsFake(async (input: { name: string }) => {
      startedOne();
      await held; // the first delivery is still in progress while the second arrives
      return { executionArn: `arn:exec:${input.name}` };
    });
    const first = quiet(handler(sqsEvent(sqsRecord(body('conc-1'), 'm-first')), fakeContext()));
    await inside;
    const second = await quiet(handler(sqsEvent(sqsRecord(body('conc-1'), 'm-second')), fakeContext()));
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: 'm-second' }]);
    release();
    expect((await first).batchItemFailures).toEqual([]);
    // SQS redelivers the failed record: Powertools replays the stored outcome without starting again.
    expect((await quiet(handler(sqsEvent(sqsRecord(body('conc-1'), 'm-second')), fakeContext()))).batchItemFailures).toEqual([]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(await workflows.get('bt-conc-1')).toMatchObject({ status: 'QUEUED', execution_arn: 'arn:exec:bt-conc-1' });
  });

  it('accepts a request id of 64 characters (a 67-character execution name) and refuses 65', async () => {
    const [ok, long] = ['a'.repeat(63) + 'b', 'c'.repeat(65)];
    const res = await quiet(handler(sqsEvent(sqsRecord(body(ok), 'm-64'), sqsRecord(body(long), 'm-65')), fakeContext()));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-65' }]);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: `bt-${ok}` });
    expect(await workflows.get(`bt-${long}`)).toBeUndefined();
  });

  it('needs endDate strictly after startDate: equal is refused, one second later is queued', async () => {
    const res = await quiet(
      handler(
        sqsEvent(
          sqsRecord(body('same-time', { endDate: '2026-01-01T00:00:00Z' }), 'm-equal'),
          sqsRecord(body('one-second', { endDate: '2026-01-01T00:00:01Z' }), 'm-later'),
        ),
        fakeContext(),
      ),
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-equal' }]);
    expect(await workflows.get('bt-one-second')).toMatchObject({ status: 'QUEUED' });
    expect(await workflows.get('bt-same-time')).toBeUndefined();
  });

  it('takes 1 to 50 symbols: none and 51 are refused, 50 is queued', async () => {
    const symbols = (n: number) => Array.from({ length: n }, (_, i) => `C${String(i).padStart(2, '0')}/USDT`);
    const res = await quiet(
      handler(
        sqsEvent(
          sqsRecord(body('sym-0', { symbols: [] }), 'm-0'),
          sqsRecord(body('sym-50', { symbols: symbols(50) }), 'm-50'),
          sqsRecord(body('sym-51', { symbols: symbols(51) }), 'm-51'),
        ),
        fakeContext(),
      ),
    );
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-0', 'm-51']);
    expect((await workflows.get('bt-sym-50'))?.request).toMatchObject({ symbols: symbols(50) });
  });

  it('lets a redelivery take over a request whose first invocation timed out mid-work', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    sfn.on(StartExecutionCommand).callsFake(async (input: { name: string }) => {
      if (++calls === 1) await held; // the first invocation hangs until its Lambda would have timed out
      return { executionArn: `arn:exec:${input.name}` };
    });
    // 200 ms left: Powertools marks the in-progress record as expiring then, not after the 24 h key expiry.
    const first = quiet(handler(sqsEvent(sqsRecord(body('slow-1'), 'm-slow')), fakeContext('tradai-backtest-consumer-test', 200)));
    await vi.waitFor(() => expect(calls).toBe(1));
    await new Promise((r) => setTimeout(r, 400));
    const retry = await quiet(handler(sqsEvent(sqsRecord(body('slow-1'), 'm-slow')), fakeContext()));
    expect(retry.batchItemFailures).toEqual([]);
    expect(calls).toBe(2);
    release();
    await first;
  });
});
