import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import {
  DLQ_RETENTION_SECONDS,
  QUEUE_RETENTION_SECONDS,
  RECEIVE_WAIT_SECONDS,
  backtestVisibilityTimeoutSeconds,
  queuePolicy,
  redriveAllowPolicy,
  redrivePolicy,
} from './sqs.logic.js';

export interface BacktestQueueArgs {
  readonly cfg: TradaiConfig;
}

/**
 * The backtest request queue (API Gateway sends POST /api/v1/backtests here directly; the
 * backtest-consumer Lambda drains it) and its dead-letter queue. Both are encrypted with
 * SQS-managed keys and refuse plain-HTTP requests.
 */
export class BacktestQueue extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;
  readonly dlq: aws.sqs.Queue;

  constructor(name: string, args: BacktestQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:BacktestQueue', name, {}, opts);
    const env = args.cfg.environment;
    const tags = getTags(env, 'backtest');

    this.dlq = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: getResourceName('backtest-dlq', env), messageRetentionSeconds: DLQ_RETENTION_SECONDS, sqsManagedSseEnabled: true, tags },
      { parent: this },
    );

    this.queue = new aws.sqs.Queue(
      name,
      {
        name: getResourceName('backtest-queue', env),
        visibilityTimeoutSeconds: backtestVisibilityTimeoutSeconds(),
        messageRetentionSeconds: QUEUE_RETENTION_SECONDS,
        receiveWaitTimeSeconds: RECEIVE_WAIT_SECONDS,
        sqsManagedSseEnabled: true,
        redrivePolicy: this.dlq.arn.apply((arn) => redrivePolicy(arn)),
        tags,
      },
      { parent: this },
    );

    // A separate resource: the queue references the DLQ, so the DLQ cannot reference the queue inline.
    new aws.sqs.RedriveAllowPolicy(
      `${name}-dlq-redrive-allow`,
      { queueUrl: this.dlq.url, redriveAllowPolicy: this.queue.arn.apply(redriveAllowPolicy) },
      { parent: this },
    );

    for (const [suffix, q] of [['queue', this.queue], ['dlq', this.dlq]] as const) {
      new aws.sqs.QueuePolicy(
        `${name}-${suffix}-policy`,
        { queueUrl: q.url, policy: q.arn.apply((arn) => JSON.stringify(queuePolicy(arn))) },
        { parent: this },
      );
    }

    this.registerOutputs({ queueUrl: this.queue.url, queueArn: this.queue.arn, dlqArn: this.dlq.arn });
  }
}
