import type { Context, SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';

/** A Lambda context good enough for Powertools (function name, remaining time). */
export function fakeContext(functionName = 'tradai-test-dev', remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An SQS record with `body` (objects are JSON-encoded). */
export function sqsRecord(body: unknown, messageId = `msg-${Math.random().toString(36).slice(2)}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:tradai-backtest-queue-test',
    awsRegion: 'us-east-1',
  };
}

/** An SQS event of `records`. */
export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** An SNS event with one record carrying `message` (objects are JSON-encoded). */
export function snsEvent(message: unknown, opts: { messageId?: string; subject?: string; topicArn?: string } = {}): SNSEvent {
  const messageId = opts.messageId ?? `sns-${Math.random().toString(36).slice(2)}`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: opts.topicArn ?? 'arn:aws:sns:us-east-1:000000000000:tradai-alerts-test',
          Subject: opts.subject ?? '',
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}
