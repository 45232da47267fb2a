import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { TABLE_KEYS, TABLE_SCHEMAS, type TableKey } from '@tradai/contracts';
import { getTags, tableArnOutput, tableNameOutput, type TradaiConfig } from '@tradai/infra-shared';
import { dataLifecycle, dataOptions } from './lifecycle.js';
import { indexKey, tableSpec } from './dynamodb.logic.js';

export interface DynamoDbTablesArgs {
  readonly cfg: TradaiConfig;
}

type TableExportKey = ReturnType<typeof tableNameOutput> | ReturnType<typeof tableArnOutput>;

/**
 * The 12 DYNAMODB_TABLES with keys, GSIs and TTL from @tradai/contracts TABLE_SCHEMAS (see the
 * `access` note of each schema for which Lambda reads it how).
 */
export class DynamoDbTables extends pulumi.ComponentResource {
  readonly tables: Readonly<Record<TableKey, aws.dynamodb.Table>>;
  /** `dynamodb_<table>_table_name` / `_arn`: the 24 exports. */
  readonly tableExports: Record<TableExportKey, pulumi.Output<string>>;
  /** `dynamodb_index_arns`: `<table>/<index>` -> GSI ARN, so a reader's policy can name the one index it queries. */
  readonly indexArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: DynamoDbTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:DynamoDB', name, {}, opts);
    const { cfg } = args;
    const tags = getTags(cfg.environment);
    const tables = {} as Record<TableKey, aws.dynamodb.Table>;
    const lifecycle = dataLifecycle(cfg);
    for (const key of TABLE_KEYS) {
      const spec = tableSpec(key, cfg.environment, lifecycle.awsDeletionProtection);
      tables[key] = new aws.dynamodb.Table(`${name}-${key}`, { ...spec, tags }, { parent: this, ...dataOptions(lifecycle) });
    }
    this.tables = tables;
    this.tableExports = Object.fromEntries(
      TABLE_KEYS.flatMap((t) => [
        [tableNameOutput(t), tables[t].name],
        [tableArnOutput(t), tables[t].arn],
      ]),
    ) as Record<TableExportKey, pulumi.Output<string>>;
    const indexEntries = TABLE_KEYS.flatMap((t) =>
      TABLE_SCHEMAS[t].globalSecondaryIndexes.map((g) => pulumi.interpolate`${tables[t].arn}/index/${g.name}`.apply((arn) => [indexKey(t, g.name), arn] as const)),
    );
    this.indexArns = pulumi.all(indexEntries).apply((entries) => Object.fromEntries(entries));
    this.registerOutputs({ ...this.tableExports, dynamodb_index_arns: this.indexArns });
  }
}
