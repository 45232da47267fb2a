import { createHash } from 'node:crypto';
import { denyInsecureTransport, resourcePolicy, type ResourcePolicyDocument } from '@tradai/infra-shared';

/** AWS services that publish alerts: EventBridge rules (rotation events) and CloudWatch alarms (edge). */
export const ALERT_PUBLISHER_SERVICES = ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] as const;

/** The AWS-managed SNS key: fine for topics only IAM principals publish to. */
export const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';

export interface AccountContext {
  readonly accountId: string;
  readonly region: string;
  readonly partition?: string;
}

/**
 * Topic policy of the alerts topic: EventBridge and CloudWatch may publish, only on behalf of
 * this account (aws:SourceAccount closes the confused-deputy hole); nothing over plain HTTP.
 * Lambdas and people in the account publish through their IAM policies.
 */
export function alertsTopicPolicy(topicArn: string, accountId: string): ResourcePolicyDocument {
  return resourcePolicy(
    [
      ...ALERT_PUBLISHER_SERVICES.map((service) => ({
        Sid: `Allow${service.startsWith('events') ? 'EventBridge' : 'CloudWatchAlarms'}Publish`,
        Effect: 'Allow' as const,
        Principal: { Service: service },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      })),
      denyInsecureTransport('sns:Publish', topicArn),
    ],
    `${topicArn}/policy`,
  );
}

/** Topic policy of the registration topic: CI publishes through IAM; TLS only. */
export function registrationTopicPolicy(topicArn: string): ResourcePolicyDocument {
  return resourcePolicy([denyInsecureTransport('sns:Publish', topicArn)], `${topicArn}/policy`);
}

/**
 * Key policy of the customer-managed key that encrypts the alerts topic.
 *
 * Why not alias/aws/sns: the AWS-managed key's policy cannot be changed, so EventBridge and
 * CloudWatch alarms (service principals) cannot use it and their deliveries to an aws/sns-encrypted
 * topic fail silently. This key grants them GenerateDataKey/Decrypt, and grants account
 * principals the same use through SNS only (what aws/sns grants), so publishers in compute need
 * no KMS permissions of their own.
 */
export function alertsKeyPolicy({ accountId, region, partition = 'aws' }: AccountContext): ResourcePolicyDocument {
  const useKey = ['kms:Decrypt', 'kms:GenerateDataKey*'];
  return resourcePolicy([
    {
      Sid: 'EnableIamPolicies',
      Effect: 'Allow',
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'AllowAlertPublisherServices',
      Effect: 'Allow',
      Principal: { Service: [...ALERT_PUBLISHER_SERVICES] },
      Action: useKey,
      Resource: '*',
    },
    {
      Sid: 'AllowAccountPrincipalsThroughSns',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: useKey,
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `sns.${region}.amazonaws.com` } },
    },
  ]);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Logical name of an email subscription, derived from the address so that reordering
 * tradai:alertEmails does not replace subscriptions (each replacement re-sends a confirmation).
 */
export function emailSubscriptionName(prefix: string, email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized)) throw new Error(`tradai:alertEmails: "${email}" is not an email address`);
  const local = normalized.split('@')[0]!.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 20) || 'x';
  return `${prefix}-${local}-${createHash('sha256').update(normalized).digest('hex').slice(0, 8)}`;
}

/** The addresses to subscribe: trimmed, de-duplicated case-insensitively, order kept. */
export function uniqueEmails(emails: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of emails) {
    const trimmed = e.trim();
    const key = trimmed.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(trimmed);
    }
  }
  return out;
}

/**
 * The preview warning for a production stack without alert subscribers: alarms still reach the
 * alerts topic, but with no subscription nobody hears about them. Undefined when there is nothing to say.
 */
export function missingAlertEmailsWarning(environment: string, alertEmails: readonly string[]): string | undefined {
  if (environment !== 'prod' || alertEmails.length > 0) return undefined;
  return (
    'tradai:alertEmails is empty in prod: alarms publish to the alerts topic but nobody is subscribed, so nobody is notified. ' +
    `Set it in infra/foundation/Pulumi.prod.yaml, e.g. tradai:alertEmails: '["oncall@example.com"]' (each address must confirm the e-mail AWS sends).`
  );
}
