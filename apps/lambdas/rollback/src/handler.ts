import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '@tradai/contracts';
import { MlflowClient, createDocumentClient, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { run, type Deps, type RollbackResult } from './run.js';

/** Clients from exactly lambdaEnvNames('rollback'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('rollback', source);
  const doc = createDocumentClient();
  return {
    deployments: tableFromEnv(doc, 'deployments', env),
    configVersions: tableFromEnv(doc, 'config_versions', env),
    rollbacks: tableFromEnv(doc, 'rollback_state', env),
    sns: new SNSClient({}),
    mlflow: new MlflowClient(env[ENV.mlflowTrackingUri]!),
    alertsTopicArn: env[ENV.alertsTopicArn]!,
    environment: env[ENV.environment]!,
    now: () => new Date(),
  };
}

// Clients once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point (invoked by the API, alarms and deployment-verifier). */
export const handler = (event: unknown): Promise<RollbackResult> => run(event, deps);
