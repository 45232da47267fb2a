import { SNSClient } from '@aws-sdk/client-sns';
import { ENV, SERVICE_ENDPOINT_NAMES } from '@tradai/contracts';
import { createDocumentClient, positiveIntSetting, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { serviceDiscoveryResolver } from './health.js';
import { run, type Deps, type HealthCheckResult } from './run.js';

/** Clients and settings from exactly lambdaEnvNames('health-check'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('health-check', source);
  return {
    health: tableFromEnv(createDocumentClient(), 'health_state', env),
    sns: new SNSClient({}),
    alertsTopicArn: env[ENV.alertsTopicArn]!,
    environment: env[ENV.environment]!,
    services: SERVICE_ENDPOINT_NAMES,
    resolve: serviceDiscoveryResolver(env[ENV.serviceDiscoveryNamespace]!),
    timeoutMs: positiveIntSetting(env, 'HEALTH_TIMEOUT_MS'),
    fetch: globalThis.fetch,
  };
}

// Clients and settings once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point (image CMD `index.handler`). */
export const handler = (event: unknown): Promise<HealthCheckResult> => run(event, deps);
