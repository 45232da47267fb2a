import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, waitUntilTableExists, waitUntilTableNotExists, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS, TABLE_SCHEMAS, keyAttributes, tableEnvName, type TableKey } from '@tradai/contracts';
import { createDocumentClient } from '../tables/index.js';

// dynalite ships CommonJS without types.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (opts: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

/** Credentials and region for local emulators (never validated; no real account is touched). */
export const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } as const;

export interface Dynalite {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /**
   * Creates tables from TABLE_SCHEMAS (all when `keys` is omitted), each named like the env
   * var value {@link localTableName} gives. Returns key -> table name.
   */
  createTables(keys?: readonly TableKey[]): Promise<Record<TableKey, string>>;
  /**
   * Empties the tables created so far by deleting and re-creating each under the same name, so
   * handlers loaded with those names see an empty platform, whatever earlier tests wrote.
   */
  resetTables(): Promise<void>;
  /** `WORKFLOW_STATE_TABLE` -> name, for the tables created so far. */
  tableEnv(): Record<string, string>;
  stop(): Promise<void>;
}

/** Local table name for `key` (what tests put in `<KEY>_TABLE`). */
export function localTableName(key: TableKey): string {
  return `tradai-${key.replaceAll('_', '-')}-test`;
}

/** CreateTable input for one table, built from TABLE_SCHEMAS exactly like the persistent stack. */
export function createTableInput(key: TableKey, tableName = localTableName(key)): CreateTableCommandInput {
  const schema = TABLE_SCHEMAS[key];
  const keySchema = (h: { name: string }, r?: { name: string }) => [
    { AttributeName: h.name, KeyType: 'HASH' as const },
    ...(r ? [{ AttributeName: r.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(schema).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: keySchema(schema.hashKey, schema.rangeKey),
    GlobalSecondaryIndexes: schema.globalSecondaryIndexes.length
      ? schema.globalSecondaryIndexes.map((g) => ({
          IndexName: g.name,
          KeySchema: keySchema(g.hashKey, g.rangeKey),
          Projection: { ProjectionType: 'ALL' as const },
        }))
      : undefined,
  };
}

/**
 * dynalite ends CreateTable and DeleteTable on a timer even at 0 ms: on a busy machine the next
 * call can still find the table CREATING (items "not found") or DELETING (a re-create "in use").
 * Each is followed by a wait for its end state, polled fast since the emulator is local.
 */
const LOCAL_WAIT = { maxWaitTime: 30, minDelay: 0.005, maxDelay: 0.05 } as const;

async function createActive(client: DynamoDBClient, key: TableKey): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(key)));
  await waitUntilTableExists({ client, ...LOCAL_WAIT }, { TableName: localTableName(key) });
}

/**
 * Starts an in-memory dynalite on a random loopback port. Call `stop()` in afterAll.
 * TTL and transactions are not implemented by dynalite; everything else the Lambdas use is.
 */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const doc = createDocumentClient(client);
  const created = new Map<TableKey, string>();
  return {
    endpoint,
    client,
    doc,
    async createTables(keys = TABLE_KEYS) {
      for (const key of keys) {
        if (created.has(key)) continue;
        await createActive(client, key);
        created.set(key, localTableName(key));
      }
      return Object.fromEntries(created) as Record<TableKey, string>;
    },
    async resetTables() {
      for (const [key, name] of created) {
        await client.send(new DeleteTableCommand({ TableName: name }));
        await waitUntilTableNotExists({ client, ...LOCAL_WAIT }, { TableName: name });
        await createActive(client, key);
      }
    },
    tableEnv() {
      return Object.fromEntries([...created].map(([k, name]) => [tableEnvName(k), name]));
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
