import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startFauxqs, type Fauxqs } from '@tradai/domain/testing';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsEventRecord, startSqsEventSource, succeededIds } from './event-source.js';

describe('sqsEventRecord / succeededIds', () => {
  it('maps a received message to the Lambda SQS record shape', () => {
    const r = sqsEventRecord(
      { MessageId: 'm1', ReceiptHandle: 'h1', Body: '{"a":1}', MD5OfBody: 'md5', Attributes: { ApproximateReceiveCount: '2', SentTimestamp: '5' } },
      'arn:aws:sqs:us-east-1:000000000000:q',
      'us-east-1',
    );
    expect(r).toMatchObject({ messageId: 'm1', receiptHandle: 'h1', body: '{"a":1}', md5OfBody: 'md5', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q', awsRegion: 'us-east-1' });
    expect(r.attributes).toMatchObject({ ApproximateReceiveCount: '2', SentTimestamp: '5' });
  });

  it('deletes all but the reported failures, and nothing when the handler threw', () => {
    const records = ['a', 'b', 'c'].map((id) => sqsEventRecord({ MessageId: id, ReceiptHandle: id }, 'arn', 'us-east-1'));
    expect(succeededIds(records, { response: { batchItemFailures: [{ itemIdentifier: 'b' }] }, threw: false })).toEqual(['a', 'c']);
    expect(succeededIds(records, { response: undefined, threw: false })).toEqual(['a', 'b', 'c']);
    expect(succeededIds(records, { threw: true })).toEqual([]);
  });
});

describe('startSqsEventSource (fauxqs)', () => {
  let fx: Fauxqs;
  beforeAll(async () => {
    fx = await startFauxqs();
  });
  afterAll(async () => {
    await fx.stop();
  });

  it('invokes with the batch, deletes successes and leaves a failure for redelivery', async () => {
    const { QueueUrl } = await fx.sqs.send(new CreateQueueCommand({ QueueName: 'es-test', Attributes: { VisibilityTimeout: '1' } }));
    for (const body of ['ok-1', 'bad', 'ok-2']) await fx.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const seen: string[] = [];
    const source = startSqsEventSource({
      sqs: fx.sqs,
      queueUrl: QueueUrl!,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:es-test',
      region: 'us-east-1',
      handler: async (event: SQSEvent) => {
        seen.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    const deadline = Date.now() + 15_000;
    while (seen.filter((b) => b === 'bad').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await source.stop();
    expect(seen.filter((b) => b.startsWith('ok')).sort()).toEqual(['ok-1', 'ok-2']);
    expect(seen.filter((b) => b === 'bad').length).toBeGreaterThanOrEqual(2);
    const attrs = await fx.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    const left = Number(attrs.Attributes!['ApproximateNumberOfMessages']) + Number(attrs.Attributes!['ApproximateNumberOfMessagesNotVisible']);
    expect(left).toBe(1);
  }, 30_000);
});
