import { describe, expect, it } from 'vitest';
import { AlertNotification, parseEvent } from '@tradai/domain';
import { errorText, statusNotification } from './notification.js';

describe('errorText', () => {
  it('formats Step Functions Catch errors and plain messages', () => {
    expect(errorText({ Error: 'States.TaskFailed', Cause: 'exit 1' })).toBe('States.TaskFailed: exit 1');
    expect(errorText('boom')).toBe('boom');
    expect(errorText({})).toBeUndefined();
    expect(errorText(undefined)).toBeUndefined();
  });
});

describe('statusNotification', () => {
  const item = { workflow_id: 'bt-1', workflow_type: 'backtest' as const, status: 'FAILED' as const, strategy: 'momo', created_at: 'x', updated_at: 'y', error: 'OOM' };

  it('is a valid AlertNotification with severity by status and a per-status dedup key', () => {
    const n = statusNotification(item, 'RUNNING', new Date('2026-01-01T00:00:00Z'));
    expect(() => parseEvent(AlertNotification, n)).not.toThrow();
    expect(n).toMatchObject({
      type: 'workflow.failed',
      severity: 'critical',
      subject: '[FAILED] backtest bt-1 (momo)',
      message: 'backtest bt-1 (momo): RUNNING -> FAILED; error: OOM',
      dedupKey: 'workflow:bt-1:FAILED',
    });
    expect(statusNotification({ ...item, status: 'SUCCEEDED', error: undefined }, 'RUNNING', new Date()).severity).toBe('info');
  });

  it('keeps the subject within the SNS/e-mail limit', () => {
    expect(statusNotification({ ...item, workflow_id: 'x'.repeat(80), strategy: 'y'.repeat(60) }, 'RUNNING', new Date()).subject.length).toBeLessThanOrEqual(100);
  });
});
