import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '@tradai/contracts';
import { createDocumentClient, numberSetting, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { run, type Deps, type TestOutcome } from './run.js';

/** Clients and settings from exactly lambdaEnvNames('shadow-test-evaluator'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('shadow-test-evaluator', source);
  const doc = createDocumentClient();
  return {
    tests: tableFromEnv(doc, 'shadow_test_state', env),
    trading: tableFromEnv(doc, 'trading_state', env),
    sns: new SNSClient({}),
    alertsTopicArn: env[ENV.alertsTopicArn]!,
    environment: env[ENV.environment]!,
    settings: {
      minShadowHours: numberSetting(env, 'MIN_SHADOW_HOURS', { min: 0 }),
      minPnlEdge: numberSetting(env, 'MIN_PNL_EDGE', { min: -1, max: 1 }),
    },
    now: () => new Date(),
  };
}

// Clients once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point. */
export const handler = (event: unknown): Promise<TestOutcome[]> => run(event, deps);
