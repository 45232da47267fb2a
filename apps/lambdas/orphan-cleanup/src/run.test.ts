import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { tableFromEnv, WorkflowRepo } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { setLambdaEnv } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanupOrphans, CleanupError, type CleanupDeps } from './run.js';

const ecs = mockClient(ECSClient);
let db: Dynalite;
let workflows: WorkflowRepo;
const now = new Date('2026-01-02T00:00:00Z');

async function runningSince(id: string, at: string, taskArn?: string): Promise<void> {
  await workflows.createQueued({ workflow_id: id, workflow_type: 'backtest', task_arn: taskArn }, new Date(at));
  await workflows.transition(id, 'RUNNING', {}, new Date(at));
}

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['workflow_state']);
  workflows = new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv()));
});
afterAll(() => db.stop());
beforeEach(() => {
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
    timeoutMinutes: 180,
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
    expect(report.cleaned).toEqual([{ workflowId: 'bt-stuck', stoppedTasks: ['arn:task/recorded', 'arn:task/listed'] }]);
    expect(ecs).toHaveReceivedCommandTimes(StopTaskCommand, 2);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: 'arn:task/listed', reason: 'tradai orphan-cleanup: workflow bt-stuck exceeded WORKFLOW_TIMEOUT_MINUTES=180' });
    expect(await workflows.get('bt-stuck')).toMatchObject({ status: 'FAILED', error: expect.stringContaining('orphaned: RUNNING with no update for more than 180 min') });
    expect(await workflows.get('bt-recent')).toMatchObject({ status: 'RUNNING' });
  });

  it('does nothing on a second run (duplicate invocation), without even listing tasks', async () => {
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
    await workflows.transition('bt-nolist', 'CANCELLED');
  });

  it('treats an already-gone task as stopped', async () => {
    await runningSince('bt-gone', '2026-01-01T00:00:00Z', 'arn:task/gone');
    ecs.on(StopTaskCommand).rejects(Object.assign(new Error('The referenced task was not found.'), { name: 'InvalidParameterException' }));
    expect((await cleanupOrphans(deps())).cleaned.map((c) => c.workflowId)).toEqual(['bt-gone']);
  });

  it('leaves a workflow RUNNING when ECS fails, still cleans the others, and reports the failure', async () => {
    await runningSince('bt-ecs-down', '2026-01-01T00:00:00Z', 'arn:task/down');
    await runningSince('bt-ok', '2026-01-01T00:01:00Z');
    ecs.on(StopTaskCommand, { task: 'arn:task/down' }).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServerException' }));
    const err = await cleanupOrphans(deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CleanupError);
    expect((err as CleanupError).message).toBe('orphan-cleanup failed for bt-ecs-down (Service unavailable)');
    expect((err as CleanupError).report.cleaned.map((c) => c.workflowId)).toEqual(['bt-ok']);
    expect(await workflows.get('bt-ecs-down')).toMatchObject({ status: 'RUNNING' });
  });

  it('skips a workflow that finished while being cleaned', async () => {
    await runningSince('bt-race', '2026-01-01T00:00:00Z');
    await workflows.table.update({ workflow_id: 'bt-ecs-down' }, { status: 'CANCELLED' });
    const d = deps({
      listRunningTasks: async () => {
        await workflows.transition('bt-race', 'SUCCEEDED');
        return [];
      },
    });
    const report = await cleanupOrphans(d);
    expect(report.skipped).toEqual(['bt-race']);
    expect(await workflows.get('bt-race')).toMatchObject({ status: 'SUCCEEDED' });
  });
});

describe('handler', () => {
  it('parses the schedule event, reads WORKFLOW_TIMEOUT_MINUTES and rejects a non-object event', async () => {
    const restore = setLambdaEnv('orphan-cleanup', { ...db.tableEnv(), ECS_CLUSTER_ARN: 'arn:aws:ecs:us-east-1:0:cluster/c', WORKFLOW_TIMEOUT_MINUTES: '60', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler('run now')).rejects.toThrow(/^invalid orphan-cleanup event: \(root\): /);
      await runningSince('bt-h', new Date(Date.now() - 61 * 60_000).toISOString());
      const report = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
      expect(report.cleaned.map((c) => c.workflowId)).toContain('bt-h');
      expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, { cluster: 'arn:aws:ecs:us-east-1:0:cluster/c', desiredStatus: 'RUNNING' });
    } finally {
      restore();
    }
  });
});
