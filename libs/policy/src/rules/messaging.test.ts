import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../engine.js';
import { PlanGraph } from '../plan/graph.js';
import { arnOf, res } from './__fixtures__/builders.js';
import { RULES } from './index.js';
import { dlqUsers } from './messaging.js';

const sqs001 = RULES.filter((r) => r.id === 'TRADAI-SQS-001');
const asyncDlq = res('aws:sqs/queue:Queue', 'async-dlq', { name: 'tradai-lambda-async-dlq-dev', sqsManagedSseEnabled: true }, 'compute');

describe('dead-letter queues of other services', () => {
  it.each([
    ['a Lambda async on-failure destination', res('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'fn-async', { functionName: 'f', destinationConfig: { onFailure: { destination: arnOf(asyncDlq) } } }, 'compute')],
    ['a Lambda dead-letter config', res('aws:lambda/function:Function', 'fn', { deadLetterConfig: { targetArn: arnOf(asyncDlq) } }, 'compute')],
    ['a scheduler target', res('aws:scheduler/schedule:Schedule', 'sched', { target: { arn: 'arn:aws:lambda:x', deadLetterConfig: { arn: arnOf(asyncDlq) } } }, 'compute')],
    ['an EventBridge target', res('aws:cloudwatch/eventTarget:EventTarget', 'target', { rule: 'r', arn: 'arn:aws:lambda:x', deadLetterConfig: { arn: arnOf(asyncDlq) } }, 'compute')],
    ['an SNS subscription', res('aws:sns/topicSubscription:TopicSubscription', 'sub', { topic: 't', protocol: 'lambda', redrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(asyncDlq) }) }, 'compute')],
  ])('a queue used by %s needs no DLQ of its own', (_what, user) => {
    const graph = new PlanGraph('dev', [asyncDlq, user]);
    expect(dlqUsers(graph, asyncDlq)).toEqual([user]);
    expect(evaluatePolicy(graph, sqs001, []).violations).toEqual([]);
  });

  it('a queue nobody uses as a DLQ still needs one', () => {
    expect(evaluatePolicy(new PlanGraph('dev', [asyncDlq]), sqs001, []).violations.map((v) => v.property)).toEqual(['redrivePolicy']);
  });
});
