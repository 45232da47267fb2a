import { TABLE_KEYS, type TableKey } from '@tradai/contracts';
import { z } from 'zod';
import { BUCKET_KEYS, type BucketKey } from '../config/storage.js';

/**
 * The cross-stack contract (seed section 10): every output of every layer, typed. Producers
 * return exactly these keys from their program (checked by the compiler and by synth); consumers
 * read `<org>/tradai-<layer>/<env>` through `@tradai/infra-shared/pulumi` `upstream()`.
 */
export const LAYERS = ['persistent', 'foundation', 'compute', 'edge'] as const;
export type Layer = (typeof LAYERS)[number];

/** Which layers a layer reads (its StackReferences), in deployment order. */
export const UPSTREAM: Readonly<Record<Layer, readonly Layer[]>> = {
  persistent: [],
  foundation: ['persistent'],
  compute: ['persistent', 'foundation'],
  edge: ['persistent', 'foundation', 'compute'],
};

const str = z.string();
const strMap = z.record(z.string(), z.string());
const strList = z.array(z.string());

/** `dynamodb_workflow_state_table_name`, `dynamodb_workflow_state_table_arn` */
export const tableNameOutput = (t: TableKey) => `dynamodb_${t}_table_name` as const;
export const tableArnOutput = (t: TableKey) => `dynamodb_${t}_table_arn` as const;
/** `s3_configs_bucket_id` */
export const bucketIdOutput = (b: BucketKey) => `s3_${b}_bucket_id` as const;

type TableOutputs = { [K in TableKey as `dynamodb_${K}_table_name` | `dynamodb_${K}_table_arn`]: string };
type BucketOutputs = { [K in BucketKey as `s3_${K}_bucket_id`]: string };

const tableShape = Object.fromEntries(TABLE_KEYS.flatMap((t) => [[tableNameOutput(t), str], [tableArnOutput(t), str]])) as {
  [K in keyof TableOutputs]: z.ZodString;
};
const bucketShape = Object.fromEntries(BUCKET_KEYS.map((b) => [bucketIdOutput(b), str])) as {
  [K in keyof BucketOutputs]: z.ZodString;
};

export const OUTPUT_SCHEMAS = {
  persistent: z
    .object({
      /** repo key (`backend`, `backtest-consumer`, strategy names) -> repository URL */
      ecr_repository_urls: strMap,
      ecr_repository_arns: strMap,
      /** bucket key -> bucket name */
      s3_bucket_ids: strMap,
      s3_bucket_arns: strMap,
      ...bucketShape,
      ...tableShape,
      /** `<table>/<index>` (`workflow_state/workflow_type-created_at-index`) -> GSI ARN, one per TABLE_SCHEMAS index */
      dynamodb_index_arns: strMap,
      cognito_user_pool_id: str,
      cognito_user_pool_client_id: str,
      cognito_m2m_client_id: str,
      cognito_user_pool_endpoint: str,
      /** Secrets Manager secret `{client_id, client_secret, token_url, scope}` of the M2M client. */
      cognito_m2m_secret_arn: str,
      codeartifact_domain_name: str,
      codeartifact_repository_endpoint: str,
      pulumi_state_bucket_name: str,
    })
    .strict(),
  foundation: z
    .object({
      vpc_id: str,
      public_subnet_ids: strList,
      private_subnet_ids: strList,
      database_subnet_ids: strList,
      alb_security_group_id: str,
      ecs_security_group_id: str,
      lambda_security_group_id: str,
      rds_security_group_id: str,
      nat_security_group_id: str,
      vpc_endpoint_security_group_id: str,
      /** Present only when consolidated mode is on. */
      consolidated_security_group_id: str.optional(),
      rds_endpoint: str,
      rds_secret_arn: str,
      rds_database_name: str,
      rds_instance_identifier: str,
      backtest_queue_url: str,
      backtest_queue_arn: str,
      backtest_dlq_arn: str,
      sns_alerts_topic_arn: str,
      sns_registration_topic_arn: str,
    })
    .strict(),
  compute: z
    .object({
      ecs_execution_role_arn: str,
      ecs_task_role_arn: str,
      cli_ci_role_arn: str,
      /** ALB outputs are absent when isSkipAlb(). */
      alb_arn: str.optional(),
      alb_dns_name: str.optional(),
      alb_https_listener_arn: str.optional(),
      alb_http_listener_arn: str.optional(),
      /** The DNS-validated certificate made for tradai:apiDomain (edge's API custom domain serves it too). */
      api_certificate_arn: str.optional(),
      ecs_cluster_arn: str,
      strategy_task_definition_arn: str,
      /** service name -> service ARN (Fargate services only) */
      ecs_service_arns: strMap,
      service_discovery_namespace_id: str,
      /** function name (`backtest-consumer`) -> function ARN */
      lambda_function_arns: strMap,
      backtest_workflow_arn: str,
      backtest_workflow_name: str,
      retraining_workflow_name: str,
      /** Present only when consolidated mode is on. */
      consolidated_asg_name: str.optional(),
    })
    .strict(),
  edge: z
    .object({
      api_gateway_endpoint: str,
      api_gateway_id: str,
      waf_web_acl_id: str,
      waf_web_acl_arn: str,
      composite_alarm_arn: str,
      /** function name -> its error alarm ARN */
      lambda_error_alarm_arns: strMap,
      dashboard_url: str,
    })
    .strict(),
} as const satisfies Record<Layer, z.ZodObject>;

export type LayerOutputs<L extends Layer> = z.infer<(typeof OUTPUT_SCHEMAS)[L]>;

/** Validates a layer's resolved outputs against the contract; the error names each bad key. */
export function parseLayerOutputs<L extends Layer>(layer: L, outputs: unknown): LayerOutputs<L> {
  const result = OUTPUT_SCHEMAS[layer].safeParse(outputs);
  if (!result.success) {
    const problems = result.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? `not in the contract: ${i.keys.join(', ')}` : `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new Error(`tradai-${layer} outputs break the cross-stack contract:\n  ${problems.join('\n  ')}`);
  }
  return result.data as LayerOutputs<L>;
}

/** Every output key a layer may export. */
export function outputKeys(layer: Layer): string[] {
  return Object.keys(OUTPUT_SCHEMAS[layer].shape);
}
