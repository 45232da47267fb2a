import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { publishAlert } from './alerts.js';
import { ScheduledEvent } from './schemas/schedule.js';
import { parseEvent } from './schemas/parse.js';

const sns = mockClient(SNSClient);
const client = new SNSClient({ region: 'us-east-1' });
const alert = { type: 'health.transition', severity: 'critical' as const, source: 'health-check', subject: 'mlflow down', message: 'HTTP 503', occurredAt: '2026-03-01T00:00:00Z' };

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('publishAlert', () => {
  it('publishes the AlertNotification as JSON with its subject', async () => {
    expect(await publishAlert(client, 'arn:topic', alert)).toBe('m-1');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:topic', Subject: 'mlflow down' });
    expect(JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!)).toEqual(alert);
  });

  it('refuses a malformed alert naming the field, publishing nothing', async () => {
    await expect(publishAlert(client, 'arn:topic', { ...alert, subject: 'x'.repeat(101) })).rejects.toThrow(/invalid alert: subject:/);
    await expect(publishAlert(client, 'arn:topic', { ...alert, type: 'Has Spaces' })).rejects.toThrow(/type:/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});

describe('ScheduledEvent', () => {
  it('accepts an EventBridge scheduled event or {}, and names a malformed field', () => {
    expect(parseEvent(ScheduledEvent, { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-03-01T00:00:00Z', resources: ['arn:rule'], id: 'x' })).toMatchObject({ id: 'x' });
    expect(parseEvent(ScheduledEvent, {})).toEqual({});
    expect(() => parseEvent(ScheduledEvent, { time: 'noon' }, 'tick')).toThrow(/invalid tick: time:/);
    expect(() => parseEvent(ScheduledEvent, 'tick', 'tick')).toThrow(/invalid tick: \(root\)/);
  });
});
