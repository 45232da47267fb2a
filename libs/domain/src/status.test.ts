import { describe, expect, it } from 'vitest';
import { WORKFLOW_STATUSES } from '@tradai/contracts';
import { IllegalTransitionError } from './errors.js';
import { assertTransition, canTransition, isTerminal, isWorkflowStatus, TRANSITIONS } from './status.js';

describe('workflow status machine', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = WORKFLOW_STATUSES.flatMap((from) => WORKFLOW_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(
      ['QUEUED->RUNNING', 'QUEUED->CANCELLED', 'QUEUED->FAILED', 'RUNNING->SUCCEEDED', 'RUNNING->FAILED', 'RUNNING->CANCELLED'].sort(),
    );
  });

  it('has final terminal states', () => {
    expect(WORKFLOW_STATUSES.filter(isTerminal)).toEqual(['SUCCEEDED', 'FAILED', 'CANCELLED']);
    expect(TRANSITIONS.SUCCEEDED).toEqual([]);
  });

  it('names both states when a transition is illegal', () => {
    expect(() => assertTransition('SUCCEEDED', 'RUNNING')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('SUCCEEDED', 'RUNNING')).toThrow('illegal workflow status transition SUCCEEDED -> RUNNING: SUCCEEDED is terminal');
    expect(() => assertTransition('QUEUED', 'SUCCEEDED')).toThrow('QUEUED -> SUCCEEDED: allowed from QUEUED: RUNNING, CANCELLED, FAILED');
    expect(() => assertTransition('QUEUED', 'DONE')).toThrow('illegal workflow status transition QUEUED -> DONE: unknown target status "DONE"');
    expect(() => assertTransition('DONE', 'RUNNING')).toThrow('illegal workflow status transition DONE -> RUNNING: unknown current status "DONE"');
    expect(() => assertTransition('RUNNING', 'QUEUED')).toThrow('RUNNING -> QUEUED: allowed from RUNNING: SUCCEEDED, FAILED, CANCELLED');
    expect(() => assertTransition('RUNNING', 'RUNNING')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('QUEUED', 'RUNNING')).not.toThrow();
  });
});

describe('isWorkflowStatus', () => {
  it('knows exactly the five statuses, case-sensitively', () => {
    expect(WORKFLOW_STATUSES.every(isWorkflowStatus)).toBe(true);
    expect(['queued', 'DONE', '', 'QUEUED '].some(isWorkflowStatus)).toBe(false);
  });
});
