import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '@tradai/contracts';
import { createDocumentClient, parseEvent, publishAlert, tableFromEnv, UpdateStatusInput, WorkflowRepo, type UpdateStatusOutput } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import { updateStatus, type UpdateStatusDeps } from './run.js';

// Module scope: env parsed (a mis-wired function fails at init naming the variables) and clients reused across invocations.
const env = lambdaEnv('update-status');
const logger = createLogger('update-status');
const sns = new SNSClient({});
const deps: UpdateStatusDeps = {
  workflows: new WorkflowRepo(tableFromEnv(createDocumentClient(new DynamoDBClient({})), 'workflow_state', env)),
  publish: (alert) => publishAlert(sns, env[ENV.alertsTopicArn]!, alert),
};

/** Step Functions task (MarkRunning / MarkSucceeded / MarkFailed): input UpdateStatusInput. */
export const handler = async (event: unknown): Promise<UpdateStatusOutput> => {
  const input = parseEvent(UpdateStatusInput, event, 'update-status input');
  const out = await updateStatus(deps, input);
  logger.info('status updated', { ...out });
  return out;
};
