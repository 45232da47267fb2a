import { ENV, functionEnvName, tableEnvName } from '@tradai/contracts';
import { EnvError, numberSetting, parseEnv } from '@tradai/domain';
import { authConfig, serviceConfig, type AuthConfig, type ServiceConfig } from '@tradai/service-runtime';

type Source = Readonly<Record<string, string | undefined>>;

/**
 * What backend-api reads besides the runtime settings every service has. The compute stack sets
 * these from SERVICE_ACCESS['backend-api'] (tables, buckets, workflows, invoked functions, MLflow).
 */
export const BACKEND_ENV = {
  workflowTable: tableEnvName('workflow_state'),
  deploymentsTable: tableEnvName('deployments'),
  tradingTable: tableEnvName('trading_state'),
  configVersionsTable: tableEnvName('config_versions'),
  resultsBucket: ENV.resultsBucket,
  /** Fallback execution ARN for a QUEUED backtest the consumer has not annotated yet (cancel). */
  backtestWorkflowArn: ENV.backtestWorkflowArn,
  retrainingWorkflowArn: ENV.retrainingWorkflowArn,
  mlflowTrackingUri: ENV.mlflowTrackingUri,
  rollbackFunction: functionEnvName('rollback'),
  promoteFunction: functionEnvName('promote-model'),
} as const;

/** Optional: seconds after which a bot's heartbeat counts as stale (heartbeat-monitor's setting, same default). */
export const HEARTBEAT_STALE_SECONDS = 'HEARTBEAT_STALE_SECONDS';

export interface BackendConfig {
  readonly service: ServiceConfig;
  readonly tables: { readonly workflows: string; readonly deployments: string; readonly trading: string; readonly configVersions: string };
  readonly resultsBucket: string;
  readonly backtestWorkflowArn: string;
  readonly retrainingWorkflowArn: string;
  readonly mlflowTrackingUri: string;
  readonly functions: { readonly rollback: string; readonly promoteModel: string };
  readonly heartbeatStaleSeconds: number;
}

/** Reads the whole configuration; one EnvError names every missing variable. */
export function backendConfig(source: Source = process.env): BackendConfig {
  const service = serviceConfig('backend-api', source);
  const e = parseEnv(Object.values(BACKEND_ENV), source);
  const stale = (source[HEARTBEAT_STALE_SECONDS] ?? '').trim() === '' ? 180 : numberSetting(source, HEARTBEAT_STALE_SECONDS, { min: 1, integer: true });
  return {
    service,
    tables: {
      workflows: e[BACKEND_ENV.workflowTable],
      deployments: e[BACKEND_ENV.deploymentsTable],
      trading: e[BACKEND_ENV.tradingTable],
      configVersions: e[BACKEND_ENV.configVersionsTable],
    },
    resultsBucket: e[BACKEND_ENV.resultsBucket],
    backtestWorkflowArn: e[BACKEND_ENV.backtestWorkflowArn],
    retrainingWorkflowArn: e[BACKEND_ENV.retrainingWorkflowArn],
    mlflowTrackingUri: e[BACKEND_ENV.mlflowTrackingUri],
    functions: { rollback: e[BACKEND_ENV.rollbackFunction], promoteModel: e[BACKEND_ENV.promoteFunction] },
    heartbeatStaleSeconds: stale,
  };
}

/**
 * Everything main reads at start: the service settings and the token settings. Both readers run,
 * and one EnvError names every bad variable of either, so a mis-wired task is fixed in one deploy.
 */
export function startupConfig(source: Source = process.env): { config: BackendConfig; auth: AuthConfig } {
  const errors: EnvError[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof EnvError)) throw err;
      errors.push(err);
      return undefined;
    }
  };
  const config = attempt(() => backendConfig(source));
  const auth = attempt(() => authConfig(source));
  if (errors.length > 0 || !config || !auth) {
    throw new EnvError(errors.map((e) => e.message).join('; '), errors.flatMap((e) => e.variables));
  }
  return { config, auth };
}
