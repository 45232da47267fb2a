import { createHash } from 'node:crypto';
import { AlertNotification, CloudWatchAlarmMessage, parseEvent, ValidationError } from '@tradai/domain';

const ALARM_SEVERITY = { ALARM: 'critical', OK: 'info', INSUFFICIENT_DATA: 'warning' } as const;

/**
 * CloudWatch writes `2026-01-01T00:00:00.000+0000`: not ECMAScript's date-time format (`+00:00`),
 * but V8, the only runtime these Lambdas have, reads it as the offset it is. The tests pin that
 * (+0230, -0100), so a runtime that stopped would fail them rather than fall back silently.
 */
function alarmTime(raw: string, fallback: string): string {
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? fallback : new Date(ms).toISOString();
}

/**
 * Turns an alerts-topic message into an AlertNotification: TradAI's own JSON alerts as they are,
 * CloudWatch alarm notifications mapped (severity from the new state). Anything else is a
 * ValidationError naming the AlertNotification field that is wrong.
 */
export function normalise(message: string, snsTimestamp: string): AlertNotification {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    throw new ValidationError('invalid alert notification: (root): message is not JSON', '(root)');
  }
  const alarm = CloudWatchAlarmMessage.safeParse(value);
  if (alarm.success) {
    const a = alarm.data;
    return {
      type: `alarm.${a.NewStateValue.toLowerCase()}`,
      severity: ALARM_SEVERITY[a.NewStateValue],
      source: 'cloudwatch',
      subject: `[${a.NewStateValue}] ${a.AlarmName}`.slice(0, 100),
      message: a.NewStateReason,
      occurredAt: alarmTime(a.StateChangeTime, snsTimestamp),
      dedupKey: `alarm:${a.AlarmName}:${a.NewStateValue}`,
      details: { alarmName: a.AlarmName, oldState: a.OldStateValue, description: a.AlarmDescription },
    };
  }
  return parseEvent(AlertNotification, value, 'alert notification');
}

/** DynamoDB partition keys are capped at 2048 bytes: long keys are hashed, short ones kept readable. */
export function dedupKeyOf(n: AlertNotification): string {
  const key = n.dedupKey ?? `${n.source}:${n.type}:${n.subject}`;
  return Buffer.byteLength(key) <= 512 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
