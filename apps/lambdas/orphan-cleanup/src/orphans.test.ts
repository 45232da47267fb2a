import { describe, expect, it } from 'vitest';
import { orphanError, staleBefore, stopReason, tasksToStop, taskWorkflowId } from './orphans.js';

const item = { workflow_id: 'bt-1', workflow_type: 'backtest' as const, status: 'RUNNING' as const, created_at: 'c', updated_at: '2026-01-01T00:00:00Z', task_arn: 'arn:task/1' };
const strategyTask = (arn: string, workflowId: string) => ({
  taskArn: arn,
  overrides: { containerOverrides: [{ environment: [{ name: 'MODE', value: 'backtest' }, { name: 'WORKFLOW_ID', value: workflowId }] }] },
});

describe('orphan helpers', () => {
  it('computes the cut-off from WORKFLOW_TIMEOUT_MINUTES', () => {
    expect(staleBefore(new Date('2026-01-01T03:00:00Z'), 180).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(staleBefore(new Date('2026-01-01T03:00:00.250Z'), 1).toISOString()).toBe('2026-01-01T02:59:00.250Z');
  });

  it('ties tasks to workflows by the WORKFLOW_ID override, else startedBy; service tasks to none', () => {
    expect(taskWorkflowId(strategyTask('a', 'bt-9'))).toBe('bt-9');
    expect(taskWorkflowId({ taskArn: 'b', startedBy: 'bt-8' })).toBe('bt-8');
    expect(taskWorkflowId({ taskArn: 'c', startedBy: 'ecs-svc/123', overrides: { containerOverrides: [{}] } })).toBe('ecs-svc/123');
    expect(taskWorkflowId({ taskArn: 'd' })).toBeUndefined();
    // An empty override or startedBy names nothing; a later container's override still counts.
    expect(taskWorkflowId({ taskArn: 'e', startedBy: '', overrides: { containerOverrides: [{ environment: [{ name: 'WORKFLOW_ID', value: '' }] }] } })).toBeUndefined();
    expect(taskWorkflowId({ taskArn: 'f', startedBy: 'bt-7', overrides: { containerOverrides: [{ environment: [{ name: 'MODE', value: 'backtest' }] }, { environment: [{ name: 'WORKFLOW_ID', value: 'bt-6' }] }] } })).toBe('bt-6');
  });

  it('stops the recorded task and the workflow’s running tasks once each', () => {
    const running = [strategyTask('arn:task/1', 'bt-1'), strategyTask('arn:task/2', 'bt-1'), strategyTask('arn:task/3', 'bt-2'), { taskArn: 'arn:task/svc' }];
    expect(tasksToStop(item, running)).toEqual(['arn:task/1', 'arn:task/2']);
    expect(tasksToStop({ ...item, task_arn: undefined }, [])).toEqual([]);
    // A listed task without an ARN cannot be stopped; the recorded ARN listed again is stopped once.
    expect(tasksToStop({ ...item, task_arn: undefined }, [{ overrides: strategyTask('', 'bt-1').overrides }, strategyTask('arn:task/5', 'bt-1')])).toEqual(['arn:task/5']);
  });

  it('explains the failure in the error it records and the reason it gives ECS', () => {
    expect(orphanError(item, 180, ['arn:task/1'])).toBe('orphaned: RUNNING with no update for more than 180 min (last update 2026-01-01T00:00:00Z); stopped 1 task(s): arn:task/1');
    expect(orphanError(item, 180, [])).toMatch(/no running task found$/);
    expect(stopReason('bt-1', 180)).toBe('tradai orphan-cleanup: workflow bt-1 exceeded WORKFLOW_TIMEOUT_MINUTES=180');
  });

  // The reason is 70 characters plus the workflow id (timeout 180): ids of 184, 185 and 186
  // characters give 254, 255 (kept whole) and 256 (cut to 255).
  it.each([
    { idLength: 184, reasonLength: 254 },
    { idLength: 185, reasonLength: 255 },
    { idLength: 186, reasonLength: 255 },
  ])('keeps the ECS stop reason within 255 characters (workflow id of $idLength -> $reasonLength)', ({ idLength, reasonLength }) => {
    const id = 'x'.repeat(idLength);
    const reason = stopReason(id, 180);
    expect(reason).toHaveLength(reasonLength);
    expect(reason).toBe(`tradai orphan-cleanup: workflow ${id} exceeded WORKFLOW_TIMEOUT_MINUTES=180`.slice(0, 255));
  });
});
