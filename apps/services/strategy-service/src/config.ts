import { ENV, tableEnvName } from '@tradai/contracts';
import { parseEnv } from '@tradai/domain';
import { serviceConfig, type ServiceConfig } from '@tradai/service-runtime';
import { authConfig, type AuthConfig } from '@tradai/service-runtime';

type Source = Readonly<Record<string, string | undefined>>;

/** Variables strategy-service reads besides the common SERVICE_* and the auth ones (AUTH_ENV). */
export const STRATEGY_SERVICE_ENV = {
  configsBucket: ENV.configsBucket,
  configVersionsTable: tableEnvName('config_versions'),
} as const;

export interface StrategyServiceConfig {
  readonly service: ServiceConfig;
  readonly auth: AuthConfig;
  readonly configsBucket: string;
  readonly configVersionsTable: string;
}

/** Everything the service needs to start; a missing variable is an EnvError naming it. */
export function strategyServiceConfig(source: Source = process.env): StrategyServiceConfig {
  const env = parseEnv([STRATEGY_SERVICE_ENV.configsBucket, STRATEGY_SERVICE_ENV.configVersionsTable], source);
  return {
    service: serviceConfig('strategy-service', source),
    auth: authConfig(source),
    configsBucket: env[STRATEGY_SERVICE_ENV.configsBucket],
    configVersionsTable: env[STRATEGY_SERVICE_ENV.configVersionsTable],
  };
}
