import { IllegalTransitionError, isAwsError, type WorkflowRepo } from '@tradai/domain';
import { orphanError, staleBefore, stopReason, tasksToStop, type EcsTaskView } from './orphans.js';

export interface CleanupDeps {
  readonly workflows: WorkflowRepo;
  /** Every RUNNING task of the cluster (ListTasks + DescribeTasks), matched to workflows by taskWorkflowId. */
  readonly listRunningTasks: () => Promise<EcsTaskView[]>;
  readonly stopTask: (taskArn: string, reason: string) => Promise<void>;
  readonly timeoutMinutes: number;
  readonly now?: () => Date;
}

export interface CleanupReport {
  readonly checked: number;
  readonly cleaned: { workflowId: string; stoppedTasks: string[] }[];
  /** Finished on their own while we looked (a concurrent status change won). */
  readonly skipped: string[];
  readonly failed: { workflowId: string; error: string }[];
}

/** Thrown after every candidate was tried, when at least one could not be cleaned (the next run retries it). */
export class CleanupError extends Error {
  override readonly name = 'CleanupError';
  constructor(readonly report: CleanupReport) {
    super(`orphan-cleanup failed for ${report.failed.map((f) => `${f.workflowId} (${f.error})`).join('; ')}`);
  }
}

/**
 * Finds workflows RUNNING with no update for longer than the timeout, stops their ECS tasks and
 * marks them FAILED (conditional on still being RUNNING). A workflow whose tasks cannot be stopped
 * is left RUNNING so the next run retries; the others are still cleaned.
 */
export async function cleanupOrphans(deps: CleanupDeps): Promise<CleanupReport> {
  const now = deps.now?.() ?? new Date();
  const stale = await deps.workflows.listByStatusBefore('RUNNING', staleBefore(now, deps.timeoutMinutes));
  const report: CleanupReport = { checked: stale.length, cleaned: [], skipped: [], failed: [] };
  if (stale.length === 0) return report;
  // One listing per run; if ECS cannot be listed, nothing is marked FAILED (its task might still run).
  const running = await deps.listRunningTasks();
  for (const item of stale) {
    try {
      const tasks = tasksToStop(item, running);
      const reason = stopReason(item.workflow_id, deps.timeoutMinutes);
      for (const task of tasks) {
        try {
          await deps.stopTask(task, reason);
        } catch (err) {
          // A task that has already gone is what we wanted.
          if (!isAwsError(err, 'InvalidParameterException')) throw err;
        }
      }
      const result = await deps.workflows.transition(item.workflow_id, 'FAILED', { error: orphanError(item, deps.timeoutMinutes, tasks) }, now);
      if (result.changed) report.cleaned.push({ workflowId: item.workflow_id, stoppedTasks: tasks });
      else report.skipped.push(item.workflow_id);
    } catch (err) {
      if (err instanceof IllegalTransitionError) report.skipped.push(item.workflow_id);
      else report.failed.push({ workflowId: item.workflow_id, error: (err as Error).message });
    }
  }
  if (report.failed.length) throw new CleanupError(report);
  return report;
}
