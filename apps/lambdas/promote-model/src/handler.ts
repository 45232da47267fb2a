import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '@tradai/contracts';
import { ConfigVersionRepo, createDocumentClient, MlflowClient, parseEvent, PromoteModelInput, tableFromEnv, type PromoteModelOutput } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import { promoteModel, type PromoteDeps } from './run.js';

const env = lambdaEnv('promote-model');
const logger = createLogger('promote-model');
const doc = createDocumentClient(new DynamoDBClient({}));
const deps: PromoteDeps = {
  mlflow: new MlflowClient(env[ENV.mlflowTrackingUri]!),
  retraining: tableFromEnv(doc, 'retraining_state', env),
  deployments: tableFromEnv(doc, 'deployments', env),
  configVersions: new ConfigVersionRepo(tableFromEnv(doc, 'config_versions', env)),
};

/** Step Functions task PromoteModel (after decision = promote): input PromoteModelInput. */
export const handler = async (event: unknown): Promise<PromoteModelOutput> => {
  const out = await promoteModel(deps, parseEvent(PromoteModelInput, event, 'promote-model input'));
  logger.info('model promoted', { ...out });
  return out;
};
