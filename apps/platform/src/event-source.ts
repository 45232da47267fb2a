/**
 * The SQS event source mapping of backtest-consumer, locally: long-polls the queue, hands each
 * batch to the handler as Lambda's SQS event, deletes what succeeded and leaves every reported
 * failure (or the whole batch, if the handler throws) invisible until the visibility timeout
 * ends, so SQS redelivers it and, after maxReceiveCount, moves it to the DLQ.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface SqsEventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  /** The function; ReportBatchItemFailures is on (it returns the failed message ids). */
  readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Messages per invocation (the mapping's BatchSize). */
  readonly batchSize?: number;
  readonly onError?: (err: Error) => void;
}

export interface SqsEventSource {
  /** Stops polling and waits for the batch in flight. */
  stop(): Promise<void>;
}

/** A received message as the Lambda SQS event carries it (pure). */
export function sqsEventRecord(m: Message, queueArn: string, region: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a['ApproximateReceiveCount'] ?? '1',
      SentTimestamp: a['SentTimestamp'] ?? String(Date.now()),
      SenderId: a['SenderId'] ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
        k,
        { dataType: v.DataType ?? 'String', ...(v.StringValue === undefined ? {} : { stringValue: v.StringValue }), ...(v.BinaryValue ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}) },
      ]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Message ids to delete after an invocation: all but the reported failures; none if it threw (pure). */
export function succeededIds(records: readonly SQSRecord[], outcome: { response?: SQSBatchResponse | void; threw: boolean }): string[] {
  if (outcome.threw) return [];
  const failed = new Set((outcome.response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  return records.map((r) => r.messageId).filter((id) => !failed.has(id));
}

export function startSqsEventSource(o: SqsEventSourceOptions): SqsEventSource {
  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        const res = await o.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: o.queueUrl, MaxNumberOfMessages: o.batchSize ?? 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
          { abortSignal: stopping.signal },
        );
        messages = res.Messages ?? [];
      } catch (err) {
        if (stopping.signal.aborted) return;
        o.onError?.(err as Error);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (messages.length === 0) continue;
      const records = messages.map((m) => sqsEventRecord(m, o.queueArn, o.region));
      let outcome: { response?: SQSBatchResponse | void; threw: boolean };
      try {
        outcome = { response: await o.handler({ Records: records }), threw: false };
      } catch (err) {
        o.onError?.(err as Error);
        outcome = { threw: true };
      }
      const done = succeededIds(records, outcome);
      if (done.length > 0) {
        const handles = new Map(records.map((r) => [r.messageId, r.receiptHandle]));
        await o.sqs
          .send(new DeleteMessageBatchCommand({ QueueUrl: o.queueUrl, Entries: done.map((id, i) => ({ Id: String(i), ReceiptHandle: handles.get(id)! })) }))
          .catch((err: Error) => o.onError?.(err));
      }
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
