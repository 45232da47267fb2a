import { RDS_CONFIG } from '@tradai/infra-shared';

/** Security baseline: credentials rotate at least every 30 days. */
export const MAX_ROTATION_DAYS = 30;

/** CloudTrail service events Secrets Manager emits for a rotation's outcome. */
export const ROTATION_OUTCOME_EVENTS = ['RotationSucceeded', 'RotationFailed', 'RotationAbandoned'] as const;

/** Rotation interval of the RDS master secret, checked against the baseline. */
export function rotationDays(days: number = RDS_CONFIG.rotationDays): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_ROTATION_DAYS) {
    throw new Error(`RDS_CONFIG.rotationDays must be an integer between 1 and ${MAX_ROTATION_DAYS}, got ${days}`);
  }
  return days;
}

/**
 * EventBridge pattern for the rotation outcome of one secret. Rotation outcomes are
 * CloudTrail "AWS Service Event via CloudTrail" records (not API calls), with the secret's ARN
 * in additionalEventData.SecretId.
 */
export function rotationEventPattern(secretArn: string): string {
  return JSON.stringify({
    source: ['aws.secretsmanager'],
    'detail-type': ['AWS Service Event via CloudTrail'],
    detail: {
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: [...ROTATION_OUTCOME_EVENTS],
      additionalEventData: { SecretId: [secretArn] },
    },
  });
}

/**
 * EventBridge input transformer: a small JSON alert (readable in an email, parseable by the
 * notification-dispatcher Lambda) instead of the raw CloudTrail record.
 */
export function rotationAlertTransformer(env: string, identifier: string): { inputPaths: Record<string, string>; inputTemplate: string } {
  if (!/^[\w.-]+$/.test(env) || !/^[\w.-]+$/.test(identifier)) throw new Error(`rotation alert: env "${env}" and identifier "${identifier}" must be plain names`);
  return {
    inputPaths: { event: '$.detail.eventName', secret: '$.detail.additionalEventData.SecretId', time: '$.time' },
    inputTemplate: JSON.stringify({
      source: 'secretsmanager',
      environment: env,
      resource: identifier,
      event: '<event>',
      secretArn: '<secret>',
      time: '<time>',
      message: `RDS credential rotation of ${identifier} (${env}): <event>`,
    }),
  };
}
