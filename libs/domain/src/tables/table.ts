import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMAS, type TableKey, type TableSchema } from '@tradai/contracts';

/** Whether `err` is DynamoDB's answer to a failed `ConditionExpression`. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

export interface QueryOptions {
  /** Range key condition (sort key of the table or index). */
  readonly before?: string | number;
  readonly after?: string | number;
  readonly index?: string;
  readonly newestFirst?: boolean;
  readonly limit?: number;
}

/**
 * Typed access to one table, keyed by its TABLE_SCHEMAS definition (the same definition the
 * persistent stack creates the table from), so key names cannot drift between writer and table.
 */
export class Table<Item extends object> {
  readonly schema: TableSchema;

  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly key: TableKey,
    readonly tableName: string,
  ) {
    this.schema = TABLE_SCHEMAS[key];
  }

  /** The primary key of `item` (hash [+ range]). */
  keyOf(item: Partial<Item>): Record<string, unknown> {
    const rec = item as Record<string, unknown>;
    const out: Record<string, unknown> = { [this.schema.hashKey.name]: rec[this.schema.hashKey.name] };
    if (this.schema.rangeKey) out[this.schema.rangeKey.name] = rec[this.schema.rangeKey.name];
    for (const [k, v] of Object.entries(out)) {
      if (v === undefined) throw new Error(`${this.key}: key attribute ${k} is missing`);
    }
    return out;
  }

  /** Strongly consistent read of one item. */
  async get(key: Partial<Item>): Promise<Item | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.keyOf(key), ConsistentRead: true }));
    return res.Item as Item | undefined;
  }

  /** Unconditional put (overwrites). */
  async put(item: Item): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item as Record<string, unknown> }));
  }

  /**
   * Put only if no item with this key exists. Returns false (writes nothing) when one does:
   * the duplicate-delivery case, which callers usually treat as success.
   */
  async putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item as Record<string, unknown>,
          ConditionExpression: 'attribute_not_exists(#h)',
          ExpressionAttributeNames: { '#h': this.schema.hashKey.name },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /**
   * Sets `fields` on an existing item; with `expect`, only if each named attribute currently
   * equals the given value, or is absent where the value is `undefined` (a field that may be
   * written once, such as a recorded decision). Returns the new item, or undefined when the item
   * is missing or a condition failed (nothing written).
   */
  async update(key: Partial<Item>, fields: Partial<Item>, expect: Partial<Item> = {}): Promise<Item | undefined> {
    const names: Record<string, string> = { '#h': this.schema.hashKey.name };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    Object.entries(fields).forEach(([k, v], i) => {
      if (v === undefined) return;
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      sets.push(`#f${i} = :f${i}`);
    });
    const conds = ['attribute_exists(#h)'];
    Object.entries(expect).forEach(([k, v], i) => {
      names[`#e${i}`] = k;
      if (v === undefined) {
        conds.push(`attribute_not_exists(#e${i})`);
        return;
      }
      values[`:e${i}`] = v;
      conds.push(`#e${i} = :e${i}`);
    });
    if (sets.length === 0) throw new Error(`${this.key}: update with no fields`);
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.keyOf(key),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conds.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return res.Attributes as Item;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  /**
   * Items with hash key `hashValue` (on the table or a GSI), optionally bounded on the range key,
   * oldest first unless `newestFirst`. Follows pagination until `limit` items or the end.
   */
  async query(hashValue: string | number, opts: QueryOptions = {}): Promise<Item[]> {
    const gsi = opts.index ? this.schema.globalSecondaryIndexes.find((g) => g.name === opts.index) : undefined;
    if (opts.index && !gsi) throw new Error(`${this.key}: no index named ${opts.index}`);
    const hashName = gsi ? gsi.hashKey.name : this.schema.hashKey.name;
    const rangeName = gsi ? gsi.rangeKey?.name : this.schema.rangeKey?.name;
    const names: Record<string, string> = { '#h': hashName };
    const values: Record<string, unknown> = { ':h': hashValue };
    let cond = '#h = :h';
    if ((opts.before !== undefined || opts.after !== undefined) && !rangeName) {
      throw new Error(`${this.key}: range condition on ${opts.index ?? 'table'} without a range key`);
    }
    if (rangeName && opts.before !== undefined && opts.after !== undefined) {
      names['#r'] = rangeName;
      values[':a'] = opts.after;
      values[':b'] = opts.before;
      cond += ' AND #r BETWEEN :a AND :b';
    } else if (rangeName && opts.before !== undefined) {
      names['#r'] = rangeName;
      values[':b'] = opts.before;
      cond += ' AND #r < :b';
    } else if (rangeName && opts.after !== undefined) {
      names['#r'] = rangeName;
      values[':a'] = opts.after;
      cond += ' AND #r > :a';
    }
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: opts.index,
          KeyConditionExpression: cond,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: !opts.newestFirst,
          Limit: opts.limit ? opts.limit - items.length : undefined,
          ExclusiveStartKey: start,
          // GSIs only support eventually consistent reads.
          ConsistentRead: opts.index ? undefined : true,
        }),
      );
      items.push(...((res.Items ?? []) as Item[]));
      start = res.LastEvaluatedKey;
    } while (start && (!opts.limit || items.length < opts.limit));
    return items;
  }

  /** The item with the greatest range key for `hashValue` (latest version / measurement / deployment). */
  async latest(hashValue: string): Promise<Item | undefined> {
    if (!this.schema.rangeKey) throw new Error(`${this.key}: latest() needs a range key`);
    const [item] = await this.query(hashValue, { newestFirst: true, limit: 1 });
    return item;
  }

  /** Every item (paginated scan). For small operational tables only (bots, services). */
  async scan(): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start }));
      items.push(...((res.Items ?? []) as Item[]));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
