import { LAMBDA_FUNCTIONS, SQS_VISIBILITY_TIMEOUT_FACTOR } from '@tradai/infra-shared';
import { denyInsecureTransport, resourcePolicy, type ResourcePolicyDocument } from '@tradai/infra-shared';

/** A message is tried this many times before it moves to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;
/** DLQ keeps failed requests for the SQS maximum, 14 days, for inspection and redrive. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
/** Backtest requests older than 4 days are stale (the default SQS retention). */
export const QUEUE_RETENTION_SECONDS = 4 * 24 * 3600;
/** Long polling: fewer empty receives, lower cost. */
export const RECEIVE_WAIT_SECONDS = 20;
/** SQS limit for VisibilityTimeout. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 3600;

/**
 * Visibility timeout of the backtest queue: SQS_VISIBILITY_TIMEOUT_FACTOR x the consumer's
 * timeout (AWS guidance for Lambda event sources), so a message is not redelivered while a
 * consumer, including its retries inside a batch, may still be working on it.
 */
export function backtestVisibilityTimeoutSeconds(consumerTimeoutSeconds: number = LAMBDA_FUNCTIONS['backtest-consumer'].timeoutSeconds): number {
  if (!Number.isInteger(consumerTimeoutSeconds) || consumerTimeoutSeconds <= 0) {
    throw new Error(`backtest-consumer timeoutSeconds must be a positive integer, got ${consumerTimeoutSeconds}`);
  }
  const seconds = SQS_VISIBILITY_TIMEOUT_FACTOR * consumerTimeoutSeconds;
  if (seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw new Error(`visibility timeout ${seconds}s (${SQS_VISIBILITY_TIMEOUT_FACTOR} x ${consumerTimeoutSeconds}s) exceeds the SQS maximum of ${MAX_VISIBILITY_TIMEOUT_SECONDS}s`);
  }
  return seconds;
}

/** The queue's RedrivePolicy attribute. */
export function redrivePolicy(deadLetterTargetArn: string, maxReceiveCount: number = MAX_RECEIVE_COUNT): string {
  return JSON.stringify({ deadLetterTargetArn, maxReceiveCount });
}

/** The DLQ's RedriveAllowPolicy: only the backtest queue may use it as its dead-letter queue. */
export function redriveAllowPolicy(sourceQueueArn: string): string {
  return JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [sourceQueueArn] });
}

/**
 * Queue policy: TLS only. Senders (API Gateway's integration role) and the consumer Lambda are
 * authorized by their own IAM policies in the same account, so no Allow is needed here.
 */
export function queuePolicy(queueArn: string): ResourcePolicyDocument {
  return resourcePolicy([denyInsecureTransport('sqs:*', queueArn)], `${queueArn}/policy`);
}
