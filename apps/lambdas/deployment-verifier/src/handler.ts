import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV, functionEnvName } from '@tradai/contracts';
import { createDocumentClient, numberSetting, positiveIntSetting, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { run, type Deps, type VerifyResult } from './run.js';

/** Clients and settings from exactly lambdaEnvNames('deployment-verifier'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('deployment-verifier', source);
  const doc = createDocumentClient();
  return {
    deployments: tableFromEnv(doc, 'deployments', env),
    health: tableFromEnv(doc, 'health_state', env),
    trading: tableFromEnv(doc, 'trading_state', env),
    rollbacks: tableFromEnv(doc, 'rollback_state', env),
    lambda: new LambdaClient({}),
    rollbackFunctionName: env[functionEnvName('rollback')]!,
    sns: new SNSClient({}),
    alertsTopicArn: env[ENV.alertsTopicArn]!,
    environment: env[ENV.environment]!,
    settings: {
      windowMinutes: positiveIntSetting(env, 'VERIFY_WINDOW_MINUTES'),
      maxDrawdownRegression: numberSetting(env, 'MAX_DRAWDOWN_REGRESSION', { min: 0, max: 1 }),
    },
    now: () => new Date(),
  };
}

// Clients once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point. */
export const handler = (event: unknown): Promise<VerifyResult> => run(event, deps);
