import { SQS_VISIBILITY_TIMEOUT_FACTOR } from '@tradai/infra-shared';
import { parseJsonInput, type PlanGraph } from '../plan/graph.js';
import { isTlsOnlyDeny, policyStatements } from '../plan/iam.js';
import type { LocatedResource } from '../plan/model.js';
import { T } from '../plan/tokens.js';
import { finding, type Rule } from './types.js';
import { isFalse, isTrue, num, obj, str } from './util.js';

/** Receives before a message moves to the DLQ: enough to ride out throttling and a deploy. */
export const MIN_MAX_RECEIVE_COUNT = 5;
/** SQS defaults when the input is absent. */
const DEFAULT_VISIBILITY_SECONDS = 30;
const DEFAULT_RETENTION_SECONDS = 345_600;
/** Lambda's default timeout when the input is absent. */
const DEFAULT_LAMBDA_TIMEOUT_SECONDS = 3;

interface Redrive {
  readonly deadLetterTargetArn?: string;
  readonly maxReceiveCount?: number;
  /** Where the policy was found, for messages. */
  readonly property: string;
}

/** A queue's redrive policy: its `redrivePolicy` input, or a separate `sqs.RedrivePolicy` whose `queueUrl` is the queue. */
export function redriveOf(graph: PlanGraph, q: LocatedResource): Redrive | undefined {
  const fromDoc = (doc: unknown, property: string): Redrive | undefined => {
    const p = obj(parseJsonInput(doc));
    if (Object.keys(p).length === 0) return undefined;
    return { deadLetterTargetArn: str(p['deadLetterTargetArn']), maxReceiveCount: num(p['maxReceiveCount']), property };
  };
  return (
    fromDoc(q.inputs['redrivePolicy'], 'redrivePolicy') ??
    graph
      .referencing(q, T.sqsRedrivePolicy, 'queueUrl')
      .map((r) => fromDoc(r.inputs['redrivePolicy'], `RedrivePolicy ${r.name}.redrivePolicy`))
      .find((r) => r !== undefined)
  );
}

/** Queues whose redrive policy targets `q`: `q` is their dead-letter queue. */
export function sourcesOfDlq(graph: PlanGraph, q: LocatedResource): LocatedResource[] {
  return graph.ofType(...T.sqsQueue).filter((src) => src !== q && graph.refersTo(redriveOf(graph, src)?.deadLetterTargetArn, q));
}

/** Other places a queue serves as a dead-letter or on-failure destination (type, input path). */
const DLQ_REFERENCES: readonly (readonly [string, string])[] = [
  ['aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'destinationConfig.onFailure.destination'],
  ['aws:lambda/function:Function', 'deadLetterConfig.targetArn'],
  ['aws:lambda/eventSourceMapping:EventSourceMapping', 'destinationConfig.onFailure.destinationArn'],
  ['aws:scheduler/schedule:Schedule', 'target.deadLetterConfig.arn'],
  ['aws:cloudwatch/eventTarget:EventTarget', 'deadLetterConfig.arn'],
];

/**
 * Everything that uses `q` as its dead-letter queue: SQS queues by redrive policy, Lambda async
 * destinations and DLQs, scheduler and EventBridge targets, SNS subscriptions' redrive policies.
 */
export function dlqUsers(graph: PlanGraph, q: LocatedResource): LocatedResource[] {
  const snsSubscriptions = graph
    .ofType('aws:sns/topicSubscription:TopicSubscription')
    .filter((s) => graph.refersTo(obj(parseJsonInput(s.inputs['redrivePolicy']))['deadLetterTargetArn'], q));
  return [...sourcesOfDlq(graph, q), ...DLQ_REFERENCES.flatMap(([type, path]) => graph.referencing(q, [type], path)), ...snsSubscriptions];
}

export const MESSAGING_RULES: readonly Rule[] = [
  {
    id: 'TRADAI-SQS-001',
    mirrors: ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy'],
    severity: 'high',
    description: 'Every SQS queue that is not itself a dead-letter queue (of a queue, a Lambda, a schedule or a subscription) has a redrive policy to one.',
    types: T.sqsQueue,
    check: (q, { graph }) => {
      if (dlqUsers(graph, q).length > 0) return [];
      const redrive = redriveOf(graph, q);
      if (!redrive?.deadLetterTargetArn) return [finding('redrivePolicy', 'has no dead-letter queue (redrivePolicy.deadLetterTargetArn)')];
      return [];
    },
  },
  {
    id: 'TRADAI-SQS-002',
    mirrors: ['AWS SQS/Lambda guidance: maxReceiveCount >= 5'],
    severity: 'medium',
    description: `Redrive policies allow at least ${MIN_MAX_RECEIVE_COUNT} receives before a message moves to the DLQ.`,
    types: T.sqsQueue,
    check: (q, { graph }) => {
      const redrive = redriveOf(graph, q);
      if (!redrive) return [];
      const n = redrive.maxReceiveCount;
      return n !== undefined && n >= MIN_MAX_RECEIVE_COUNT ? [] : [finding(`${redrive.property}.maxReceiveCount`, `is ${n ?? 'unset'}; at least ${MIN_MAX_RECEIVE_COUNT}`)];
    },
  },
  {
    id: 'TRADAI-SQS-003',
    mirrors: ['Serverless-LambdaEventSourceSQSVisibilityTimeout'],
    severity: 'high',
    description: `A queue consumed by a Lambda has a visibility timeout >= ${SQS_VISIBILITY_TIMEOUT_FACTOR}x the function timeout.`,
    types: T.sqsQueue,
    check: (q, { graph }) => {
      const visibility = num(q.inputs['visibilityTimeoutSeconds']) ?? DEFAULT_VISIBILITY_SECONDS;
      return graph.referencing(q, T.eventSourceMapping, 'eventSourceArn').flatMap((mapping) => {
        const fn = graph.resolve(mapping.inputs['functionName'], ...T.lambdaFunction);
        if (!fn) return [];
        const timeout = num(fn.inputs['timeout']) ?? DEFAULT_LAMBDA_TIMEOUT_SECONDS;
        const needed = SQS_VISIBILITY_TIMEOUT_FACTOR * timeout;
        return visibility >= needed ? [] : [finding('visibilityTimeoutSeconds', `is ${visibility}s; consumer ${fn.name} times out after ${timeout}s, so at least ${needed}s`)];
      });
    },
  },
  {
    id: 'TRADAI-SQS-004',
    mirrors: ['AwsSolutions-SQS2', 'CKV_AWS_27'],
    severity: 'medium',
    description: 'SQS queues are encrypted at rest (SSE-SQS or a KMS key), explicitly.',
    types: T.sqsQueue,
    check: (q) => (str(q.inputs['kmsMasterKeyId']) || isTrue(q.inputs['sqsManagedSseEnabled']) ? [] : [finding('sqsManagedSseEnabled', isFalse(q.inputs['sqsManagedSseEnabled']) ? 'is false and no kmsMasterKeyId is set' : 'is not set (and no kmsMasterKeyId)')]),
  },
  {
    id: 'TRADAI-SQS-005',
    mirrors: ['AwsSolutions-SQS4'],
    severity: 'medium',
    description: 'SQS queue policies deny requests without TLS.',
    types: T.sqsQueue,
    check: (q, { graph }) => {
      const docs = [q.inputs['policy'], ...graph.referencing(q, T.sqsQueuePolicy, 'queueUrl').map((p) => p.inputs['policy'])];
      return docs.some((d) => policyStatements(d).some(isTlsOnlyDeny)) ? [] : [finding('policy', 'has no queue policy statement denying aws:SecureTransport=false')];
    },
  },
  {
    id: 'TRADAI-SQS-006',
    mirrors: ['AWS SQS docs: DLQ retention longer than the source queue'],
    severity: 'medium',
    description: 'A dead-letter queue retains messages longer than every queue feeding it (expiry counts from the original enqueue).',
    types: T.sqsQueue,
    check: (dlq, { graph }) => {
      const retention = num(dlq.inputs['messageRetentionSeconds']) ?? DEFAULT_RETENTION_SECONDS;
      return sourcesOfDlq(graph, dlq)
        .filter((src) => (num(src.inputs['messageRetentionSeconds']) ?? DEFAULT_RETENTION_SECONDS) >= retention)
        .map((src) => finding('messageRetentionSeconds', `is ${retention}s, not longer than source queue ${src.name} (${num(src.inputs['messageRetentionSeconds']) ?? DEFAULT_RETENTION_SECONDS}s)`));
    },
  },
  {
    id: 'TRADAI-SNS-001',
    mirrors: ['AwsSolutions-SNS2', 'CKV_AWS_26'],
    severity: 'medium',
    description: 'SNS topics are encrypted with a KMS key.',
    types: T.snsTopic,
    check: (t) => (str(t.inputs['kmsMasterKeyId']) ? [] : [finding('kmsMasterKeyId', 'is not set')]),
  },
  {
    id: 'TRADAI-SNS-002',
    mirrors: ['AwsSolutions-SNS3'],
    severity: 'medium',
    description: 'SNS topic policies deny publishing without TLS.',
    types: T.snsTopic,
    check: (t, { graph }) => {
      const docs = [t.inputs['policy'], ...graph.referencing(t, T.snsTopicPolicy, 'arn').map((p) => p.inputs['policy'])];
      return docs.some((d) => policyStatements(d).some(isTlsOnlyDeny)) ? [] : [finding('policy', 'has no topic policy statement denying aws:SecureTransport=false')];
    },
  },
];
