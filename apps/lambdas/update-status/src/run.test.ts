import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { IllegalTransitionError, NotFoundError, publishAlert, tableFromEnv, ValidationError, WorkflowRepo } from '@tradai/domain';
import { barrier, hookDocumentClient, startDynalite, startFauxqs, type Dynalite, type Fauxqs } from '@tradai/domain/testing';
import { captureLogs, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimNotification, updateStatus, type UpdateStatusDeps } from './run.js';

let db: Dynalite;
let fx: Fauxqs;
let workflows: WorkflowRepo;

beforeAll(async () => {
  [db, fx] = await Promise.all([startDynalite(), startFauxqs()]);
  await db.createTables(['workflow_state']);
  workflows = new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv()));
});
afterAll(async () => {
  await Promise.all([db.stop(), fx.stop()]);
});

let inboxes = 0;
/**
 * A fresh alerts topic with its own subscriber queue, so each test sees only its own alerts and
 * can run alone or in any order.
 */
function inbox(): { topicArn: string; published(): Promise<{ type: string; dedupKey: string }[]> } {
  const n = ++inboxes;
  const topicArn = fx.server.createTopic(`alerts-${n}`).topicArn;
  const queueUrl = fx.server.createQueue(`alerts-inbox-${n}`).queueUrl;
  fx.server.subscribe({ topic: `alerts-${n}`, queue: `alerts-inbox-${n}` });
  return {
    topicArn,
    /** Alerts that reached the queue since the last call. */
    async published() {
      const res = await fx.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      for (const m of res.Messages ?? []) await fx.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      return (res.Messages ?? []).map((m) => JSON.parse(JSON.parse(m.Body!).Message));
    },
  };
}

const deps = (topicArn: string, repo = workflows): UpdateStatusDeps => ({ workflows: repo, publish: (a) => publishAlert(fx.sns, topicArn, a) });

/**
 * A WorkflowRepo for one concurrent writer whose DynamoDB calls pass through `hook` first, with the
 * writer's running count of each command kind (1 = its first Get / Put / Update).
 */
function writerRepo(hook: (kind: 'get' | 'put' | 'update', n: number) => Promise<void> | void): WorkflowRepo {
  const counts = { get: 0, put: 0, update: 0 };
  const doc = hookDocumentClient(db.doc, async (command, send) => {
    const kind = command instanceof GetCommand ? 'get' : command instanceof PutCommand ? 'put' : command instanceof UpdateCommand ? 'update' : undefined;
    if (kind) await hook(kind, ++counts[kind]);
    return send();
  });
  return new WorkflowRepo(tableFromEnv(doc, 'workflow_state', db.tableEnv()));
}

describe('updateStatus', () => {
  it('moves QUEUED -> RUNNING -> SUCCEEDED and publishes once per status', async () => {
    const box = inbox();
    await workflows.createQueued({ workflow_id: 'bt-ok', workflow_type: 'backtest', strategy: 'momo' });
    expect(await updateStatus(deps(box.topicArn), { workflowId: 'bt-ok', status: 'RUNNING' })).toEqual({
      workflowId: 'bt-ok', previousStatus: 'QUEUED', status: 'RUNNING', changed: true, notified: true,
    });
    await updateStatus(deps(box.topicArn), { workflowId: 'bt-ok', status: 'SUCCEEDED' });
    expect(await workflows.get('bt-ok')).toMatchObject({ status: 'SUCCEEDED', notified_status: 'SUCCEEDED' });
    expect((await box.published()).map((a) => a.type)).toEqual(['workflow.running', 'workflow.succeeded']);
  });

  it('treats a duplicate delivery as a no-op without a second notification', async () => {
    const box = inbox();
    await workflows.createQueued({ workflow_id: 'bt-dup', workflow_type: 'backtest' });
    await updateStatus(deps(box.topicArn), { workflowId: 'bt-dup', status: 'RUNNING' });
    const again = await updateStatus(deps(box.topicArn), { workflowId: 'bt-dup', status: 'RUNNING' });
    expect(again).toEqual({ workflowId: 'bt-dup', previousStatus: 'RUNNING', status: 'RUNNING', changed: false, notified: false });
    expect(await box.published()).toHaveLength(1);
  });

  it('refuses an illegal transition naming both states and writes nothing', async () => {
    const box = inbox();
    await workflows.createQueued({ workflow_id: 'bt-bad', workflow_type: 'backtest' });
    await expect(updateStatus(deps(box.topicArn), { workflowId: 'bt-bad', status: 'SUCCEEDED' })).rejects.toThrow(
      new IllegalTransitionError('QUEUED', 'SUCCEEDED', 'allowed from QUEUED: RUNNING, CANCELLED, FAILED'),
    );
    expect(await workflows.get('bt-bad')).toMatchObject({ status: 'QUEUED' });
    expect(await box.published()).toEqual([]);
  });

  it('records the Catch error on FAILED', async () => {
    const box = inbox();
    await workflows.createQueued({ workflow_id: 'bt-fail', workflow_type: 'backtest' });
    await updateStatus(deps(box.topicArn), { workflowId: 'bt-fail', status: 'FAILED', error: { Error: 'States.TaskFailed', Cause: 'strategy crashed' } });
    expect(await workflows.get('bt-fail')).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed: strategy crashed' });
    expect(await box.published()).toEqual([expect.objectContaining({ type: 'workflow.failed', dedupKey: 'workflow:bt-fail:FAILED' })]);
  });

  it('needs workflowType to create a missing record; with it, creates from an implicit QUEUED', async () => {
    const box = inbox();
    await expect(updateStatus(deps(box.topicArn), { workflowId: 'rt-1', status: 'RUNNING' })).rejects.toThrow(
      new NotFoundError('workflow rt-1 not found in workflow_state (pass workflowType to create it)'),
    );
    expect(await workflows.get('rt-1')).toBeUndefined();
    const out = await updateStatus(deps(box.topicArn), { workflowId: 'rt-1', status: 'RUNNING', workflowType: 'retraining', strategy: 'momo' });
    expect(out).toEqual({ workflowId: 'rt-1', previousStatus: 'QUEUED', status: 'RUNNING', changed: true, notified: true });
    expect(await workflows.get('rt-1')).toMatchObject({ workflow_type: 'retraining', status: 'RUNNING', strategy: 'momo' });
    await expect(updateStatus(deps(box.topicArn), { workflowId: 'rt-2', status: 'SUCCEEDED', workflowType: 'retraining' })).rejects.toThrow(IllegalTransitionError);
    expect(await workflows.get('rt-2')).toBeUndefined();
    expect((await box.published()).map((a) => a.type)).toEqual(['workflow.running']);
  });

  it('keeps the transition when SNS fails and publishes on the retry', async () => {
    const box = inbox();
    await workflows.createQueued({ workflow_id: 'bt-sns', workflow_type: 'backtest' });
    await expect(updateStatus(deps(`${box.topicArn}-missing`), { workflowId: 'bt-sns', status: 'RUNNING' })).rejects.toThrow();
    const stored = await workflows.get('bt-sns');
    expect(stored?.status).toBe('RUNNING');
    expect(stored?.notified_status).toBeUndefined();
    expect(await box.published()).toEqual([]);
    const retry = await updateStatus(deps(box.topicArn), { workflowId: 'bt-sns', status: 'RUNNING' });
    expect(retry).toMatchObject({ changed: false, notified: true });
    expect((await box.published()).map((a) => a.dedupKey)).toEqual(['workflow:bt-sns:RUNNING']);
  });
});

describe('concurrent deliveries (both read before either writes)', () => {
  it('two different targets from RUNNING: exactly one wins, the other is refused, one notification', async () => {
    const box = inbox();
    await workflows.createQueued({ workflow_id: 'bt-race-a', workflow_type: 'backtest' });
    await workflows.transition('bt-race-a', 'RUNNING');
    await workflows.markNotified('bt-race-a', 'RUNNING');
    // Each writer's 2nd Get is the transition's read: both see RUNNING before either writes.
    const gate = barrier(2);
    const repo = () => writerRepo(async (kind, n) => void (kind === 'get' && n === 2 && (await gate.arrive())));
    const results = await Promise.allSettled([
      updateStatus(deps(box.topicArn, repo()), { workflowId: 'bt-race-a', status: 'SUCCEEDED' }),
      updateStatus(deps(box.topicArn, repo()), { workflowId: 'bt-race-a', status: 'FAILED', error: 'timeout' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(IllegalTransitionError);
    const winner = (won[0] as PromiseFulfilledResult<{ status: string }>).value;
    expect(winner).toMatchObject({ previousStatus: 'RUNNING', changed: true, notified: true });
    expect(await workflows.get('bt-race-a')).toMatchObject({ status: winner.status, notified_status: winner.status });
    expect((await box.published()).map((a) => a.type)).toEqual([`workflow.${winner.status.toLowerCase()}`]);
  });

  it('two deliveries of the same status: one changes it, the other is a no-op, exactly one notification', async () => {
    const box = inbox();
    await workflows.createQueued({ workflow_id: 'bt-race-b', workflow_type: 'backtest' });
    // 2nd Get: both read QUEUED in the transition. 2nd Update (the notification claim): both have
    // read the record after the transition, neither notified yet, before either claims.
    const [reads, claims] = [barrier(2), barrier(2)];
    const repo = () =>
      writerRepo(async (kind, n) => {
        if (kind === 'get' && n === 2) await reads.arrive();
        if (kind === 'update' && n === 2) await claims.arrive();
      });
    const results = await Promise.all([
      updateStatus(deps(box.topicArn, repo()), { workflowId: 'bt-race-b', status: 'RUNNING' }),
      updateStatus(deps(box.topicArn, repo()), { workflowId: 'bt-race-b', status: 'RUNNING' }),
    ]);
    expect(results.map((r) => r.changed).sort()).toEqual([false, true]);
    expect(results.map((r) => r.notified).sort()).toEqual([false, true]);
    expect(results.every((r) => r.status === 'RUNNING' && r.previousStatus !== undefined)).toBe(true);
    expect(await workflows.get('bt-race-b')).toMatchObject({ status: 'RUNNING', notified_status: 'RUNNING' });
    expect((await box.published()).map((a) => a.type)).toEqual(['workflow.running']);
  });

  it('two first events of a retraining run: the creation loser moves the winner\'s record on, with its error', async () => {
    const box = inbox();
    const gate = barrier(2);
    const a = writerRepo(async (kind, n) => void (kind === 'get' && n === 1 && (await gate.arrive())));
    // Both find no record; the FAILED writer's create waits until the RUNNING writer has finished, so it loses.
    const b = writerRepo(async (kind, n) => {
      if (kind === 'get' && n === 1) await gate.arrive();
      if (kind === 'put') await aDone.catch(() => undefined);
    });
    const aDone = updateStatus(deps(box.topicArn, a), { workflowId: 'rt-race', status: 'RUNNING', workflowType: 'retraining' });
    const bDone = updateStatus(deps(box.topicArn, b), { workflowId: 'rt-race', status: 'FAILED', workflowType: 'retraining', error: { Error: 'States.TaskFailed', Cause: 'x' } });
    expect(await aDone).toEqual({ workflowId: 'rt-race', previousStatus: 'QUEUED', status: 'RUNNING', changed: true, notified: true });
    expect(await bDone).toEqual({ workflowId: 'rt-race', previousStatus: 'RUNNING', status: 'FAILED', changed: true, notified: true });
    expect(await workflows.get('rt-race')).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed: x', notified_status: 'FAILED' });
    expect((await box.published()).map((a) => a.type)).toEqual(['workflow.running', 'workflow.failed']);
  });
});

describe('claimNotification', () => {
  it('with the same (stale) read, exactly one of two claims wins, and the winner moves updated_at forward', async () => {
    await workflows.createQueued({ workflow_id: 'bt-claim', workflow_type: 'backtest' }, new Date('2026-01-01T00:00:00.000Z'));
    const read = (await workflows.get('bt-claim'))!;
    const now = new Date('2026-01-01T00:00:00.000Z'); // same millisecond as the record: still strictly later
    const claims = await Promise.all([claimNotification(workflows, read, 'QUEUED', now), claimNotification(workflows, read, 'QUEUED', now)]);
    expect(claims.sort()).toEqual([false, true]);
    expect((await workflows.get('bt-claim'))?.updated_at).toBe('2026-01-01T00:00:00.001Z');
    expect(await claimNotification(workflows, read, 'QUEUED', now)).toBe(false);
  });

  it('uses the current time when it is later, and refuses a record that is not in the status', async () => {
    await workflows.createQueued({ workflow_id: 'bt-claim-2', workflow_type: 'backtest' }, new Date('2026-01-01T00:00:00.000Z'));
    const read = (await workflows.get('bt-claim-2'))!;
    expect(await claimNotification(workflows, read, 'RUNNING', new Date('2026-01-01T00:00:05.000Z'))).toBe(false);
    expect(await claimNotification(workflows, read, 'QUEUED', new Date('2026-01-01T00:00:05.000Z'))).toBe(true);
    expect((await workflows.get('bt-claim-2'))?.updated_at).toBe('2026-01-01T00:00:05.000Z');
  });
});

describe('handler', () => {
  it('validates the input naming the field, then runs against the configured table and topic and logs the outcome', async () => {
    const box = inbox();
    const restore = setLambdaEnv('update-status', {
      ...db.tableEnv(),
      ALERTS_TOPIC_ARN: box.topicArn,
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_ENDPOINT_URL_SNS: fx.endpoint,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({ workflowId: 'bt-h', status: 'DONE' })).rejects.toThrow(ValidationError);
      await expect(handler({ status: 'RUNNING' })).rejects.toThrow(/^invalid update-status input: workflowId: /);
      await workflows.createQueued({ workflow_id: 'bt-h', workflow_type: 'backtest' });
      let out: unknown;
      const logs = await captureLogs(async () => {
        out = await handler({ workflowId: 'bt-h', status: 'RUNNING' });
      });
      expect(out).toMatchObject({ status: 'RUNNING', notified: true });
      expect(logs).toEqual([
        expect.objectContaining({ level: 'INFO', service: 'update-status', message: 'status updated', workflowId: 'bt-h', previousStatus: 'QUEUED', status: 'RUNNING', notified: true }),
      ]);
      expect(await box.published()).toHaveLength(1);
    } finally {
      restore();
    }
  });
});
