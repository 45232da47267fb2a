import { createDocumentClient, createS3Client } from '@tradai/domain';
import { botFromEnv, type BotLog } from '@tradai/trading-engine';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { lookupStrategy } from './strategies.js';

type Source = Readonly<Record<string, string | undefined>>;

/** The live bot from the environment (its log: the service's, serviceBotLog): real orders through ccxt, credentials from Secrets Manager (task role), the strategy from the bundled catalog. */
export function liveBot(env: Source, log: BotLog) {
  return botFromEnv('live', env, {
    doc: createDocumentClient(),
    s3: createS3Client({}, env),
    sns: new SNSClient({}),
    secrets: new SecretsManagerClient({}),
    strategy: lookupStrategy,
    log,
  });
}
