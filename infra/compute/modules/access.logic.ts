import type { LambdaName, TableKey } from '@tradai/contracts';
import type { BucketKey, ServiceName } from '@tradai/infra-shared';
import type { Workflow } from './arns.js';

/**
 * What a container workload (ECS service, the strategy task, the consolidated host) touches.
 * The Lambdas' equivalent is LAMBDA_ACCESS in @tradai/contracts; services are not in contracts
 * because only this stack reads this map (it derives the task role and the environment from it).
 */
export interface WorkloadAccess {
  readonly tables: Partial<Record<TableKey, 'read' | 'write'>>;
  readonly buckets: Partial<Record<BucketKey, 'read' | 'write'>>;
  /** Sends backtest requests to the backtest queue. */
  readonly sendsBacktests?: boolean;
  readonly startsWorkflows?: readonly Workflow[];
  /** Describes and stops executions of these workflows (cancel a backtest, answer a retried start). */
  readonly managesExecutions?: readonly Workflow[];
  readonly invokes?: readonly LambdaName[];
  readonly callsMlflow?: boolean;
  /** Reads the RDS credentials (MLflow's metadata store). */
  readonly database?: boolean;
  /**
   * Serves API routes and checks their bearer tokens against the Cognito user pool (requireAccess
   * in @tradai/service-runtime): gets the pool id and the accepted app client ids.
   */
  readonly verifiesTokens?: boolean;
  /** Publishes on the alerts topic notification-dispatcher reads (the bots' daily-loss-limit halt). */
  readonly publishesAlerts?: boolean;
  /** Reads the exchange API credentials secret (live trading only; see exchangeSecretName). */
  readonly readsExchangeSecret?: boolean;
}

/** Per service (DESIGN.md: Services), from what each serves. */
export const SERVICE_ACCESS: Readonly<Record<ServiceName, WorkloadAccess>> = {
  // Backtests (list, results, cancel), models (promote/rollback through their Lambdas), deployments,
  // trading status, manual retraining. POST /backtests goes from API Gateway straight to SQS.
  'backend-api': {
    tables: { workflow_state: 'write', deployments: 'read', trading_state: 'read', config_versions: 'read' },
    buckets: { results: 'read' },
    startsWorkflows: ['retraining'],
    managesExecutions: ['backtest', 'retraining'],
    invokes: ['rollback', 'promote-model'],
    callsMlflow: true,
    verifiesTokens: true,
  },
  'data-collection': { tables: {}, buckets: { arcticdb: 'write' }, verifiesTokens: true },
  'strategy-service': { tables: { config_versions: 'write', deployments: 'read' }, buckets: { configs: 'write' }, callsMlflow: true, verifiesTokens: true },
  mlflow: { tables: {}, buckets: { mlflow: 'write' }, database: true },
  // Trading bots (libs/trading-engine): their row in trading_state, the config version they run, the
  // candles they fetch written to the market-data store (arcticdb), their saved state and trade
  // history under trading/ in the results bucket, and a critical alert when the daily loss limit halts them.
  'live-trading': {
    tables: { trading_state: 'write', deployments: 'read', config_versions: 'read' },
    buckets: { configs: 'read', arcticdb: 'write', results: 'write' },
    callsMlflow: true,
    publishesAlerts: true,
    readsExchangeSecret: true,
  },
  'dry-run-trading': {
    tables: { trading_state: 'write', deployments: 'read', config_versions: 'read' },
    buckets: { configs: 'read', arcticdb: 'write', results: 'write' },
    callsMlflow: true,
    publishesAlerts: true,
  },
  'shadow-trading': {
    tables: { trading_state: 'write', shadow_test_state: 'read', config_versions: 'read' },
    buckets: { configs: 'read', arcticdb: 'write', results: 'write' },
    callsMlflow: true,
    publishesAlerts: true,
  },
};

/** The strategy task (backtest | train): reads configs and market data, writes results and model artifacts. */
export const STRATEGY_TASK_ACCESS: WorkloadAccess = {
  tables: {},
  buckets: { configs: 'read', arcticdb: 'read', results: 'write', mlflow: 'write' },
  callsMlflow: true,
};

/**
 * Several workloads sharing one role (the ECS task role, the consolidated host): the union, where
 * `write` wins over `read` for a table or bucket.
 */
export function mergeAccess(list: readonly WorkloadAccess[]): WorkloadAccess {
  const tables: Partial<Record<TableKey, 'read' | 'write'>> = {};
  const buckets: Partial<Record<BucketKey, 'read' | 'write'>> = {};
  for (const a of list) {
    for (const [t, mode] of Object.entries(a.tables) as [TableKey, 'read' | 'write'][]) if (tables[t] !== 'write') tables[t] = mode;
    for (const [b, mode] of Object.entries(a.buckets) as [BucketKey, 'read' | 'write'][]) if (buckets[b] !== 'write') buckets[b] = mode;
  }
  const union = <T>(pick: (a: WorkloadAccess) => readonly T[] | undefined) => [...new Set(list.flatMap((a) => pick(a) ?? []))];
  return {
    tables,
    buckets,
    sendsBacktests: list.some((a) => a.sendsBacktests),
    startsWorkflows: union((a) => a.startsWorkflows),
    managesExecutions: union((a) => a.managesExecutions),
    invokes: union((a) => a.invokes),
    callsMlflow: list.some((a) => a.callsMlflow),
    database: list.some((a) => a.database),
    verifiesTokens: list.some((a) => a.verifiesTokens),
    publishesAlerts: list.some((a) => a.publishesAlerts),
    readsExchangeSecret: list.some((a) => a.readsExchangeSecret),
  };
}

/** Split a table/bucket access map into the keys written and the keys only read, sorted. */
export function splitByMode<K extends string>(map: Partial<Record<K, 'read' | 'write'>>): { read: K[]; write: K[] } {
  const entries = Object.entries(map) as [K, 'read' | 'write'][];
  return {
    read: entries.filter(([, m]) => m === 'read').map(([k]) => k).sort(),
    write: entries.filter(([, m]) => m === 'write').map(([k]) => k).sort(),
  };
}

/** `configs` -> `CONFIGS_BUCKET` (the contracts' ENV.configsBucket / ENV.resultsBucket follow the same rule). */
export function bucketEnvName(bucket: BucketKey): string {
  return `${bucket.toUpperCase()}_BUCKET`;
}
