import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { IllegalTransitionError, NotFoundError, publishAlert, tableFromEnv, ValidationError, WorkflowRepo } from '@tradai/domain';
import { startDynalite, startFauxqs, type Dynalite, type Fauxqs } from '@tradai/domain/testing';
import { setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateStatus, type UpdateStatusDeps } from './run.js';

let db: Dynalite;
let fx: Fauxqs;
let workflows: WorkflowRepo;
let topicArn: string;
let queueUrl: string;

beforeAll(async () => {
  [db, fx] = await Promise.all([startDynalite(), startFauxqs()]);
  await db.createTables(['workflow_state']);
  workflows = new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv()));
  topicArn = fx.server.createTopic('alerts').topicArn;
  queueUrl = fx.server.createQueue('alerts-inbox').queueUrl;
  fx.server.subscribe({ topic: 'alerts', queue: 'alerts-inbox' });
});
afterAll(async () => {
  await Promise.all([db.stop(), fx.stop()]);
});

const deps = (arn = topicArn): UpdateStatusDeps => ({ workflows, publish: (a) => publishAlert(fx.sns, arn, a) });

/** Alerts that reached the topic's subscriber queue since the last call. */
async function published(): Promise<{ type: string; dedupKey: string }[]> {
  const res = await fx.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of res.Messages ?? []) await fx.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
  return (res.Messages ?? []).map((m) => JSON.parse(JSON.parse(m.Body!).Message));
}

describe('updateStatus', () => {
  it('moves QUEUED -> RUNNING -> SUCCEEDED and publishes once per status', async () => {
    await workflows.createQueued({ workflow_id: 'bt-ok', workflow_type: 'backtest', strategy: 'momo' });
    expect(await updateStatus(deps(), { workflowId: 'bt-ok', status: 'RUNNING' })).toEqual({
      workflowId: 'bt-ok', previousStatus: 'QUEUED', status: 'RUNNING', changed: true, notified: true,
    });
    await updateStatus(deps(), { workflowId: 'bt-ok', status: 'SUCCEEDED' });
    expect((await workflows.get('bt-ok'))).toMatchObject({ status: 'SUCCEEDED', notified_status: 'SUCCEEDED' });
    expect((await published()).map((a) => a.type)).toEqual(['workflow.running', 'workflow.succeeded']);
  });

  it('treats a duplicate delivery as a no-op without a second notification', async () => {
    await workflows.createQueued({ workflow_id: 'bt-dup', workflow_type: 'backtest' });
    await updateStatus(deps(), { workflowId: 'bt-dup', status: 'RUNNING' });
    const again = await updateStatus(deps(), { workflowId: 'bt-dup', status: 'RUNNING' });
    expect(again).toMatchObject({ changed: false, notified: false, status: 'RUNNING' });
    expect(await published()).toHaveLength(1);
  });

  it('refuses an illegal transition naming both states and writes nothing', async () => {
    await workflows.createQueued({ workflow_id: 'bt-bad', workflow_type: 'backtest' });
    await expect(updateStatus(deps(), { workflowId: 'bt-bad', status: 'SUCCEEDED' })).rejects.toThrow(
      new IllegalTransitionError('QUEUED', 'SUCCEEDED', 'allowed from QUEUED: RUNNING, CANCELLED, FAILED'),
    );
    expect(await workflows.get('bt-bad')).toMatchObject({ status: 'QUEUED' });
    expect(await published()).toEqual([]);
  });

  it('records the Catch error on FAILED', async () => {
    await workflows.createQueued({ workflow_id: 'bt-fail', workflow_type: 'backtest' });
    await updateStatus(deps(), { workflowId: 'bt-fail', status: 'FAILED', error: { Error: 'States.TaskFailed', Cause: 'strategy crashed' } });
    expect(await workflows.get('bt-fail')).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed: strategy crashed' });
    const [alert] = await published();
    expect(alert).toMatchObject({ type: 'workflow.failed', dedupKey: 'workflow:bt-fail:FAILED' });
  });

  it('needs workflowType to create a missing record; with it, creates from an implicit QUEUED', async () => {
    await expect(updateStatus(deps(), { workflowId: 'rt-1', status: 'RUNNING' })).rejects.toThrow(NotFoundError);
    expect(await workflows.get('rt-1')).toBeUndefined();
    const out = await updateStatus(deps(), { workflowId: 'rt-1', status: 'RUNNING', workflowType: 'retraining', strategy: 'momo' });
    expect(out).toMatchObject({ previousStatus: 'QUEUED', changed: true });
    expect(await workflows.get('rt-1')).toMatchObject({ workflow_type: 'retraining', status: 'RUNNING', strategy: 'momo' });
    await expect(updateStatus(deps(), { workflowId: 'rt-2', status: 'SUCCEEDED', workflowType: 'retraining' })).rejects.toThrow(IllegalTransitionError);
    await published();
  });

  it('keeps the transition when SNS fails and publishes on the retry', async () => {
    await workflows.createQueued({ workflow_id: 'bt-sns', workflow_type: 'backtest' });
    const broken = deps(`${topicArn}-missing`);
    await expect(updateStatus(broken, { workflowId: 'bt-sns', status: 'RUNNING' })).rejects.toThrow();
    const stored = await workflows.get('bt-sns');
    expect(stored?.status).toBe('RUNNING');
    expect(stored?.notified_status).toBeUndefined();
    expect(await published()).toEqual([]);
    const retry = await updateStatus(deps(), { workflowId: 'bt-sns', status: 'RUNNING' });
    expect(retry).toMatchObject({ changed: false, notified: true });
    expect((await published()).map((a) => a.dedupKey)).toEqual(['workflow:bt-sns:RUNNING']);
  });
});

describe('handler', () => {
  it('validates the input naming the field, then runs against the configured table and topic', async () => {
    const restore = setLambdaEnv('update-status', {
      ...db.tableEnv(),
      ALERTS_TOPIC_ARN: topicArn,
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_ENDPOINT_URL_SNS: fx.endpoint,
    });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({ workflowId: 'bt-h', status: 'DONE' })).rejects.toThrow(ValidationError);
      await expect(handler({ status: 'RUNNING' })).rejects.toThrow(/^invalid update-status input: workflowId: /);
      await workflows.createQueued({ workflow_id: 'bt-h', workflow_type: 'backtest' });
      expect(await handler({ workflowId: 'bt-h', status: 'RUNNING' })).toMatchObject({ status: 'RUNNING', notified: true });
      expect(await published()).toHaveLength(1);
    } finally {
      restore();
    }
  });
});
