import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { dedupKeyOf, normalise } from './normalise.js';

const alert = { type: 'workflow.failed', severity: 'critical', source: 'update-status', subject: '[FAILED] x', message: 'm', occurredAt: '2026-01-01T00:00:00Z' };

describe('normalise', () => {
  it('passes TradAI alerts through', () => {
    expect(normalise(JSON.stringify(alert), '2026-01-01T00:00:01Z')).toEqual(alert);
  });

  it('maps CloudWatch alarms', () => {
    const n = normalise(
      JSON.stringify({ AlarmName: 'tradai-heartbeat-dev', NewStateValue: 'ALARM', NewStateReason: 'Threshold crossed', StateChangeTime: '2026-01-01T00:00:00.000+0000', OldStateValue: 'OK' }),
      'x',
    );
    expect(n).toMatchObject({ type: 'alarm.alarm', severity: 'critical', source: 'cloudwatch', subject: '[ALARM] tradai-heartbeat-dev', occurredAt: '2026-01-01T00:00:00.000Z', dedupKey: 'alarm:tradai-heartbeat-dev:ALARM' });
  });

  it('names the failing field of a malformed alert', () => {
    expect(() => normalise(JSON.stringify({ ...alert, severity: 'loud' }), 'x')).toThrow(/^invalid alert notification: severity: /);
    expect(() => normalise('plain text', 'x')).toThrow(new ValidationError('invalid alert notification: (root): message is not JSON', '(root)'));
  });
});

describe('dedupKeyOf', () => {
  it('uses the given key or source:type:subject, hashing very long ones', () => {
    expect(dedupKeyOf({ ...alert, severity: 'critical', dedupKey: 'k' })).toBe('k');
    expect(dedupKeyOf({ ...alert, severity: 'critical' })).toBe('update-status:workflow.failed:[FAILED] x');
    expect(dedupKeyOf({ ...alert, severity: 'critical', dedupKey: 'x'.repeat(600) })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
