import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startDynalite, startFauxqs } from './index.js';

describe('startDynalite', () => {
  it('creates tables with the schema keys and GSIs on a loopback port', async () => {
    const db = await startDynalite();
    try {
      expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const names = await db.createTables(['workflow_state']);
      const t = await db.client.send(new DescribeTableCommand({ TableName: names.workflow_state }));
      expect(t.Table?.KeySchema).toEqual([{ AttributeName: 'workflow_id', KeyType: 'HASH' }]);
      expect(t.Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('status-updated_at-index');
      expect(db.tableEnv()).toEqual({ WORKFLOW_STATE_TABLE: names.workflow_state });
      expect(t.Table?.TableStatus).toBe('ACTIVE');
    } finally {
      await db.stop();
    }
  });

  it('resets tables to empty, active and writable under the same names', async () => {
    const db = await startDynalite();
    try {
      const { workflow_state: name } = await db.createTables(['workflow_state']);
      const key = { workflow_id: { S: 'wf-1' } };
      await db.client.send(new PutItemCommand({ TableName: name, Item: { ...key, status: { S: 'RUNNING' } } }));
      await db.resetTables();
      expect((await db.client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus).toBe('ACTIVE');
      expect((await db.client.send(new GetItemCommand({ TableName: name, Key: key }))).Item).toBeUndefined();
      await db.client.send(new PutItemCommand({ TableName: name, Item: { ...key, status: { S: 'PENDING' } } }));
      expect((await db.client.send(new GetItemCommand({ TableName: name, Key: key }))).Item?.['status']).toEqual({ S: 'PENDING' });
      expect(db.tableEnv()).toEqual({ WORKFLOW_STATE_TABLE: name });
    } finally {
      await db.stop();
    }
  });
});

describe('startFauxqs', () => {
  it('serves SQS, SNS fan-out and S3', async () => {
    const f = await startFauxqs();
    try {
      const { queueUrl } = f.server.createQueue('q');
      f.server.createTopic('t');
      f.server.subscribe({ topic: 't', queue: 'q' });
      f.server.createBucket('test-bucket');
      await f.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'direct' }));
      const { topicArn } = f.server.createTopic('t');
      await f.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'fanned' }));
      const got = await f.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
      const bodies = (got.Messages ?? []).map((m) => m.Body ?? '');
      expect(bodies).toContain('direct');
      expect(bodies.some((b) => b.includes('fanned'))).toBe(true);
      await f.s3.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: 'k.json', Body: '{"a":1}' }));
      const obj = await f.s3.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: 'k.json' }));
      expect(await obj.Body!.transformToString()).toBe('{"a":1}');
    } finally {
      await f.stop();
    }
  });
});
