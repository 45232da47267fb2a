import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV, LAMBDA_ACCESS, scopeClaim, serviceDiscoveryUrl } from '@tradai/contracts';
import { listSetting } from '@tradai/domain';
import { lambdaEnv } from '@tradai/lambda-core';
import { authorizedFetch, loadM2mCredentials, m2mTokenSource } from './m2m-token.js';
import { DATA_SYNC_PATH, DEFAULT_RETRY } from './sync.js';
import { run, type Deps, type TriggerResult } from './run.js';

/** The scopes LAMBDA_ACCESS grants this function (`tradai-api/data.write`): all it asks Cognito for. */
export const TOKEN_SCOPES: readonly string[] = (LAMBDA_ACCESS['data-collection-trigger'].m2mScopes ?? []).map(scopeClaim);

/**
 * data-collection's sync URL over Service Discovery, the configured lists, and a fetch that sends
 * an M2M access token, from exactly lambdaEnvNames('data-collection-trigger'). Nothing is fetched
 * here: the secret is read on the first call.
 */
export function depsFromEnv(source: Readonly<Record<string, string | undefined>> = process.env, sm: SecretsManagerClient = new SecretsManagerClient({})): Deps {
  const env = lambdaEnv('data-collection-trigger', source);
  const secretArn = env[ENV.m2mSecretArn]!;
  const tokens = m2mTokenSource({ credentials: () => loadM2mCredentials(sm, secretArn), scopes: TOKEN_SCOPES });
  return {
    url: serviceDiscoveryUrl('data-collection', env[ENV.serviceDiscoveryNamespace]!, DATA_SYNC_PATH),
    symbols: listSetting(env, 'SYMBOLS'),
    timeframes: listSetting(env, 'TIMEFRAMES'),
    retry: DEFAULT_RETRY,
    fetch: authorizedFetch(globalThis.fetch, tokens),
  };
}

// Clients, settings and the token cache once per container (module scope), as Lambda reuses them across invocations.
const deps = depsFromEnv();

/** Lambda entry point (image CMD `index.handler`). */
export const handler = (event: unknown): Promise<TriggerResult> => run(event, deps);
