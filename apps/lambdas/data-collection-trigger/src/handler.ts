import { ENV, serviceDiscoveryUrl } from '@tradai/contracts';
import { listSetting } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { DATA_SYNC_PATH, DEFAULT_RETRY } from './sync.js';
import { run, type Deps, type TriggerResult } from './run.js';

/** data-collection's sync URL over Service Discovery and the configured lists, from exactly lambdaEnvNames('data-collection-trigger'). */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env): Deps {
  const env = lambdaEnv('data-collection-trigger', source);
  return {
    url: serviceDiscoveryUrl('data-collection', env[ENV.serviceDiscoveryNamespace]!, DATA_SYNC_PATH),
    symbols: listSetting(env, 'SYMBOLS'),
    timeframes: listSetting(env, 'TIMEFRAMES'),
    retry: DEFAULT_RETRY,
    fetch: globalThis.fetch,
  };
}

// Clients and settings once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point (image CMD `index.handler`). */
export const handler = (event: unknown): Promise<TriggerResult> => run(event, deps);
