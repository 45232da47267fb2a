import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigVersionRepo, createDocumentClient, createS3Client, Table, type ConfigVersionItem } from '@tradai/domain';
import { createServiceApp, type ServiceApp } from '@tradai/service-runtime';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTokenVerifier, type TokenVerifier } from '@tradai/service-runtime';
import type { StrategyServiceConfig } from './config.js';
import { strategyRoutes } from './routes.js';

export interface StrategyServiceClients {
  readonly s3?: S3Client;
  readonly doc?: DynamoDBDocumentClient;
  readonly verify?: TokenVerifier;
  readonly now?: () => Date;
  readonly logStream?: { write(line: string): void };
}

/**
 * The strategy-service app: the runtime's app and the strategy routes. /health checks no store: the
 * ALB probes it every few seconds, and an S3 or DynamoDB hiccup must not cycle every task (the
 * routes answer 503 for that).
 */
export async function buildStrategyService(cfg: StrategyServiceConfig, clients: StrategyServiceClients = {}): Promise<ServiceApp> {
  const s3 = clients.s3 ?? createS3Client();
  const doc = clients.doc ?? createDocumentClient();
  const app = await createServiceApp({
    name: 'strategy-service',
    version: cfg.service.version,
    description: 'Strategies, their declared parameters and config versions (API_ROUTES rows 7-11).',
    healthPath: cfg.service.healthPath,
    logLevel: cfg.service.logLevel,
    ...(clients.logStream ? { logStream: clients.logStream } : {}),
  });
  await app.register(strategyRoutes, {
    deps: {
      s3,
      configsBucket: cfg.configsBucket,
      configVersions: new ConfigVersionRepo(new Table<ConfigVersionItem>(doc, 'config_versions', cfg.configVersionsTable)),
      verify: clients.verify ?? createTokenVerifier(cfg.auth),
      ...(clients.now ? { now: clients.now } : {}),
    },
  });
  return app;
}
