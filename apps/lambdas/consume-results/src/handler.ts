import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '@tradai/contracts';
import { ConsumeResultsInput, createDocumentClient, createS3Client, parseEvent, readS3Text, tableFromEnv, WorkflowRepo } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import { consumeResults, type ConsumeResultsDeps, type ConsumeResultsOutput } from './run.js';

const env = lambdaEnv('consume-results');
const logger = createLogger('consume-results');
const s3 = createS3Client();
const bucket = env[ENV.resultsBucket]!;
const deps: ConsumeResultsDeps = {
  workflows: new WorkflowRepo(tableFromEnv(createDocumentClient(new DynamoDBClient({})), 'workflow_state', env)),
  bucket,
  readObject: (key) => readS3Text(s3, bucket, key),
};

/** Step Functions task ConsumeResults: input ConsumeResultsInput, output the stored metrics. */
export const handler = async (event: unknown): Promise<ConsumeResultsOutput> => {
  const out = await consumeResults(deps, parseEvent(ConsumeResultsInput, event, 'consume-results input'));
  logger.info('results stored', { workflowId: out.workflowId, metrics: out.metrics });
  return out;
};
