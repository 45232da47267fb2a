import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '@tradai/contracts';
import { CompareModelsInput, createDocumentClient, MlflowClient, numberSetting, parseEvent, tableFromEnv, type CompareModelsOutput } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import { compareModels, type CompareDeps } from './run.js';

const env = lambdaEnv('compare-models');
const logger = createLogger('compare-models');
const deps: CompareDeps = {
  mlflow: new MlflowClient(env[ENV.mlflowTrackingUri]!),
  retraining: tableFromEnv(createDocumentClient(new DynamoDBClient({})), 'retraining_state', env),
  minImprovement: numberSetting(env, 'MIN_IMPROVEMENT', { min: 0 }),
};

/** Step Functions task CompareModels: input CompareModelsInput; the Choice state reads `decision`. */
export const handler = async (event: unknown): Promise<CompareModelsOutput> => {
  const out = await compareModels(deps, parseEvent(CompareModelsInput, event, 'compare-models input'));
  logger.info('models compared', { ...out });
  return out;
};
