import type { WorkflowItem } from '@tradai/domain';

/** Records last updated before this instant are orphan candidates. */
export function staleBefore(now: Date, timeoutMinutes: number): Date {
  return new Date(now.getTime() - timeoutMinutes * 60_000);
}

/** The parts of an ECS task (DescribeTasks) that tie it to a workflow. */
export interface EcsTaskView {
  readonly taskArn?: string;
  readonly startedBy?: string;
  readonly overrides?: { readonly containerOverrides?: readonly { readonly environment?: readonly { name?: string; value?: string }[] }[] };
}

/**
 * The workflow a running task belongs to: the WORKFLOW_ID container override the workflows set on
 * the strategy task, else `startedBy` (a caller may start it with StartedBy = workflow id).
 * Service tasks have neither and belong to no workflow.
 */
export function taskWorkflowId(task: EcsTaskView): string | undefined {
  for (const o of task.overrides?.containerOverrides ?? []) {
    const v = o.environment?.find((e) => e.name === 'WORKFLOW_ID')?.value;
    if (v) return v;
  }
  return task.startedBy || undefined;
}

/** Tasks to stop for a workflow: the recorded task ARN plus running tasks that belong to it, de-duplicated. */
export function tasksToStop(item: WorkflowItem, running: readonly EcsTaskView[]): string[] {
  const mine = running.filter((t) => t.taskArn && taskWorkflowId(t) === item.workflow_id).map((t) => t.taskArn!);
  return [...new Set([...(item.task_arn ? [item.task_arn] : []), ...mine])];
}

/** The error recorded on a workflow marked FAILED by the cleanup. */
export function orphanError(item: WorkflowItem, timeoutMinutes: number, stopped: readonly string[]): string {
  const tasks = stopped.length ? `; stopped ${stopped.length} task(s): ${stopped.join(', ')}` : '; no running task found';
  return `orphaned: RUNNING with no update for more than ${timeoutMinutes} min (last update ${item.updated_at})${tasks}`;
}

/** ECS `reason` field is limited to 255 characters. */
export function stopReason(workflowId: string, timeoutMinutes: number): string {
  return `tradai orphan-cleanup: workflow ${workflowId} exceeded WORKFLOW_TIMEOUT_MINUTES=${timeoutMinutes}`.slice(0, 255);
}
