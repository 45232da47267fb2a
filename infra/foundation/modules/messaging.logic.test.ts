import { LAMBDA_FUNCTIONS, SQS_VISIBILITY_TIMEOUT_FACTOR } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { ALERT_PUBLISHER_SERVICES, alertsKeyPolicy, alertsTopicPolicy, emailSubscriptionName, registrationTopicPolicy, uniqueEmails } from './sns.logic.js';
import { MAX_RECEIVE_COUNT, backtestVisibilityTimeoutSeconds, queuePolicy, redriveAllowPolicy, redrivePolicy } from './sqs.logic.js';

const QUEUE = 'arn:aws:sqs:eu-central-1:123456789012:tradai-backtest-queue-dev';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:tradai-alerts-dev';

describe('sqs logic', () => {
  it('sets the visibility timeout to the factor times the consumer timeout', () => {
    const consumer = LAMBDA_FUNCTIONS['backtest-consumer'].timeoutSeconds;
    expect(backtestVisibilityTimeoutSeconds()).toBe(SQS_VISIBILITY_TIMEOUT_FACTOR * consumer);
    expect(backtestVisibilityTimeoutSeconds()).toBeGreaterThanOrEqual(6 * consumer);
    expect(backtestVisibilityTimeoutSeconds(10)).toBe(60);
  });

  it('refuses a timeout over the SQS maximum or a nonsense consumer timeout', () => {
    expect(() => backtestVisibilityTimeoutSeconds(900 * 10)).toThrow(/exceeds the SQS maximum of 43200s/);
    expect(() => backtestVisibilityTimeoutSeconds(0)).toThrow(/positive integer/);
  });

  it('redrives after at least 5 receives to the DLQ, and the DLQ only accepts this queue', () => {
    expect(JSON.parse(redrivePolicy('arn:dlq'))).toEqual({ deadLetterTargetArn: 'arn:dlq', maxReceiveCount: MAX_RECEIVE_COUNT });
    expect(MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(redriveAllowPolicy(QUEUE))).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [QUEUE] });
  });

  it('denies every non-TLS request to the queue', () => {
    const [s, ...rest] = queuePolicy(QUEUE).Statement;
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: QUEUE, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });
});

describe('sns logic', () => {
  it('lets EventBridge and CloudWatch publish to alerts on behalf of this account only', () => {
    const doc = alertsTopicPolicy(TOPIC, '123456789012');
    const allows = doc.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => (s.Principal as { Service: string }).Service).sort()).toEqual([...ALERT_PUBLISHER_SERVICES].sort());
    for (const s of allows) {
      expect(s.Action).toBe('sns:Publish');
      expect(s.Resource).toBe(TOPIC);
      expect(s.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
    }
    expect(doc.Statement.find((s) => s.Effect === 'Deny')?.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('gives the registration topic no service publishers', () => {
    expect(registrationTopicPolicy(TOPIC).Statement.every((s) => s.Effect === 'Deny')).toBe(true);
  });

  it('lets the alert publishers use the alerts key, and account principals only through SNS', () => {
    const doc = alertsKeyPolicy({ accountId: '123456789012', region: 'eu-central-1' });
    const svc = doc.Statement.find((s) => s.Sid === 'AllowAlertPublisherServices')!;
    expect((svc.Principal as { Service: string[] }).Service).toEqual([...ALERT_PUBLISHER_SERVICES]);
    expect(svc.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    const viaSns = doc.Statement.find((s) => s.Sid === 'AllowAccountPrincipalsThroughSns')!;
    expect(viaSns.Condition).toEqual({ StringEquals: { 'kms:CallerAccount': '123456789012', 'kms:ViaService': 'sns.eu-central-1.amazonaws.com' } });
    const admin = doc.Statement.find((s) => s.Sid === 'EnableIamPolicies')!;
    expect(admin.Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
  });

  it('names email subscriptions from the address, stable under reordering', () => {
    const a = emailSubscriptionName('alerts-email', 'Ops.Team@Example.com');
    expect(a).toMatch(/^alerts-email-ops-team-[0-9a-f]{8}$/);
    expect(emailSubscriptionName('alerts-email', 'ops.team@example.com')).toBe(a);
    expect(emailSubscriptionName('alerts-email', 'other@example.com')).not.toBe(a);
    expect(() => emailSubscriptionName('alerts-email', 'not-an-email')).toThrow(/tradai:alertEmails: "not-an-email"/);
  });

  it('de-duplicates addresses case-insensitively, keeping order', () => {
    expect(uniqueEmails(['a@x.io', 'B@x.io', 'A@X.io ', 'b@x.io'])).toEqual(['a@x.io', 'B@x.io']);
  });
});
