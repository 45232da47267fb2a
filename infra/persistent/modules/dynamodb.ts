import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { TABLE_KEYS, type TableKey } from '@tradai/contracts';
import { getTags, tableArnOutput, tableNameOutput, type TradaiConfig } from '@tradai/infra-shared';
import { dataProtection } from '@tradai/infra-shared/pulumi';
import { tableSpec } from './dynamodb.logic.js';

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

  constructor(name: string, args: DynamoDbTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:DynamoDB', name, {}, opts);
    const { cfg } = args;
    const tags = getTags(cfg.environment);
    const tables = {} as Record<TableKey, aws.dynamodb.Table>;
    for (const key of TABLE_KEYS) {
      const spec = tableSpec(key, cfg.environment, cfg.settings.protectData);
      tables[key] = new aws.dynamodb.Table(`${name}-${key}`, { ...spec, tags }, { parent: this, ...dataProtection(cfg) });
    }
    this.tables = tables;
    this.tableExports = Object.fromEntries(
      TABLE_KEYS.flatMap((t) => [
        [tableNameOutput(t), tables[t].name],
        [tableArnOutput(t), tables[t].arn],
      ]),
    ) as Record<TableExportKey, pulumi.Output<string>>;
    this.registerOutputs(this.tableExports);
  }
}
