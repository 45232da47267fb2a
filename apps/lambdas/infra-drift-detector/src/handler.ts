import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '@tradai/contracts';
import { createDocumentClient, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { run, type Deps, type DriftReport } from './run.js';

/** Clients from exactly lambdaEnvNames('infra-drift-detector'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('infra-drift-detector', source);
  const doc = createDocumentClient();
  return {
    deployments: tableFromEnv(doc, 'deployments', env),
    configVersions: tableFromEnv(doc, 'config_versions', env),
    findings: tableFromEnv(doc, 'infra_drift_state', env),
    lambda: new LambdaClient({}),
    ecs: new ECSClient({}),
    ecr: new ECRClient({}),
    sns: new SNSClient({}),
    clusterArn: env[ENV.ecsClusterArn]!,
    alertsTopicArn: env[ENV.alertsTopicArn]!,
    environment: env[ENV.environment]!,
    now: () => new Date(),
  };
}

// Clients once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point. */
export const handler = (event: unknown): Promise<DriftReport> => run(event, deps);
