import type { ApiScope } from './api.js';
import { ENV, tableEnvName } from './env.js';
import type { LambdaName } from './lambdas.js';
import type { TableKey } from './tables.js';

/**
 * What each Lambda touches (DESIGN.md, Lambdas table). The compute stack derives each function's
 * IAM policy and environment from this map and the handlers parse exactly these variables, so
 * granting, wiring and reading cannot disagree.
 */
export interface LambdaAccess {
  readonly tables: Partial<Record<TableKey, 'read' | 'write'>>;
  readonly buckets?: Partial<Record<'configs' | 'results', 'read' | 'write'>>;
  /** Publishes to the alerts topic. */
  readonly publishesAlerts?: boolean;
  /** Starts executions of these workflows (their ARNs arrive in the environment: deferred functions). */
  readonly startsWorkflows?: readonly ('backtest' | 'retraining')[];
  /** ecs: describe/stop tasks on the cluster (orphan-cleanup) or describe services (drift detector). */
  readonly ecs?: 'stop-tasks' | 'describe';
  /** ECR: read image metadata (validate-strategy, infra-drift-detector). */
  readonly ecrRead?: boolean;
  /** Lambda: read function configuration (infra-drift-detector compares image digests). */
  readonly lambdaRead?: boolean;
  /** Invokes these functions. */
  readonly invokes?: readonly LambdaName[];
  readonly putsMetrics?: boolean;
  /** Talks to services over Service Discovery / MLflow (needs the VPC and the namespace). */
  readonly callsServices?: boolean;
  readonly callsMlflow?: boolean;
  /**
   * Calls services with a Cognito M2M access token (client credentials) carrying these scopes:
   * the function gets the M2M client secret's ARN in its environment and may read that secret.
   */
  readonly m2mScopes?: readonly ApiScope[];
  /** Function-specific settings with defaults; the stack may override them. */
  readonly settings?: Readonly<Record<string, string>>;
}

export const LAMBDA_ACCESS: Readonly<Record<LambdaName, LambdaAccess>> = {
  'backtest-consumer': { tables: { idempotency: 'write', workflow_state: 'write' }, startsWorkflows: ['backtest'] },
  'validate-strategy': { tables: { config_versions: 'read' }, buckets: { configs: 'read' }, ecrRead: true },
  'consume-results': { tables: { workflow_state: 'write' }, buckets: { results: 'read' } },
  'update-status': { tables: { workflow_state: 'write' }, publishesAlerts: true },
  'check-retraining-needed': {
    tables: { drift_state: 'read', retraining_state: 'write' },
    settings: { DRIFT_THRESHOLD: '0.3', MAX_MODEL_AGE_DAYS: '30' },
  },
  'compare-models': { tables: { retraining_state: 'write' }, callsMlflow: true, settings: { MIN_IMPROVEMENT: '0.02' } },
  'promote-model': { tables: { deployments: 'write', config_versions: 'write', retraining_state: 'write' }, callsMlflow: true },
  'health-check': { tables: { health_state: 'write' }, publishesAlerts: true, callsServices: true, settings: { HEALTH_TIMEOUT_MS: '3000' } },
  'heartbeat-monitor': { tables: { trading_state: 'read' }, putsMetrics: true, settings: { HEARTBEAT_STALE_SECONDS: '180' } },
  'drift-monitor': {
    tables: { drift_state: 'write', deployments: 'read' },
    startsWorkflows: ['retraining'],
    callsMlflow: true,
    settings: { DRIFT_THRESHOLD: '0.3' },
  },
  'infra-drift-detector': {
    tables: { infra_drift_state: 'write', deployments: 'read', config_versions: 'read' },
    ecs: 'describe',
    ecrRead: true,
    lambdaRead: true,
    publishesAlerts: true,
  },
  'orphan-cleanup': { tables: { workflow_state: 'write' }, ecs: 'stop-tasks', settings: { WORKFLOW_TIMEOUT_MINUTES: '180' } },
  'data-collection-trigger': { tables: {}, callsServices: true, m2mScopes: ['data.write'], settings: { SYMBOLS: 'BTC/USDT,ETH/USDT', TIMEFRAMES: '1h,4h,1d' } },
  rollback: { tables: { rollback_state: 'write', deployments: 'write', config_versions: 'write' }, publishesAlerts: true, callsMlflow: true },
  'shadow-test-evaluator': {
    tables: { shadow_test_state: 'write', trading_state: 'read' },
    publishesAlerts: true,
    settings: { MIN_SHADOW_HOURS: '24', MIN_PNL_EDGE: '0.0' },
  },
  'notification-dispatcher': { tables: { notifications: 'write' }, settings: { DEDUP_WINDOW_SECONDS: '300' } },
  'strategy-registrar': { tables: { config_versions: 'write', deployments: 'write' }, ecrRead: true },
  'deployment-verifier': {
    tables: { deployments: 'write', health_state: 'read', rollback_state: 'write', trading_state: 'read' },
    invokes: ['rollback'],
    publishesAlerts: true,
    settings: { VERIFY_WINDOW_MINUTES: '30', MAX_DRAWDOWN_REGRESSION: '0.05' },
  },
};

/** Name of the variable that carries an invoked function's name. */
export function functionEnvName(name: LambdaName): string {
  return `${name.toUpperCase().replaceAll('-', '_')}_FUNCTION_NAME`;
}

/**
 * Every environment variable a function reads, in a stable order. The stack must set each one;
 * the handler's env parser requires each one (settings have defaults the stack sets explicitly).
 */
export function lambdaEnvNames(name: LambdaName): string[] {
  const a = LAMBDA_ACCESS[name];
  const names: string[] = [ENV.environment, ...Object.keys(a.tables).map((t) => tableEnvName(t as TableKey))];
  if (a.buckets?.configs) names.push(ENV.configsBucket);
  if (a.buckets?.results) names.push(ENV.resultsBucket);
  if (a.publishesAlerts) names.push(ENV.alertsTopicArn);
  if (a.startsWorkflows?.includes('backtest')) names.push(ENV.backtestWorkflowArn);
  if (a.startsWorkflows?.includes('retraining')) names.push(ENV.retrainingWorkflowArn);
  if (a.ecs) names.push(ENV.ecsClusterArn);
  if (a.callsServices) names.push(ENV.serviceDiscoveryNamespace);
  if (a.callsMlflow) names.push(ENV.mlflowTrackingUri);
  if (a.m2mScopes?.length) names.push(ENV.m2mSecretArn);
  for (const f of a.invokes ?? []) names.push(functionEnvName(f));
  names.push(...Object.keys(a.settings ?? {}));
  return names;
}
