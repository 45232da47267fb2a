import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableEnvName, type TableKey } from '@tradai/contracts';
import { EnvError } from '../errors.js';
import type {
  ConfigVersionItem,
  DeploymentItem,
  DriftItem,
  HealthItem,
  InfraDriftItem,
  NotificationItem,
  RetrainingItem,
  RollbackItem,
  ShadowTestItem,
  TradingItem,
  WorkflowItem,
} from './items.js';
import { Table } from './table.js';

export * from './config-versions.js';
export * from './items.js';
export * from './table.js';
export * from './workflows.js';

/** Item type per table key (idempotency belongs to Powertools). */
export interface TableItems {
  workflow_state: WorkflowItem;
  idempotency: Record<string, unknown>;
  health_state: HealthItem;
  trading_state: TradingItem;
  deployments: DeploymentItem;
  drift_state: DriftItem;
  retraining_state: RetrainingItem;
  rollback_state: RollbackItem;
  shadow_test_state: ShadowTestItem;
  notifications: NotificationItem;
  infra_drift_state: InfraDriftItem;
  config_versions: ConfigVersionItem;
}

/**
 * A document client that drops undefined attributes (optional fields) and converts Sets, so items
 * can be written straight from the typed objects above.
 */
export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * A typed {@link Table} for `key`, its name read from the function's env (`WORKFLOW_STATE_TABLE`
 * etc.); throws EnvError naming the variable if the function has no access to that table.
 */
export function tableFromEnv<K extends TableKey>(doc: DynamoDBDocumentClient, key: K, env: Readonly<Record<string, string | undefined>>): Table<TableItems[K]> {
  const variable = tableEnvName(key);
  const name = env[variable];
  if (!name) throw new EnvError(`missing environment variable ${variable} (table ${key})`, [variable]);
  return new Table<TableItems[K]>(doc, key, name);
}
