import { WORKFLOW_STATUSES, type WorkflowStatus } from '@tradai/contracts';
import { IllegalTransitionError } from './errors.js';

/**
 * Legal workflow status transitions. QUEUED may also fail or be cancelled before it starts
 * (validation failed, user cancelled); terminal states have no way out, so a late or duplicate
 * event can never resurrect a finished workflow.
 */
export const TRANSITIONS: Readonly<Record<WorkflowStatus, readonly WorkflowStatus[]>> = {
  QUEUED: ['RUNNING', 'CANCELLED', 'FAILED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

/** Whether `status` is one of WORKFLOW_STATUSES. */
export function isWorkflowStatus(status: string): status is WorkflowStatus {
  return (WORKFLOW_STATUSES as readonly string[]).includes(status);
}

/** True for SUCCEEDED, FAILED, CANCELLED. */
export function isTerminal(status: WorkflowStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Whether `from -> to` is allowed. */
export function canTransition(from: WorkflowStatus, to: WorkflowStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws {@link IllegalTransitionError} naming both states unless `from -> to` is allowed. */
export function assertTransition(from: string, to: string): asserts to is WorkflowStatus {
  if (!isWorkflowStatus(from)) throw new IllegalTransitionError(from, to, `unknown current status "${from}"`);
  if (!isWorkflowStatus(to)) throw new IllegalTransitionError(from, to, `unknown target status "${to}"`);
  if (!canTransition(from, to)) {
    const allowed = TRANSITIONS[from];
    throw new IllegalTransitionError(from, to, allowed.length ? `allowed from ${from}: ${allowed.join(', ')}` : `${from} is terminal`);
  }
}
