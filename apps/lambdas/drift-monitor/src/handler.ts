import { SFNClient } from '@aws-sdk/client-sfn';
import { ENV } from '@tradai/contracts';
import { MlflowClient, createDocumentClient, numberSetting, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { modelDistributions } from './mlflow.js';
import { run, type Deps, type StrategyDrift } from './run.js';

/** Clients and settings from exactly lambdaEnvNames('drift-monitor'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('drift-monitor', source);
  const doc = createDocumentClient();
  const mlflow = new MlflowClient(env[ENV.mlflowTrackingUri]!);
  return {
    deployments: tableFromEnv(doc, 'deployments', env),
    drift: tableFromEnv(doc, 'drift_state', env),
    sfn: new SFNClient({}),
    retrainingWorkflowArn: env[ENV.retrainingWorkflowArn]!,
    distributions: (modelName, version) => modelDistributions(mlflow, modelName, version),
    threshold: numberSetting(env, 'DRIFT_THRESHOLD', { min: 0 }),
    now: () => new Date(),
  };
}

// Clients once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point. */
export const handler = (event: unknown): Promise<StrategyDrift[]> => run(event, deps);
