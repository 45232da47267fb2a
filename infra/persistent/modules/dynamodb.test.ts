import { beforeAll, describe, expect, it } from 'vitest';
import { BACKTEST_LIST_INDEX, TABLE_KEYS, TABLE_SCHEMAS } from '@tradai/contracts';
import { getTags, tableArnOutput, tableNameOutput } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;
let indexArns: Record<string, string>;
const tableName = (k: string) => `tradai-${k.replaceAll('_', '-')}-dev`;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'dev' });
  const { DynamoDbTables } = await import('./dynamodb.js');
  let component: InstanceType<typeof DynamoDbTables> | undefined;
  ({ outputs, options } = await runRecordingOptions(() => (component = new DynamoDbTables('dynamodb', { cfg: stackConfig() })).tableExports));
  indexArns = await new Promise((resolve) => component!.indexArns.apply(resolve));
});

describe('DynamoDbTables (dev)', () => {
  it('creates the 12 tables named tradai-<table>-dev', () => {
    expect(mocks.byType(T.table).map((t) => t.inputs['name']).sort()).toEqual(TABLE_KEYS.map(tableName).sort());
  });

  it.each(TABLE_KEYS)('%s: on-demand, PITR, encrypted, keys/GSIs/TTL per TABLE_SCHEMAS', (key) => {
    const table = mocks.find(T.table, `dynamodb-${key}`);
    const schema = TABLE_SCHEMAS[key];
    expect(table.inputs).toMatchObject({
      name: tableName(key),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: schema.hashKey.name,
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: false,
      tags: getTags('dev'),
    });
    expect(table.inputs['rangeKey']).toBe(schema.rangeKey?.name);
    const gsis = (table.inputs['globalSecondaryIndexes'] ?? []) as { name: string; hashKey: string; rangeKey?: string; projectionType: string }[];
    expect(gsis.map((g) => [g.name, g.hashKey, g.rangeKey])).toEqual(schema.globalSecondaryIndexes.map((g) => [g.name, g.hashKey.name, g.rangeKey?.name]));
    for (const g of gsis) expect(g.projectionType).toBe('ALL');
    expect(table.inputs['ttl']).toEqual(schema.ttlAttribute ? { attributeName: schema.ttlAttribute, enabled: true } : undefined);
    expect(optionsOf(options, T.table, table.name)).toMatchObject({ retainOnDelete: true, protect: false });
  });

  it('exports the name and ARN of each table (24 keys)', () => {
    expect(Object.keys(outputs)).toHaveLength(24);
    for (const k of TABLE_KEYS) {
      expect(outputs[tableNameOutput(k)]).toBe(tableName(k));
      expect(outputs[tableArnOutput(k)]).toBe(`arn:aws:dynamodb:eu-central-1:123456789012:table/${tableName(k)}`);
    }
  });

  it('exports every GSI ARN under <table>/<index>, including the backtest list index backend-api queries', () => {
    const expected = Object.fromEntries(
      TABLE_KEYS.flatMap((t) => TABLE_SCHEMAS[t].globalSecondaryIndexes.map((g) => [`${t}/${g.name}`, `arn:aws:dynamodb:eu-central-1:123456789012:table/${tableName(t)}/index/${g.name}`])),
    );
    expect(indexArns).toEqual(expected);
    expect(indexArns[`workflow_state/${BACKTEST_LIST_INDEX}`]).toBe(`arn:aws:dynamodb:eu-central-1:123456789012:table/tradai-workflow-state-dev/index/workflow_type-created_at-index`);
  });
});
