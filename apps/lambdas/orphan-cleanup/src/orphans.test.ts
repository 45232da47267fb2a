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
  });

  it('ties tasks to workflows by the WORKFLOW_ID override, else startedBy; service tasks to none', () => {
    expect(taskWorkflowId(strategyTask('a', 'bt-9'))).toBe('bt-9');
    expect(taskWorkflowId({ taskArn: 'b', startedBy: 'bt-8' })).toBe('bt-8');
    expect(taskWorkflowId({ taskArn: 'c', startedBy: 'ecs-svc/123', overrides: { containerOverrides: [{}] } })).toBe('ecs-svc/123');
    expect(taskWorkflowId({ taskArn: 'd' })).toBeUndefined();
  });

  it('stops the recorded task and the workflow’s running tasks once each', () => {
    const running = [strategyTask('arn:task/1', 'bt-1'), strategyTask('arn:task/2', 'bt-1'), strategyTask('arn:task/3', 'bt-2'), { taskArn: 'arn:task/svc' }];
    expect(tasksToStop(item, running)).toEqual(['arn:task/1', 'arn:task/2']);
    expect(tasksToStop({ ...item, task_arn: undefined }, [])).toEqual([]);
  });

  it('explains the failure and keeps the ECS reason within 255 chars', () => {
    expect(orphanError(item, 180, ['arn:task/1'])).toBe('orphaned: RUNNING with no update for more than 180 min (last update 2026-01-01T00:00:00Z); stopped 1 task(s): arn:task/1');
    expect(orphanError(item, 180, [])).toMatch(/no running task found$/);
    expect(stopReason('x'.repeat(300), 180).length).toBe(255);
  });
});
