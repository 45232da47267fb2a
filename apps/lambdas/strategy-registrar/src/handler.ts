import { ECRClient } from '@aws-sdk/client-ecr';
import { createDocumentClient, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import type { SNSEvent } from 'aws-lambda';
import { run, type Deps, type RegistrationResult } from './run.js';

/** Clients from exactly lambdaEnvNames('strategy-registrar'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('strategy-registrar', source);
  const doc = createDocumentClient();
  return {
    configVersions: tableFromEnv(doc, 'config_versions', env),
    deployments: tableFromEnv(doc, 'deployments', env),
    ecr: new ECRClient({}),
    now: () => new Date(),
  };
}

// Clients once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point (subscribed to the registration topic). */
export const handler = (event: SNSEvent): Promise<RegistrationResult[]> => run(event, deps);
