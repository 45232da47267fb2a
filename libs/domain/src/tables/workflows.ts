import type { WorkflowStatus } from '@tradai/contracts';
import { ConflictError, NotFoundError } from '../errors.js';
import { assertTransition } from '../status.js';
import type { BacktestMetrics, WorkflowItem } from './items.js';
import { Table } from './table.js';

/** What {@link WorkflowRepo.transition} did. */
export interface TransitionResult {
  readonly previous: WorkflowStatus;
  readonly item: WorkflowItem;
  /** False when the record already had the target status (duplicate delivery): nothing written. */
  readonly changed: boolean;
}

/** Extra attributes written together with a status change. */
export type TransitionFields = Partial<Pick<WorkflowItem, 'error' | 'task_arn' | 'execution_arn' | 'result_key' | 'metrics'>>;

/** workflow_state: records moved through the status machine with conditional writes only. */
export class WorkflowRepo {
  constructor(readonly table: Table<WorkflowItem>) {}

  get(workflowId: string): Promise<WorkflowItem | undefined> {
    return this.table.get({ workflow_id: workflowId });
  }

  /**
   * Creates the QUEUED record; returns false if a record with this id already exists (a
   * duplicate request), leaving it untouched.
   */
  createQueued(item: Omit<WorkflowItem, 'status' | 'created_at' | 'updated_at'>, now: Date = new Date()): Promise<boolean> {
    const at = now.toISOString();
    return this.table.putIfAbsent({ ...item, status: 'QUEUED', created_at: at, updated_at: at });
  }

  /**
   * Moves `workflowId` to `to`. Reads the current status, checks the transition table, then
   * writes with a condition on that status, so two concurrent writers cannot both move from the
   * same state (the loser re-reads: a repeat of the same target is a no-op; anything else is
   * re-checked and may be illegal). Throws NotFoundError, IllegalTransitionError or, after
   * repeated lost races, ConflictError.
   */
  async transition(workflowId: string, to: WorkflowStatus, fields: TransitionFields = {}, now: Date = new Date()): Promise<TransitionResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.get(workflowId);
      if (!current) throw new NotFoundError(`workflow ${workflowId} not found in workflow_state`);
      if (current.status === to) return { previous: current.status, item: current, changed: false };
      assertTransition(current.status, to);
      const item = await this.table.update(
        { workflow_id: workflowId },
        { ...fields, status: to, updated_at: now.toISOString() },
        { status: current.status },
      );
      if (item) return { previous: current.status, item, changed: true };
    }
    throw new ConflictError(`workflow ${workflowId}: status kept changing while moving to ${to}`);
  }

  /**
   * Creates a record directly in `status` when none exists (the retraining workflow has no QUEUED
   * record; its first event is RUNNING or FAILED). Returns false when a record already exists.
   */
  createImplicit(item: Omit<WorkflowItem, 'created_at' | 'updated_at'>, now: Date = new Date()): Promise<boolean> {
    assertTransition('QUEUED', item.status);
    const at = now.toISOString();
    return this.table.putIfAbsent({ ...item, created_at: at, updated_at: at });
  }

  /** Stores summary metrics on a RUNNING workflow; false when it is missing or not RUNNING. */
  async recordMetrics(workflowId: string, resultKey: string, metrics: BacktestMetrics, now: Date = new Date()): Promise<boolean> {
    const item = await this.table.update(
      { workflow_id: workflowId },
      { metrics, result_key: resultKey, updated_at: now.toISOString() },
      { status: 'RUNNING' },
    );
    return item !== undefined;
  }

  /** Records in `status` whose `updated_at` is before `before` (status-updated_at-index). */
  listByStatusBefore(status: WorkflowStatus, before: Date): Promise<WorkflowItem[]> {
    return this.table.query(status, { index: 'status-updated_at-index', before: before.toISOString() });
  }

  /** Records that the last notification was published for `status`. */
  async markNotified(workflowId: string, status: WorkflowStatus): Promise<void> {
    await this.table.update({ workflow_id: workflowId }, { notified_status: status }, { status });
  }
}

export { ConflictError };
