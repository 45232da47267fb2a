import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ENV } from '@tradai/contracts';
import { createDocumentClient, positiveIntSetting, tableFromEnv } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { run, type Deps, type HeartbeatResult } from './run.js';

/** Clients and settings from the function's environment (exactly lambdaEnvNames('heartbeat-monitor')). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('heartbeat-monitor', source);
  return {
    bots: tableFromEnv(createDocumentClient(), 'trading_state', env),
    cloudwatch: new CloudWatchClient({}),
    environment: env[ENV.environment]!,
    staleSeconds: positiveIntSetting(env, 'HEARTBEAT_STALE_SECONDS'),
    now: Date.now,
  };
}

// Clients and settings once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point (image CMD `index.handler`). */
export const handler = (event: unknown): Promise<HeartbeatResult> => run(event, deps);
