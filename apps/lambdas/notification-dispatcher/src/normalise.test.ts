import { createHash } from 'node:crypto';
import { ValidationError, type AlertNotification } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { dedupKeyOf, normalise } from './normalise.js';

const alert = { type: 'workflow.failed', severity: 'critical', source: 'update-status', subject: '[FAILED] x', message: 'm', occurredAt: '2026-01-01T00:00:00Z' } as const;
const cwAlarm = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ AlarmName: 'tradai-heartbeat-dev', NewStateValue: 'ALARM', NewStateReason: 'Threshold crossed', StateChangeTime: '2026-01-01T00:00:00.000+0000', OldStateValue: 'OK', ...over });

describe('normalise', () => {
  it('passes TradAI alerts through', () => {
    expect(normalise(JSON.stringify(alert), '2026-01-01T00:00:01Z')).toEqual(alert);
  });

  it('maps CloudWatch alarms: type, severity from the new state, subject, time, dedup key, details', () => {
    expect(normalise(cwAlarm({ AlarmDescription: 'bots silent' }), 'x')).toEqual({
      type: 'alarm.alarm',
      severity: 'critical',
      source: 'cloudwatch',
      subject: '[ALARM] tradai-heartbeat-dev',
      message: 'Threshold crossed',
      occurredAt: '2026-01-01T00:00:00.000Z',
      dedupKey: 'alarm:tradai-heartbeat-dev:ALARM',
      details: { alarmName: 'tradai-heartbeat-dev', oldState: 'OK', description: 'bots silent' },
    });
    expect(normalise(cwAlarm({ NewStateValue: 'OK', OldStateValue: 'ALARM' }), 'x')).toMatchObject({ type: 'alarm.ok', severity: 'info', subject: '[OK] tradai-heartbeat-dev' });
    expect(normalise(cwAlarm({ NewStateValue: 'INSUFFICIENT_DATA' }), 'x')).toMatchObject({ type: 'alarm.insufficient_data', severity: 'warning', dedupKey: 'alarm:tradai-heartbeat-dev:INSUFFICIENT_DATA' });
  });

  it("reads CloudWatch's +hhmm offsets as time zones, and falls back to the SNS timestamp when the time is unreadable", () => {
    expect(normalise(cwAlarm({ StateChangeTime: '2026-01-01T02:30:00.000+0230' }), 'x').occurredAt).toBe('2026-01-01T00:00:00.000Z');
    expect(normalise(cwAlarm({ StateChangeTime: '2026-01-01T00:00:00.000-0100' }), 'x').occurredAt).toBe('2026-01-01T01:00:00.000Z');
    expect(normalise(cwAlarm({ StateChangeTime: 'not a time' }), '2026-01-01T00:00:07Z').occurredAt).toBe('2026-01-01T00:00:07Z');
  });

  // The AlertNotification subject is capped at 100 characters; "[ALARM] " takes 8.
  it.each([
    { nameLength: 91, subjectLength: 99 },
    { nameLength: 92, subjectLength: 100 },
    { nameLength: 93, subjectLength: 100 },
  ])('cuts an alarm subject to 100 characters (alarm name of $nameLength -> $subjectLength)', ({ nameLength, subjectLength }) => {
    const name = 'a'.repeat(nameLength);
    const n = normalise(cwAlarm({ AlarmName: name }), 'x');
    expect(n.subject).toBe(`[ALARM] ${name}`.slice(0, 100));
    expect(n.subject).toHaveLength(subjectLength);
    // The dedup key and details keep the whole name.
    expect(n.dedupKey).toBe(`alarm:${name}:ALARM`);
  });

  it('names the failing field of a malformed alert', () => {
    expect(() => normalise(JSON.stringify({ ...alert, severity: 'loud' }), 'x')).toThrow(/^invalid alert notification: severity: /);
    expect(() => normalise('plain text', 'x')).toThrow(new ValidationError('invalid alert notification: (root): message is not JSON', '(root)'));
  });
});

describe('dedupKeyOf', () => {
  const n = (over: Partial<AlertNotification> = {}): AlertNotification => ({ ...alert, ...over });
  const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

  it('uses the given key, else source:type:subject', () => {
    expect(dedupKeyOf(n({ dedupKey: 'k' }))).toBe('k');
    expect(dedupKeyOf(n())).toBe('update-status:workflow.failed:[FAILED] x');
  });

  // The limit is in bytes (what DynamoDB counts), not characters.
  it.each([
    { what: '511 ASCII bytes', key: 'x'.repeat(511), kept: true },
    { what: '512 ASCII bytes', key: 'x'.repeat(512), kept: true },
    { what: '513 ASCII bytes', key: 'x'.repeat(513), kept: false },
    { what: '256 two-byte characters (512 bytes)', key: 'é'.repeat(256), kept: true },
    { what: '257 two-byte characters (514 bytes)', key: 'é'.repeat(257), kept: false },
  ])('a key of $what is kept: $kept (else its sha256)', ({ key, kept }) => {
    expect(dedupKeyOf(n({ dedupKey: key }))).toBe(kept ? key : sha(key));
  });

  it('hashes a long composed key too, distinctly per key', () => {
    const long = n({ source: 's'.repeat(600) });
    expect(dedupKeyOf(long)).toBe(sha(`${'s'.repeat(600)}:workflow.failed:[FAILED] x`));
    expect(dedupKeyOf({ ...long, subject: 'other' })).not.toBe(dedupKeyOf(long));
  });
});
