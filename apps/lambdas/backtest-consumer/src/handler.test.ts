import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { fakeContext, setLambdaEnv, sqsEvent, sqsRecord } from '@tradai/lambda-core/testing';
import { tableFromEnv, WorkflowRepo } from '@tradai/domain';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

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

describe('backtest-consumer handler', () => {
  it('queues a valid request and fails only the malformed records, writing nothing for them', async () => {
    const res = await handler(
      sqsEvent(
        sqsRecord(body('ok-1'), 'm-ok'),
        sqsRecord('{not json', 'm-json'),
        sqsRecord(body('bad-1', { strategy: undefined }), 'm-missing'),
        sqsRecord(body('bad-2', { timeframe: '2h' }), 'm-timeframe'),
      ),
      fakeContext(),
    );
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-json', 'm-missing', 'm-timeframe']);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'bt-ok-1' });
    expect(await workflows.get('bt-ok-1')).toMatchObject({ status: 'QUEUED', execution_arn: 'arn:exec:bt-ok-1' });
    expect(await workflows.get('bt-bad-1')).toBeUndefined();
    expect(await workflows.get('bt-bad-2')).toBeUndefined();
  });

  it('starts a duplicate delivery only once (idempotency on the request id)', async () => {
    const first = await handler(sqsEvent(sqsRecord(body('dup-1'), 'm-a')), fakeContext());
    const second = await handler(sqsEvent(sqsRecord(body('dup-1'), 'm-b')), fakeContext());
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('uses the SQS message id when the body has no requestId', async () => {
    const { requestId: _r, ...noId } = body('x');
    await handler(sqsEvent(sqsRecord(noId, 'msg-77')), fakeContext());
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'bt-msg-77' });
  });

  it('fails only the record whose workflow start fails, and the retry then succeeds', async () => {
    sfn
      .on(StartExecutionCommand, { name: 'bt-down-1' })
      .rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }))
      .resolves({ executionArn: 'arn:exec:bt-down-1' });
    const res = await handler(sqsEvent(sqsRecord(body('down-1'), 'm-down'), sqsRecord(body('fine-1'), 'm-fine')), fakeContext());
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-down' }]);
    const retry = await handler(sqsEvent(sqsRecord(body('down-1'), 'm-down')), fakeContext());
    expect(retry.batchItemFailures).toEqual([]);
    expect(await workflows.get('bt-down-1')).toMatchObject({ status: 'QUEUED', execution_arn: 'arn:exec:bt-down-1' });
  });
});
