import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, positiveIntSetting, tableFromEnv } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import type { SNSEvent } from 'aws-lambda';
import { normalise } from './normalise.js';
import { recordNotification, type DispatchDeps, type DispatchResult } from './run.js';

const env = lambdaEnv('notification-dispatcher');
const logger = createLogger('notification-dispatcher');
const deps: DispatchDeps = {
  notifications: tableFromEnv(createDocumentClient(new DynamoDBClient({})), 'notifications', env),
  windowSeconds: positiveIntSetting(env, 'DEDUP_WINDOW_SECONDS'),
};

/**
 * Alerts topic subscription. SNS delivers one record per invocation; a malformed message throws
 * (naming the field) so the async invocation's retries and failure destination keep it.
 */
export const handler = async (event: SNSEvent): Promise<DispatchResult[]> => {
  if (!Array.isArray(event?.Records)) throw new Error('invalid SNS event: Records: expected an array');
  const results: DispatchResult[] = [];
  for (const record of event.Records) {
    const n = normalise(record.Sns.Message, record.Sns.Timestamp);
    const result = await recordNotification(deps, n, record.Sns.MessageId);
    logger.info('notification recorded', { ...result, type: n.type, severity: n.severity, messageId: record.Sns.MessageId });
    results.push(result);
  }
  return results;
};
