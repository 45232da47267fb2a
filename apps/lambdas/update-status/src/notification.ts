import type { WorkflowStatus } from '@tradai/contracts';
import type { AlertNotification, UpdateStatusInput, WorkflowItem } from '@tradai/domain';

/** Formats a task error as Step Functions delivers it (`{Error, Cause}`) or a plain message. */
export function errorText(error: UpdateStatusInput['error']): string | undefined {
  if (error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const parts = [error.Error, error.Cause].filter((p): p is string => Boolean(p));
  return parts.length ? parts.join(': ') : undefined;
}

// Keyed by every status, so a new status fails typecheck here instead of silently alerting as info.
const SEVERITY: Readonly<Record<WorkflowStatus, AlertNotification['severity']>> = {
  QUEUED: 'info',
  RUNNING: 'info',
  SUCCEEDED: 'info',
  CANCELLED: 'warning',
  FAILED: 'critical',
};

/**
 * The alert published for a status change. The dedup key is per workflow and status, so a
 * redelivered publish folds into the same notification record instead of alerting twice.
 */
export function statusNotification(item: WorkflowItem, previous: string, now: Date): AlertNotification {
  const what = `${item.workflow_type} ${item.workflow_id}${item.strategy ? ` (${item.strategy})` : ''}`;
  const subject = `[${item.status}] ${what}`.slice(0, 100);
  return {
    type: `workflow.${item.status.toLowerCase()}`,
    severity: SEVERITY[item.status],
    source: 'update-status',
    subject,
    message: `${what}: ${previous} -> ${item.status}${item.error ? `; error: ${item.error}` : ''}`,
    occurredAt: now.toISOString(),
    dedupKey: `workflow:${item.workflow_id}:${item.status}`,
    details: {
      workflowId: item.workflow_id,
      workflowType: item.workflow_type,
      strategy: item.strategy,
      previousStatus: previous,
      status: item.status,
      error: item.error,
      metrics: item.metrics,
    },
  };
}
