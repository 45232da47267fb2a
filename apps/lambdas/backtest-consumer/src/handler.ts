import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ENV } from '@tradai/contracts';
import { BacktestRequest, createDocumentClient, parseJsonEvent, tableFromEnv, WorkflowRepo } from '@tradai/domain';
import { createLogger, idempotencyPersistence, idempotent, lambdaEnv, sqsBatchHandler } from '@tradai/lambda-core';
import type { SQSRecord } from 'aws-lambda';
import { consumeRequest, type ConsumerDeps, type ConsumeOutcome } from './run.js';

const env = lambdaEnv('backtest-consumer');
const logger = createLogger('backtest-consumer');
const dynamo = new DynamoDBClient({});
const sfn = new SFNClient({});
const deps: ConsumerDeps = {
  workflows: new WorkflowRepo(tableFromEnv(createDocumentClient(dynamo), 'workflow_state', env)),
  stateMachineArn: env[ENV.backtestWorkflowArn]!,
  startExecution: async (args) => (await sfn.send(new StartExecutionCommand(args))).executionArn,
};

// Idempotent on the request id: a redelivered or re-submitted request returns the first outcome.
const consume = idempotent(
  (arg: { requestId: string; request: BacktestRequest }) => consumeRequest(deps, arg.request, arg.requestId),
  idempotencyPersistence(dynamo, env),
  { key: 'requestId' },
);

async function handleRecord(record: SQSRecord): Promise<ConsumeOutcome> {
  // Malformed bodies throw ValidationError naming the field: only this record fails, nothing is written.
  const request = parseJsonEvent(BacktestRequest, record.body, `backtest request ${record.messageId}`);
  const requestId = request.requestId ?? record.messageId;
  const outcome = await consume.run({ requestId, request });
  logger.info('backtest queued', { messageId: record.messageId, ...outcome });
  return outcome;
}

const batch = sqsBatchHandler(handleRecord, logger);

/** SQS backtest queue event source (ReportBatchItemFailures): returns the failed message ids. */
export const handler: typeof batch = (event, context) => {
  consume.config.registerLambdaContext(context);
  return batch(event, context);
};
