import type { WorkflowStatus } from '@tradai/contracts';
import { NotFoundError, type AlertNotification, type UpdateStatusInput, type UpdateStatusOutput, type WorkflowItem, type WorkflowRepo } from '@tradai/domain';
import { errorText, statusNotification } from './notification.js';

export interface UpdateStatusDeps {
  readonly workflows: WorkflowRepo;
  /** Publishes on the alerts topic. */
  readonly publish: (alert: AlertNotification) => Promise<unknown>;
  readonly now?: () => Date;
}

/**
 * Moves a workflow to `input.status` through the status machine (conditional write on the current
 * status) and publishes one notification per status reached. The publish is recorded in
 * `notified_status` after it succeeds, so a retry after a failed publish publishes again, and a
 * duplicate delivery after a successful one publishes nothing; of two concurrent deliveries only the
 * one that wins {@link claimNotification} publishes.
 */
export async function updateStatus(deps: UpdateStatusDeps, input: UpdateStatusInput): Promise<UpdateStatusOutput> {
  const now = deps.now?.() ?? new Date();
  const error = errorText(input.error);
  const existing = await deps.workflows.get(input.workflowId);
  let previous: string;
  let changed: boolean;
  if (!existing) {
    if (!input.workflowType) {
      throw new NotFoundError(`workflow ${input.workflowId} not found in workflow_state (pass workflowType to create it)`);
    }
    // Retraining executions have no QUEUED record: their first status creates it (from an implicit QUEUED).
    const created = await deps.workflows.createImplicit(
      { workflow_id: input.workflowId, workflow_type: input.workflowType, status: input.status, strategy: input.strategy, error },
      now,
    );
    if (created) {
      previous = 'QUEUED';
      changed = true;
    } else {
      // Lost a creation race: fall through to a normal transition against the winner's record.
      const r = await deps.workflows.transition(input.workflowId, input.status, { error }, now);
      previous = r.previous;
      changed = r.changed;
    }
  } else {
    const r = await deps.workflows.transition(input.workflowId, input.status, { error }, now);
    previous = r.previous;
    changed = r.changed;
  }
  const item = (await deps.workflows.get(input.workflowId))!;
  let notified = false;
  if (item.notified_status !== input.status && (await claimNotification(deps.workflows, item, input.status, now))) {
    await deps.publish(statusNotification(item, previous, now));
    await deps.workflows.markNotified(input.workflowId, input.status);
    notified = true;
  }
  return { workflowId: input.workflowId, previousStatus: previous, status: item.status, changed, notified };
}

/**
 * Optimistic lock before publishing: moves `updated_at` forward on condition that the record is still
 * in `status` with the `updated_at` this invocation read. Of two concurrent deliveries of the same
 * status (both read the record after the transition, neither notified yet) exactly one claim
 * succeeds, so one alert is published; a record that moved on to another status is not notified
 * for `status`. A retry after a failed publish reads the new `updated_at` and claims again.
 */
export async function claimNotification(workflows: WorkflowRepo, item: WorkflowItem, status: WorkflowStatus, now: Date): Promise<boolean> {
  // Strictly later than the value read, even within the same millisecond, so the claim always changes it.
  const at = new Date(Math.max(now.getTime(), Date.parse(item.updated_at) + 1)).toISOString();
  const claimed = await workflows.table.update({ workflow_id: item.workflow_id }, { updated_at: at }, { status, updated_at: item.updated_at });
  return claimed !== undefined;
}
