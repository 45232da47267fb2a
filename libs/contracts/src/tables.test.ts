import { describe, expect, it } from 'vitest';
import { tableEnvName } from './env.js';
import { BACKTEST_LIST_INDEX, keyAttributes, TABLE_KEYS, TABLE_SCHEMAS, type TableSchema } from './tables.js';

/** `name:type`, GSIs as `index(hash[,range])`, and the TTL attribute: one line per table. */
const shape = (s: TableSchema) => ({
  keys: [s.hashKey, s.rangeKey].filter(Boolean).map((k) => `${k!.name}:${k!.type}`),
  gsis: s.globalSecondaryIndexes.map((g) => `${g.name}(${[g.hashKey, g.rangeKey].filter(Boolean).map((k) => `${k!.name}:${k!.type}`).join(',')})`),
  ttl: s.ttlAttribute ?? null,
});

describe('TABLE_SCHEMAS', () => {
  // A key or index change replaces a live DynamoDB table (its data gone with it), and the
  // persistent layer is the one never destroyed casually: such a change must show up here as a
  // deliberate edit, not slip in with a rename.
  it('keeps the key schema, indexes and TTL of every persistent table', () => {
    expect(Object.fromEntries(TABLE_KEYS.map((k) => [k, shape(TABLE_SCHEMAS[k])]))).toEqual({
      workflow_state: { keys: ['workflow_id:S'], gsis: ['status-updated_at-index(status:S,updated_at:S)', 'workflow_type-created_at-index(workflow_type:S,created_at:S)'], ttl: 'expires_at' },
      idempotency: { keys: ['id:S'], gsis: [], ttl: 'expiration' },
      health_state: { keys: ['service:S'], gsis: [], ttl: null },
      trading_state: { keys: ['bot_id:S'], gsis: ['strategy-index(strategy:S)'], ttl: null },
      deployments: { keys: ['strategy:S', 'deployed_at:S'], gsis: ['deployment_id-index(deployment_id:S)'], ttl: null },
      drift_state: { keys: ['strategy:S', 'measured_at:S'], gsis: [], ttl: null },
      retraining_state: { keys: ['strategy:S', 'started_at:S'], gsis: [], ttl: null },
      rollback_state: { keys: ['strategy:S', 'requested_at:S'], gsis: [], ttl: null },
      shadow_test_state: { keys: ['test_id:S'], gsis: ['status-index(status:S)'], ttl: null },
      notifications: { keys: ['dedup_key:S'], gsis: [], ttl: 'expires_at' },
      infra_drift_state: { keys: ['resource_id:S', 'detected_at:S'], gsis: [], ttl: null },
      config_versions: { keys: ['strategy:S', 'version:N'], gsis: [], ttl: null },
    });
    expect(BACKTEST_LIST_INDEX).toBe('workflow_type-created_at-index');
  });

  it('says who reads and writes every table', () => {
    for (const k of TABLE_KEYS) expect(TABLE_SCHEMAS[k].access.length, k).toBeGreaterThan(20);
  });
});

describe('keyAttributes', () => {
  it('lists each key attribute once: table keys first, then index keys not already listed', () => {
    expect(keyAttributes(TABLE_SCHEMAS.workflow_state)).toEqual([
      { name: 'workflow_id', type: 'S' },
      { name: 'status', type: 'S' },
      { name: 'updated_at', type: 'S' },
      { name: 'workflow_type', type: 'S' },
      { name: 'created_at', type: 'S' },
    ]);
    expect(keyAttributes(TABLE_SCHEMAS.config_versions)).toEqual([
      { name: 'strategy', type: 'S' },
      { name: 'version', type: 'N' },
    ]);
    // An index on an attribute the table key already has: defined once, with the first type seen.
    const shared: TableSchema = { hashKey: { name: 'a', type: 'S' }, globalSecondaryIndexes: [{ name: 'a-b', hashKey: { name: 'b', type: 'N' }, rangeKey: { name: 'a', type: 'S' } }], access: '' };
    expect(keyAttributes(shared)).toEqual([
      { name: 'a', type: 'S' },
      { name: 'b', type: 'N' },
    ]);
  });
});

describe('tableEnvName', () => {
  it('names the variable holding a table name after its key, upper-cased', () => {
    expect(tableEnvName('workflow_state')).toBe('WORKFLOW_STATE_TABLE');
    expect(tableEnvName('idempotency')).toBe('IDEMPOTENCY_TABLE');
  });
});
