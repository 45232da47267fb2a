/**
 * DynamoDB table keys: one definition read by the persistent stack (to create the tables) and by
 * the Lambda tests (to create the same tables in dynalite), so the two can never drift.
 */
export const TABLE_KEYS = [
  'workflow_state',
  'idempotency',
  'health_state',
  'trading_state',
  'deployments',
  'drift_state',
  'retraining_state',
  'rollback_state',
  'shadow_test_state',
  'notifications',
  'infra_drift_state',
  'config_versions',
] as const;

export type TableKey = (typeof TABLE_KEYS)[number];

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface GlobalSecondaryIndex {
  readonly name: string;
  readonly hashKey: KeyAttribute;
  readonly rangeKey?: KeyAttribute;
}

export interface TableSchema {
  readonly hashKey: KeyAttribute;
  readonly rangeKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndex[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB TTL deletes the item after it. */
  readonly ttlAttribute?: string;
  /** Why the keys look like this: which Lambda reads it how. */
  readonly access: string;
}

/** workflow_state GSI listing one workflow type newest first (backend-api `GET /api/v1/backtests`). */
export const BACKTEST_LIST_INDEX = 'workflow_type-created_at-index';

const S = (name: string): KeyAttribute => ({ name, type: 'S' });
const N = (name: string): KeyAttribute => ({ name, type: 'N' });

export const TABLE_SCHEMAS: Readonly<Record<TableKey, TableSchema>> = {
  workflow_state: {
    hashKey: S('workflow_id'),
    globalSecondaryIndexes: [
      { name: 'status-updated_at-index', hashKey: S('status'), rangeKey: S('updated_at') },
      // Few hash values (backtest | retraining): fine at this write rate (one item per workflow), and
      // it gives one newest-first list per type that backend-api pages through.
      { name: BACKTEST_LIST_INDEX, hashKey: S('workflow_type'), rangeKey: S('created_at') },
    ],
    ttlAttribute: 'expires_at',
    access:
      'get/put by workflow_id (consumer, update-status, consume-results); orphan-cleanup queries RUNNING by status index; backend-api lists backtests newest first by workflow_type-created_at-index',
  },
  idempotency: {
    hashKey: S('id'),
    ttlAttribute: 'expiration',
    globalSecondaryIndexes: [],
    access: 'Powertools idempotency persistence layer (its default key `id` and expiry `expiration`)',
  },
  health_state: {
    hashKey: S('service'),
    globalSecondaryIndexes: [],
    access: 'health-check writes the last probe per service; deployment-verifier reads it',
  },
  trading_state: {
    hashKey: S('bot_id'),
    globalSecondaryIndexes: [{ name: 'strategy-index', hashKey: S('strategy') }],
    access: 'bots write heartbeats by bot_id; heartbeat-monitor scans; shadow-test-evaluator queries by strategy',
  },
  deployments: {
    hashKey: S('strategy'),
    rangeKey: S('deployed_at'),
    globalSecondaryIndexes: [{ name: 'deployment_id-index', hashKey: S('deployment_id') }],
    access: 'history per strategy, newest last (promote-model, strategy-registrar write; rollback restores the previous and marks rolled_back; deployment-verifier marks verified)',
  },
  drift_state: {
    hashKey: S('strategy'),
    rangeKey: S('measured_at'),
    globalSecondaryIndexes: [],
    access: 'drift-monitor appends a measurement per strategy; check-retraining-needed reads the latest',
  },
  retraining_state: {
    hashKey: S('strategy'),
    rangeKey: S('started_at'),
    globalSecondaryIndexes: [],
    access: 'one record per retraining run; check-retraining-needed reads the latest to know last-training age',
  },
  rollback_state: {
    hashKey: S('strategy'),
    rangeKey: S('requested_at'),
    globalSecondaryIndexes: [],
    access: 'rollback and deployment-verifier record each rollback per strategy',
  },
  shadow_test_state: {
    hashKey: S('test_id'),
    globalSecondaryIndexes: [{ name: 'status-index', hashKey: S('status') }],
    access: 'shadow-test-evaluator reads RUNNING tests by status and records the decision by test_id',
  },
  notifications: {
    hashKey: S('dedup_key'),
    ttlAttribute: 'expires_at',
    globalSecondaryIndexes: [],
    access: 'notification-dispatcher conditional-puts by dedup key; the TTL ends the de-duplication window',
  },
  infra_drift_state: {
    hashKey: S('resource_id'),
    rangeKey: S('detected_at'),
    globalSecondaryIndexes: [],
    access: 'infra-drift-detector appends one finding per drifted resource',
  },
  config_versions: {
    hashKey: S('strategy'),
    rangeKey: N('version'),
    globalSecondaryIndexes: [],
    access: 'monotonic config version per strategy (registrar, promote-model, rollback); validate-strategy reads latest',
  },
};

/** Every attribute that appears in a key, for `attributeDefinitions`. */
export function keyAttributes(schema: TableSchema): KeyAttribute[] {
  const all = [schema.hashKey, schema.rangeKey, ...schema.globalSecondaryIndexes.flatMap((g) => [g.hashKey, g.rangeKey])];
  const seen = new Map<string, KeyAttribute>();
  for (const a of all) if (a && !seen.has(a.name)) seen.set(a.name, a);
  return [...seen.values()];
}
