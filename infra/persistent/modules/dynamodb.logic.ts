import { TABLE_SCHEMAS, keyAttributes, type TableKey, type TableSchema } from '@tradai/contracts';
import { DYNAMODB_TABLES, getResourceName, type Environment } from '@tradai/infra-shared';

/** The plain `aws.dynamodb.Table` arguments for one table (everything but tags). */
export interface TableSpec {
  readonly name: string;
  readonly billingMode: 'PAY_PER_REQUEST';
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly attributes: { readonly name: string; readonly type: 'S' | 'N' }[];
  readonly globalSecondaryIndexes: { readonly name: string; readonly hashKey: string; readonly rangeKey?: string; readonly projectionType: 'ALL' }[];
  readonly ttl?: { readonly attributeName: string; readonly enabled: true };
  readonly pointInTimeRecovery: { readonly enabled: true };
  readonly serverSideEncryption: { readonly enabled: true };
  readonly deletionProtectionEnabled: boolean;
}

/** Throws naming the table when a schema could not be created as written. */
export function checkTableSchema(key: TableKey, schema: TableSchema): void {
  const where = `TABLE_SCHEMAS.${key}`;
  const names = schema.globalSecondaryIndexes.map((g) => g.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`${where}: GSI "${dup}" is defined twice`);
  // DynamoDB: an attribute used in two key schemas must have one type.
  const types = new Map<string, string>();
  for (const a of [schema.hashKey, schema.rangeKey, ...schema.globalSecondaryIndexes.flatMap((g) => [g.hashKey, g.rangeKey])]) {
    if (!a) continue;
    const seen = types.get(a.name);
    if (seen && seen !== a.type) throw new Error(`${where}: attribute "${a.name}" is typed both ${seen} and ${a.type}`);
    types.set(a.name, a.type);
  }
  if (schema.ttlAttribute !== undefined && types.has(schema.ttlAttribute)) {
    throw new Error(`${where}: TTL attribute "${schema.ttlAttribute}" is also a key attribute`);
  }
}

/**
 * The table for a TABLE_KEYS entry, straight from TABLE_SCHEMAS (the same schema the Lambda
 * tests create in dynalite): on-demand billing, point-in-time recovery, encryption at rest,
 * every GSI projecting ALL (the readers fetch whole records), TTL only where the schema names
 * an expiry attribute, and deletion protection where data is protected (prod).
 */
export function tableSpec(key: TableKey, env: Environment, deletionProtection: boolean): TableSpec {
  const schema = TABLE_SCHEMAS[key];
  checkTableSchema(key, schema);
  return {
    name: getResourceName(DYNAMODB_TABLES[key], env),
    billingMode: 'PAY_PER_REQUEST',
    hashKey: schema.hashKey.name,
    ...(schema.rangeKey ? { rangeKey: schema.rangeKey.name } : {}),
    attributes: keyAttributes(schema).map((a) => ({ name: a.name, type: a.type })),
    globalSecondaryIndexes: schema.globalSecondaryIndexes.map((g) => ({
      name: g.name,
      hashKey: g.hashKey.name,
      ...(g.rangeKey ? { rangeKey: g.rangeKey.name } : {}),
      projectionType: 'ALL' as const,
    })),
    ...(schema.ttlAttribute ? { ttl: { attributeName: schema.ttlAttribute, enabled: true as const } } : {}),
    pointInTimeRecovery: { enabled: true },
    // AWS-owned key: encryption at rest without KMS charges.
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: deletionProtection,
  };
}

/** Key of a GSI in the `dynamodb_index_arns` export: `workflow_state/workflow_type-created_at-index`. */
export function indexKey(table: TableKey, index: string): string {
  return `${table}/${index}`;
}
