import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CheckRetrainingInput, createDocumentClient, numberSetting, parseEvent, positiveIntSetting, tableFromEnv, type CheckRetrainingOutput } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import { checkRetraining, type CheckDeps } from './run.js';

const env = lambdaEnv('check-retraining-needed');
const logger = createLogger('check-retraining-needed');
const doc = createDocumentClient(new DynamoDBClient({}));
const deps: CheckDeps = {
  drift: tableFromEnv(doc, 'drift_state', env),
  retraining: tableFromEnv(doc, 'retraining_state', env),
  thresholds: {
    driftThreshold: numberSetting(env, 'DRIFT_THRESHOLD', { min: 0, max: 1 }),
    maxModelAgeDays: positiveIntSetting(env, 'MAX_MODEL_AGE_DAYS'),
  },
};

/** Step Functions task CheckRetrainingNeeded: input CheckRetrainingInput; the Choice state reads `retrain`. */
export const handler = async (event: unknown): Promise<CheckRetrainingOutput> => {
  const out = await checkRetraining(deps, parseEvent(CheckRetrainingInput, event, 'check-retraining-needed input'));
  logger.info('retraining decision', { ...out });
  return out;
};
