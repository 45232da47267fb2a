import { describe, expect, it } from 'vitest';
import { BACKTEST_LIST_INDEX, TABLE_KEYS, TABLE_SCHEMAS, type TableSchema } from '@tradai/contracts';
import { checkTableSchema, indexKey, tableSpec } from './dynamodb.logic.js';

describe('tableSpec', () => {
  it.each(TABLE_KEYS)('%s: keys, GSIs and TTL exactly as TABLE_SCHEMAS says', (key) => {
    const schema = TABLE_SCHEMAS[key];
    const spec = tableSpec(key, 'dev', false);
    expect(spec.name).toBe(`tradai-${key.replaceAll('_', '-')}-dev`);
    expect(spec.hashKey).toBe(schema.hashKey.name);
    expect(spec.rangeKey).toBe(schema.rangeKey?.name);
    expect(spec.globalSecondaryIndexes).toEqual(
      schema.globalSecondaryIndexes.map((g) => ({ name: g.name, hashKey: g.hashKey.name, ...(g.rangeKey ? { rangeKey: g.rangeKey.name } : {}), projectionType: 'ALL' })),
    );
    expect(spec.ttl).toEqual(schema.ttlAttribute ? { attributeName: schema.ttlAttribute, enabled: true } : undefined);
    // DynamoDB rejects attribute definitions that no key schema uses: exactly the key attributes.
    const used = new Set([schema.hashKey.name, schema.rangeKey?.name, ...schema.globalSecondaryIndexes.flatMap((g) => [g.hashKey.name, g.rangeKey?.name])].filter(Boolean));
    expect(new Set(spec.attributes.map((a) => a.name))).toEqual(used);
    expect(spec.billingMode).toBe('PAY_PER_REQUEST');
    expect(spec.pointInTimeRecovery).toEqual({ enabled: true });
    expect(spec.serverSideEncryption).toEqual({ enabled: true });
  });

  it('puts TTL where records expire: idempotency (expiration), notifications and workflow_state (expires_at)', () => {
    const ttl = Object.fromEntries(TABLE_KEYS.map((k) => [k, tableSpec(k, 'dev', false).ttl?.attributeName]).filter(([, v]) => v));
    expect(ttl).toEqual({ idempotency: 'expiration', notifications: 'expires_at', workflow_state: 'expires_at' });
  });

  it('types config_versions.version as a number (monotonic version sort key)', () => {
    expect(tableSpec('config_versions', 'prod', true).attributes).toContainEqual({ name: 'version', type: 'N' });
  });

  it('lists backtests from a workflow_type/created_at GSI projecting ALL (newest-first paging in backend-api)', () => {
    const spec = tableSpec('workflow_state', 'dev', false);
    expect(spec.globalSecondaryIndexes).toContainEqual({ name: BACKTEST_LIST_INDEX, hashKey: 'workflow_type', rangeKey: 'created_at', projectionType: 'ALL' });
    expect(spec.attributes).toEqual(expect.arrayContaining([{ name: 'workflow_type', type: 'S' }, { name: 'created_at', type: 'S' }]));
    expect(indexKey('workflow_state', BACKTEST_LIST_INDEX)).toBe('workflow_state/workflow_type-created_at-index');
  });

  it('turns on deletion protection only when asked (prod)', () => {
    expect(tableSpec('deployments', 'prod', true).deletionProtectionEnabled).toBe(true);
    expect(tableSpec('deployments', 'dev', false).deletionProtectionEnabled).toBe(false);
  });
});

describe('checkTableSchema', () => {
  const base: TableSchema = { hashKey: { name: 'id', type: 'S' }, globalSecondaryIndexes: [], access: 'test' };
  it('accepts every contract schema', () => {
    for (const k of TABLE_KEYS) expect(() => checkTableSchema(k, TABLE_SCHEMAS[k])).not.toThrow();
  });
  it.each([
    [{ ...base, globalSecondaryIndexes: [{ name: 'g', hashKey: { name: 'a', type: 'S' as const } }, { name: 'g', hashKey: { name: 'b', type: 'S' as const } }] }, /GSI "g" is defined twice/],
    [{ ...base, globalSecondaryIndexes: [{ name: 'g', hashKey: { name: 'id', type: 'N' as const } }] }, /attribute "id" is typed both S and N/],
    [{ ...base, ttlAttribute: 'id' }, /TTL attribute "id" is also a key attribute/],
  ])('refuses an impossible schema, naming the table', (schema, message) => {
    expect(() => checkTableSchema('health_state', schema)).toThrow(/TABLE_SCHEMAS\.health_state/);
    expect(() => checkTableSchema('health_state', schema)).toThrow(message);
  });
});
