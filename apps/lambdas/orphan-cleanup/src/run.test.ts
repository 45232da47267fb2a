import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IllegalTransitionError, Table, WorkflowRepo, type WorkflowItem } from '@tradai/domain';
import { barrier, createTableInput, hookDocumentClient, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { captureLogs, setLambdaEnv } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanupOrphans, CleanupError, type CleanupDeps } from './run.js';

const ecs = mockClient(ECSClient);
let db: Dynalite;
/** The current test's own workflow_state table: no test sees another's workflows. */
let tableName: string;
let workflows: WorkflowRepo;
const now = new Date('2026-01-02T00:00:00Z');
const TIMEOUT_MIN = 180;
/** now - 180 min: records last updated before this instant are orphans. */
const CUTOFF = Date.parse('2026-01-01T21:00:00Z');

const repoOn = (doc: DynamoDBDocumentClient) => new WorkflowRepo(new Table<WorkflowItem>(doc, 'workflow_state', tableName));

async function runningSince(id: string, at: string, taskArn?: string, repo = workflows): Promise<void> {
  await repo.createQueued({ workflow_id: id, workflow_type: 'backtest', task_arn: taskArn }, new Date(at));
  await repo.transition(id, 'RUNNING', {}, new Date(at));
}

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());
beforeEach(async () => {
  tableName = `tradai-workflow-state-${randomUUID()}`;
  await db.client.send(new CreateTableCommand(createTableInput('workflow_state', tableName)));
  workflows = repoOn(db.doc);
  ecs.reset();
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(DescribeTasksCommand).resolves({ tasks: [] });
  ecs.on(StopTaskCommand).resolves({});
});

function deps(over: Partial<CleanupDeps> = {}): CleanupDeps {
  const client = new ECSClient({ region: 'us-east-1' });
  return {
    workflows,
    listRunningTasks: async () => {
      const arns = (await client.send(new ListTasksCommand({ cluster: 'c', desiredStatus: 'RUNNING' }))).taskArns ?? [];
      return arns.length ? ((await client.send(new DescribeTasksCommand({ cluster: 'c', tasks: arns }))).tasks ?? []) : [];
    },
    stopTask: async (task, reason) => {
      await client.send(new StopTaskCommand({ cluster: 'c', task, reason }));
    },
    timeoutMinutes: TIMEOUT_MIN,
    now: () => now,
    ...over,
  };
}

describe('cleanupOrphans', () => {
  it('stops the tasks of workflows stuck RUNNING past the timeout and marks them FAILED; leaves recent ones', async () => {
    await runningSince('bt-stuck', '2026-01-01T12:00:00Z', 'arn:task/recorded');
    await runningSince('bt-recent', '2026-01-01T23:00:00Z');
    ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:task/listed', 'arn:task/service'] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: 'arn:task/listed', overrides: { containerOverrides: [{ name: 'strategy', environment: [{ name: 'WORKFLOW_ID', value: 'bt-stuck' }] }] } },
        { taskArn: 'arn:task/service', startedBy: 'ecs-svc/1' },
      ],
    });
    const report = await cleanupOrphans(deps());
    expect(report).toEqual({ checked: 1, cleaned: [{ workflowId: 'bt-stuck', stoppedTasks: ['arn:task/recorded', 'arn:task/listed'] }], skipped: [], failed: [] });
    expect(ecs).toHaveReceivedCommandTimes(StopTaskCommand, 2);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: 'arn:task/listed', reason: 'tradai orphan-cleanup: workflow bt-stuck exceeded WORKFLOW_TIMEOUT_MINUTES=180' });
    expect(await workflows.get('bt-stuck')).toMatchObject({
      status: 'FAILED',
      updated_at: now.toISOString(),
      error: 'orphaned: RUNNING with no update for more than 180 min (last update 2026-01-01T12:00:00.000Z); stopped 2 task(s): arn:task/recorded, arn:task/listed',
    });
    expect(await workflows.get('bt-recent')).toMatchObject({ status: 'RUNNING' });
  });

  // "No update for more than the timeout": a record updated exactly at now - timeout is not yet
  // an orphan; one millisecond earlier it is.
  it('cleans exactly the records older than now - WORKFLOW_TIMEOUT_MINUTES (boundary at 1 ms)', async () => {
    await runningSince('bt-before', new Date(CUTOFF - 1).toISOString());
    await runningSince('bt-at', new Date(CUTOFF).toISOString());
    await runningSince('bt-after', new Date(CUTOFF + 1).toISOString());
    const report = await cleanupOrphans(deps());
    expect(report).toEqual({ checked: 1, cleaned: [{ workflowId: 'bt-before', stoppedTasks: [] }], skipped: [], failed: [] });
    expect((await workflows.get('bt-before'))!.error).toMatch(/; no running task found$/);
    expect(await workflows.get('bt-at')).toMatchObject({ status: 'RUNNING' });
    expect(await workflows.get('bt-after')).toMatchObject({ status: 'RUNNING' });
  });

  it('takes the timeout it is given: 181 min spares what 180 min cleans', async () => {
    await runningSince('bt-edge', new Date(CUTOFF - 30_000).toISOString());
    expect((await cleanupOrphans(deps({ timeoutMinutes: 181 }))).checked).toBe(0);
    expect((await cleanupOrphans(deps({ timeoutMinutes: 180 }))).cleaned.map((c) => c.workflowId)).toEqual(['bt-edge']);
  });

  it('looks only at RUNNING records: queued and finished ones are never orphans', async () => {
    await workflows.createQueued({ workflow_id: 'bt-queued', workflow_type: 'backtest' }, new Date('2026-01-01T00:00:00Z'));
    await runningSince('bt-done', '2026-01-01T00:00:00Z');
    await workflows.transition('bt-done', 'SUCCEEDED', {}, new Date('2026-01-01T00:30:00Z'));
    expect(await cleanupOrphans(deps())).toEqual({ checked: 0, cleaned: [], skipped: [], failed: [] });
    expect(await workflows.get('bt-queued')).toMatchObject({ status: 'QUEUED' });
  });

  it('does nothing on a second run (duplicate invocation), without even listing tasks', async () => {
    await runningSince('bt-once', '2026-01-01T12:00:00Z', 'arn:task/once');
    expect((await cleanupOrphans(deps())).cleaned).toHaveLength(1);
    ecs.resetHistory();
    const report = await cleanupOrphans(deps());
    expect(report).toEqual({ checked: 0, cleaned: [], skipped: [], failed: [] });
    expect(ecs).toHaveReceivedCommandTimes(StopTaskCommand, 0);
    expect(ecs).toHaveReceivedCommandTimes(ListTasksCommand, 0);
  });

  it('marks nothing FAILED when ECS cannot list tasks', async () => {
    await runningSince('bt-nolist', '2026-01-01T00:00:00Z');
    ecs.on(ListTasksCommand).rejects(Object.assign(new Error('AccessDenied'), { name: 'AccessDeniedException' }));
    await expect(cleanupOrphans(deps())).rejects.toThrow('AccessDenied');
    expect(await workflows.get('bt-nolist')).toMatchObject({ status: 'RUNNING' });
  });

  it('treats an already-gone task as stopped', async () => {
    await runningSince('bt-gone', '2026-01-01T00:00:00Z', 'arn:task/gone');
    ecs.on(StopTaskCommand).rejects(Object.assign(new Error('The referenced task was not found.'), { name: 'InvalidParameterException' }));
    expect((await cleanupOrphans(deps())).cleaned).toEqual([{ workflowId: 'bt-gone', stoppedTasks: ['arn:task/gone'] }]);
    expect(await workflows.get('bt-gone')).toMatchObject({ status: 'FAILED' });
  });

  it('leaves a workflow RUNNING when ECS fails, still cleans the others, and reports every failure', async () => {
    await runningSince('bt-ecs-down', '2026-01-01T00:00:00Z', 'arn:task/down');
    await runningSince('bt-ok', '2026-01-01T00:01:00Z');
    await runningSince('bt-ecs-down-2', '2026-01-01T00:02:00Z', 'arn:task/down-2');
    ecs.on(StopTaskCommand, { task: 'arn:task/down' }).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServerException' }));
    ecs.on(StopTaskCommand, { task: 'arn:task/down-2' }).rejects(Object.assign(new Error('Throttled'), { name: 'ThrottlingException' }));
    const err = await cleanupOrphans(deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CleanupError);
    expect((err as CleanupError).name).toBe('CleanupError');
    expect((err as CleanupError).message).toBe('orphan-cleanup failed for bt-ecs-down (Service unavailable); bt-ecs-down-2 (Throttled)');
    expect((err as CleanupError).report).toEqual({
      checked: 3,
      cleaned: [{ workflowId: 'bt-ok', stoppedTasks: [] }],
      skipped: [],
      failed: [
        { workflowId: 'bt-ecs-down', error: 'Service unavailable' },
        { workflowId: 'bt-ecs-down-2', error: 'Throttled' },
      ],
    });
    expect(await workflows.get('bt-ecs-down')).toMatchObject({ status: 'RUNNING' });
  });

  it('skips, without rewriting its error, a workflow that failed on its own while the tasks were being listed', async () => {
    await runningSince('bt-failed', '2026-01-01T00:00:00Z');
    const d = deps({
      listRunningTasks: async () => {
        await workflows.transition('bt-failed', 'FAILED', { error: 'backtest crashed' });
        return [];
      },
    });
    expect(await cleanupOrphans(d)).toEqual({ checked: 1, cleaned: [], skipped: ['bt-failed'], failed: [] });
    expect(await workflows.get('bt-failed')).toMatchObject({ status: 'FAILED', error: 'backtest crashed' });
  });

  it('skips a workflow that finished while the tasks were being listed', async () => {
    await runningSince('bt-race', '2026-01-01T00:00:00Z');
    const d = deps({
      listRunningTasks: async () => {
        await workflows.transition('bt-race', 'SUCCEEDED');
        return [];
      },
    });
    const report = await cleanupOrphans(d);
    expect(report).toEqual({ checked: 1, cleaned: [], skipped: ['bt-race'], failed: [] });
    expect(await workflows.get('bt-race')).toMatchObject({ status: 'SUCCEEDED' });
  });
});

/**
 * The conditional status write, raced: the cleanup and the workflow's own MarkSucceeded both READ
 * the record as RUNNING before either WRITES. Each side gets its own client on the same table; the
 * first Get of each waits at a shared barrier, and the chosen loser's Update waits until the
 * winner's has landed. Without the `status = RUNNING` condition the loser would overwrite.
 */
describe('cleanup racing the workflow finishing on its own', () => {
  function racing(winner: 'cleanup' | 'workflow') {
    const readBoth = barrier(2);
    let winnerWrote!: () => void;
    const landed = new Promise<void>((resolve) => (winnerWrote = resolve));
    const side = (name: 'cleanup' | 'workflow') => {
      let firstGet = true;
      return repoOn(
        hookDocumentClient(db.doc, async (command, send) => {
          if (command instanceof GetCommand && firstGet) {
            firstGet = false;
            const res = await send();
            await readBoth.arrive();
            return res;
          }
          if (command instanceof UpdateCommand) {
            if (name !== winner) await landed;
            try {
              return await send();
            } finally {
              if (name === winner) winnerWrote();
            }
          }
          return send();
        }),
      );
    };
    return { cleanup: side('cleanup'), workflow: side('workflow') };
  }

  it('the workflow succeeds first: the cleanup skips it and leaves SUCCEEDED untouched', async () => {
    await runningSince('bt-finishing', '2026-01-01T00:00:00Z', 'arn:task/f');
    const r = racing('workflow');
    const [report, finished] = await Promise.all([cleanupOrphans(deps({ workflows: r.cleanup })), r.workflow.transition('bt-finishing', 'SUCCEEDED', {}, now)]);
    expect(finished.changed).toBe(true);
    expect(report).toEqual({ checked: 1, cleaned: [], skipped: ['bt-finishing'], failed: [] });
    const item = await workflows.get('bt-finishing');
    expect(item).toMatchObject({ status: 'SUCCEEDED' });
    expect(item!.error).toBeUndefined();
  });

  it('the cleanup marks it FAILED first: the late success is refused as an illegal transition', async () => {
    await runningSince('bt-late', '2026-01-01T00:00:00Z');
    const r = racing('cleanup');
    const [report, late] = await Promise.all([cleanupOrphans(deps({ workflows: r.cleanup })), r.workflow.transition('bt-late', 'SUCCEEDED', {}, now).catch((e: unknown) => e)]);
    expect(report.cleaned).toEqual([{ workflowId: 'bt-late', stoppedTasks: [] }]);
    expect(late).toBeInstanceOf(IllegalTransitionError);
    expect(await workflows.get('bt-late')).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^orphaned: /) });
  });
});

describe('handler', () => {
  it('parses the schedule event, reads WORKFLOW_TIMEOUT_MINUTES and the cluster, pages through ECS and logs the report', async () => {
    const names = await db.createTables(['workflow_state']);
    const restore = setLambdaEnv('orphan-cleanup', {
      ...db.tableEnv(),
      ECS_CLUSTER_ARN: 'arn:aws:ecs:us-east-1:0:cluster/c',
      WORKFLOW_TIMEOUT_MINUTES: '60',
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    try {
      const { handler } = await import('./handler.js');
      const repo = new WorkflowRepo(new Table<WorkflowItem>(db.doc, 'workflow_state', names.workflow_state));
      await expect(handler('run now')).rejects.toThrow(/^invalid orphan-cleanup event: \(root\): /);

      // 60 min: 61 min without an update is an orphan, 59 min is not.
      const id = `bt-h-${randomUUID()}`;
      await runningSince(id, new Date(Date.now() - 61 * 60_000).toISOString(), undefined, repo);
      await runningSince(`${id}-young`, new Date(Date.now() - 59 * 60_000).toISOString(), undefined, repo);
      // Two pages of ListTasks, 101 tasks: DescribeTasks takes at most 100 per call.
      const arns = Array.from({ length: 101 }, (_, i) => `arn:task/${i}`);
      ecs.on(ListTasksCommand).resolves({ taskArns: arns.slice(0, 60), nextToken: 'page-2' });
      ecs.on(ListTasksCommand, { nextToken: 'page-2' }).resolves({ taskArns: arns.slice(60) });
      ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
        tasks: input.tasks.map((taskArn) => ({ taskArn, startedBy: taskArn === 'arn:task/100' ? id : 'ecs-svc/1' })),
      }));
      let report: Awaited<ReturnType<typeof handler>> | undefined;
      const logs = await captureLogs(async () => {
        report = await handler(undefined);
      });
      expect(report!.cleaned).toEqual([{ workflowId: id, stoppedTasks: ['arn:task/100'] }]);
      expect(await repo.get(`${id}-young`)).toMatchObject({ status: 'RUNNING' });
      expect(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input)).toEqual([
        { cluster: 'arn:aws:ecs:us-east-1:0:cluster/c', desiredStatus: 'RUNNING', nextToken: undefined },
        { cluster: 'arn:aws:ecs:us-east-1:0:cluster/c', desiredStatus: 'RUNNING', nextToken: 'page-2' },
      ]);
      expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input)).toEqual([
        { cluster: 'arn:aws:ecs:us-east-1:0:cluster/c', tasks: arns.slice(0, 100) },
        { cluster: 'arn:aws:ecs:us-east-1:0:cluster/c', tasks: arns.slice(100) },
      ]);
      expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { cluster: 'arn:aws:ecs:us-east-1:0:cluster/c', task: 'arn:task/100', reason: `tradai orphan-cleanup: workflow ${id} exceeded WORKFLOW_TIMEOUT_MINUTES=60` });
      expect(logs).toEqual([expect.objectContaining({ level: 'INFO', service: 'orphan-cleanup', message: 'orphan cleanup done', checked: 1, cleaned: report!.cleaned })]);

      // Exactly 100 tasks: one DescribeTasks call. A failed stop: the report is logged as an error and thrown.
      ecs.resetHistory();
      const stuck = `bt-h-${randomUUID()}`;
      await runningSince(stuck, new Date(Date.now() - 61 * 60_000).toISOString(), 'arn:task/stuck', repo);
      ecs.on(ListTasksCommand).resolves({ taskArns: arns.slice(0, 100) });
      ecs.on(StopTaskCommand, { task: 'arn:task/stuck' }).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServerException' }));
      let thrown: unknown;
      const errorLogs = await captureLogs(async () => {
        thrown = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }).catch((e: unknown) => e);
      });
      expect(thrown).toBeInstanceOf(CleanupError);
      expect(ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 1);
      expect(errorLogs).toEqual([expect.objectContaining({ level: 'ERROR', message: 'orphan cleanup incomplete', failed: [{ workflowId: stuck, error: 'Service unavailable' }] })]);

      // A ListTasks answer without taskArns (an idle cluster) is no tasks: nothing to describe.
      ecs.reset();
      ecs.on(ListTasksCommand).resolves({});
      ecs.on(StopTaskCommand).resolves({});
      await captureLogs(() => handler(undefined));
      expect(ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 0);
    } finally {
      restore();
    }
  });
});
