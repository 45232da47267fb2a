import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ENV } from '@tradai/contracts';
import { ConfigVersionRepo, createDocumentClient, createS3Client, parseEvent, readS3Text, tableFromEnv, ValidateStrategyInput, type ValidateStrategyOutput } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import { validateStrategy, type ValidateDeps } from './run.js';

const env = lambdaEnv('validate-strategy');
const logger = createLogger('validate-strategy');
const s3 = createS3Client();
const ecr = new ECRClient({});
const configsBucket = env[ENV.configsBucket]!;
const deps: ValidateDeps = {
  configVersions: new ConfigVersionRepo(tableFromEnv(createDocumentClient(new DynamoDBClient({})), 'config_versions', env)),
  configsBucket,
  readConfig: (key) => readS3Text(s3, configsBucket, key),
  describeImage: (ref) =>
    ecr.send(
      new DescribeImagesCommand({
        repositoryName: ref.repository,
        imageIds: [ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag }],
      }),
    ),
};

/** Step Functions task ValidateStrategy: input ValidateStrategyInput, output ValidateStrategyOutput. */
export const handler = async (event: unknown): Promise<ValidateStrategyOutput> => {
  const out = await validateStrategy(deps, parseEvent(ValidateStrategyInput, event, 'validate-strategy input'));
  logger.info('strategy valid', { workflowId: out.workflowId, strategy: out.strategy, configVersion: out.configVersion });
  return out;
};
