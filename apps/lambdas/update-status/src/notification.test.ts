import { describe, expect, it } from 'vitest';
import { AlertNotification, parseEvent } from '@tradai/domain';
import { errorText, statusNotification } from './notification.js';

describe('errorText', () => {
  it('formats Step Functions Catch errors and plain messages', () => {
    expect(errorText({ Error: 'States.TaskFailed', Cause: 'exit 1' })).toBe('States.TaskFailed: exit 1');
    expect(errorText({ Error: 'States.Timeout' })).toBe('States.Timeout');
    expect(errorText({ Cause: 'exit 1' })).toBe('exit 1');
    expect(errorText('boom')).toBe('boom');
    expect(errorText({})).toBeUndefined();
    expect(errorText(undefined)).toBeUndefined();
  });
});

describe('statusNotification', () => {
  const item = { workflow_id: 'bt-1', workflow_type: 'backtest' as const, status: 'FAILED' as const, strategy: 'momo', created_at: 'x', updated_at: 'y', error: 'OOM' };
  const at = new Date('2026-01-01T00:00:00Z');

  it('is a valid AlertNotification with the change, the error and the details', () => {
    const n = statusNotification({ ...item, metrics: undefined }, 'RUNNING', at);
    expect(() => parseEvent(AlertNotification, n)).not.toThrow();
    expect(n).toEqual({
      type: 'workflow.failed',
      severity: 'critical',
      source: 'update-status',
      subject: '[FAILED] backtest bt-1 (momo)',
      message: 'backtest bt-1 (momo): RUNNING -> FAILED; error: OOM',
      occurredAt: '2026-01-01T00:00:00.000Z',
      dedupKey: 'workflow:bt-1:FAILED',
      details: { workflowId: 'bt-1', workflowType: 'backtest', strategy: 'momo', previousStatus: 'RUNNING', status: 'FAILED', error: 'OOM', metrics: undefined },
    });
  });

  it('leaves out the strategy and the error when there are none', () => {
    const n = statusNotification({ ...item, status: 'SUCCEEDED', strategy: undefined, error: undefined }, 'RUNNING', at);
    expect(n).toMatchObject({ subject: '[SUCCEEDED] backtest bt-1', message: 'backtest bt-1: RUNNING -> SUCCEEDED' });
  });

  it('rates each status: FAILED critical, CANCELLED warning, the rest info', () => {
    const severity = (status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED') => statusNotification({ ...item, status }, 'QUEUED', at).severity;
    expect(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'].map((s) => severity(s as never))).toEqual(['info', 'info', 'info', 'critical', 'warning']);
  });

  it('keeps the subject within the 100-character SNS limit: 99 and 100 whole, 101 cut to 100', () => {
    // "[FAILED] backtest bt-1 (" + strategy + ")" is 25 characters plus the strategy.
    const subjectFor = (len: number) => statusNotification({ ...item, strategy: 's'.repeat(len - 25) }, 'RUNNING', at).subject;
    expect(subjectFor(99)).toBe(`[FAILED] backtest bt-1 (${'s'.repeat(74)})`);
    expect(subjectFor(100)).toBe(`[FAILED] backtest bt-1 (${'s'.repeat(75)})`);
    expect(subjectFor(101)).toBe(`[FAILED] backtest bt-1 (${'s'.repeat(76)}`);
    expect(subjectFor(101)).toHaveLength(100);
  });
});
