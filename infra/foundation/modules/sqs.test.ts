import { LAMBDA_FUNCTIONS, loadConfig } from '@tradai/infra-shared';
import { promiseOf, runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
let arns: { queue: string; dlq: string; url: string };

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { BacktestQueue } = await import('./sqs.js');
  await runInStack(async () => {
    const q = new BacktestQueue('backtest', { cfg: loadConfig('dev') });
    arns = { queue: await promiseOf(q.queue.arn), dlq: await promiseOf(q.dlq.arn), url: await promiseOf(q.queue.url) };
    return {};
  });
});

const queue = () => mocks.find('aws:sqs/queue:Queue', 'backtest').inputs;
const dlq = () => mocks.find('aws:sqs/queue:Queue', 'backtest-dlq').inputs;

describe('BacktestQueue', () => {
  it('names the queue and DLQ from config', () => {
    expect(queue()['name']).toBe('tradai-backtest-queue-dev');
    expect(dlq()['name']).toBe('tradai-backtest-dlq-dev');
    expect(arns.url).toBe('https://sqs.eu-central-1.amazonaws.com/123456789012/tradai-backtest-queue-dev');
  });

  it('redrives to the DLQ after at least 5 receives; the DLQ keeps messages 14 days', () => {
    const redrive = JSON.parse(String(queue()['redrivePolicy']));
    expect(redrive.deadLetterTargetArn).toBe(arns.dlq);
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
    expect(dlq()['messageRetentionSeconds']).toBe(14 * 24 * 3600);
    const allow = mocks.byType('aws:sqs/redriveAllowPolicy:RedriveAllowPolicy')[0]!.inputs;
    expect(JSON.parse(String(allow['redriveAllowPolicy']))).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [arns.queue] });
  });

  it('hides a message for at least 6x the consumer Lambda timeout', () => {
    expect(queue()['visibilityTimeoutSeconds']).toBeGreaterThanOrEqual(6 * LAMBDA_FUNCTIONS['backtest-consumer'].timeoutSeconds);
  });

  it('encrypts both queues and refuses non-TLS requests on both', () => {
    expect(queue()['sqsManagedSseEnabled']).toBe(true);
    expect(dlq()['sqsManagedSseEnabled']).toBe(true);
    const policies = mocks.byType('aws:sqs/queuePolicy:QueuePolicy').map((p) => JSON.parse(String(p.inputs['policy'])));
    expect(policies.map((p) => p.Statement[0].Resource).sort()).toEqual([arns.dlq, arns.queue].sort());
    for (const p of policies) expect(p.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });
});
