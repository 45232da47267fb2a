import { TABLE_KEYS, TABLE_SCHEMAS } from '@tradai/contracts';
import { allEcrRepoKeys, getEcrRepoName } from '../config/ecr.js';
import type { Environment } from '../config/environment.js';
import { getResourceName, getStackReferenceName } from '../config/naming.js';
import { BUCKET_KEYS } from '../config/storage.js';
import { LAMBDA_NAMES } from '../config/lambdas.js';
import { SERVICE_NAMES } from '../config/services.js';
import { UPSTREAM, bucketIdOutput, parseLayerOutputs, tableArnOutput, tableNameOutput, type Layer, type LayerOutputs } from '../contract/outputs.js';
import { MOCK_ACCOUNT_ID, MOCK_REGION } from './resource-state.js';

const arn = (service: string, resource: string) => `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${resource}`;

/**
 * Contract-conforming outputs of a layer, for testing a downstream layer alone. Built from the
 * same naming helpers the producers use, and validated against the contract before use.
 */
export function fixtureOutputs<L extends Layer>(layer: L, env: Environment, strategyRepos: readonly string[] = []): LayerOutputs<L> {
  const n = (c: string) => getResourceName(c, env);
  const all: { [K in Layer]: LayerOutputs<K> } = {
    persistent: {
      ecr_repository_urls: Object.fromEntries(allEcrRepoKeys(strategyRepos).map((k) => [k, `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${getEcrRepoName(k)}`])),
      ecr_repository_arns: Object.fromEntries(allEcrRepoKeys(strategyRepos).map((k) => [k, arn('ecr', `repository/${getEcrRepoName(k)}`)])),
      s3_bucket_ids: Object.fromEntries(BUCKET_KEYS.map((b) => [b, n(b)])),
      s3_bucket_arns: Object.fromEntries(BUCKET_KEYS.map((b) => [b, `arn:aws:s3:::${n(b)}`])),
      ...Object.fromEntries(BUCKET_KEYS.map((b) => [bucketIdOutput(b), n(b)])),
      ...Object.fromEntries(TABLE_KEYS.flatMap((t) => [[tableNameOutput(t), n(t)], [tableArnOutput(t), arn('dynamodb', `table/${n(t)}`)]])),
      dynamodb_index_arns: Object.fromEntries(
        TABLE_KEYS.flatMap((t) => TABLE_SCHEMAS[t].globalSecondaryIndexes.map((g) => [`${t}/${g.name}`, arn('dynamodb', `table/${n(t)}/index/${g.name}`)])),
      ),
      cognito_user_pool_id: `${MOCK_REGION}_fixture`,
      cognito_user_pool_client_id: 'fixtureclientid',
      cognito_m2m_client_id: 'fixturem2mclientid',
      cognito_user_pool_endpoint: `cognito-idp.${MOCK_REGION}.amazonaws.com/${MOCK_REGION}_fixture`,
      cognito_m2m_secret_arn: arn('secretsmanager', `secret:${n('cognito-m2m')}-AbCdEf`),
      codeartifact_domain_name: 'tradai',
      codeartifact_repository_endpoint: `https://tradai-${MOCK_ACCOUNT_ID}.d.codeartifact.${MOCK_REGION}.amazonaws.com/pypi/${n('python')}/`,
      pulumi_state_bucket_name: n('pulumi-state'),
    } as LayerOutputs<'persistent'>,
    foundation: {
      vpc_id: 'vpc-0fixture',
      public_subnet_ids: ['subnet-0public1', 'subnet-0public2'],
      private_subnet_ids: ['subnet-0private1', 'subnet-0private2'],
      database_subnet_ids: ['subnet-0database1', 'subnet-0database2'],
      alb_security_group_id: 'sg-0alb',
      ecs_security_group_id: 'sg-0ecs',
      lambda_security_group_id: 'sg-0lambda',
      rds_security_group_id: 'sg-0rds',
      nat_security_group_id: 'sg-0nat',
      vpc_endpoint_security_group_id: 'sg-0endpoints',
      ...(env !== 'prod' ? { consolidated_security_group_id: 'sg-0consolidated' } : {}),
      rds_endpoint: `${n('mlflow-db')}.c0abcdefghij.${MOCK_REGION}.rds.amazonaws.com:5432`,
      rds_secret_arn: arn('secretsmanager', `secret:rds!db-fixture-AbCdEf`),
      rds_database_name: 'mlflow',
      rds_instance_identifier: n('mlflow-db'),
      backtest_queue_url: `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT_ID}/${n('backtest-queue')}`,
      backtest_queue_arn: arn('sqs', n('backtest-queue')),
      backtest_dlq_arn: arn('sqs', n('backtest-dlq')),
      sns_alerts_topic_arn: arn('sns', n('alerts')),
      sns_registration_topic_arn: arn('sns', n('registration')),
    },
    compute: {
      ecs_execution_role_arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${n('ecs-execution')}`,
      ecs_task_role_arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${n('ecs-task')}`,
      cli_ci_role_arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${n('cli-ci')}`,
      alb_arn: arn('elasticloadbalancing', `loadbalancer/app/${n('alb')}/0123456789abcdef`),
      alb_dns_name: `${n('alb')}-123.${MOCK_REGION}.elb.amazonaws.com`,
      alb_https_listener_arn: arn('elasticloadbalancing', `listener/app/${n('alb')}/0123456789abcdef/https`),
      alb_http_listener_arn: arn('elasticloadbalancing', `listener/app/${n('alb')}/0123456789abcdef/http`),
      ecs_cluster_arn: arn('ecs', `cluster/${n('cluster')}`),
      strategy_task_definition_arn: arn('ecs', `task-definition/${n('strategy')}:1`),
      ecs_service_arns: Object.fromEntries(SERVICE_NAMES.map((s) => [s, arn('ecs', `service/${n('cluster')}/${n(s)}`)])),
      service_discovery_namespace_id: 'ns-fixture',
      lambda_function_arns: Object.fromEntries(LAMBDA_NAMES.map((f) => [f, arn('lambda', `function:${n(f)}`)])),
      backtest_workflow_arn: `arn:aws:states:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:stateMachine:${n('backtest-workflow')}`,
      backtest_workflow_name: n('backtest-workflow'),
      retraining_workflow_name: n('retraining-workflow'),
      ...(env !== 'prod' ? { consolidated_asg_name: n('consolidated') } : {}),
    },
    edge: {
      api_gateway_endpoint: `https://fixture.execute-api.${MOCK_REGION}.amazonaws.com`,
      api_gateway_id: 'fixture',
      waf_web_acl_id: 'fixture-waf',
      waf_web_acl_arn: arn('wafv2', `regional/webacl/${n('waf')}/fixture-waf`),
      composite_alarm_arn: arn('cloudwatch', `alarm:${n('composite')}`),
      lambda_error_alarm_arns: Object.fromEntries(LAMBDA_NAMES.map((f) => [f, arn('cloudwatch', `alarm:${n(`${f}-errors`)}`)])),
      dashboard_url: `https://${MOCK_REGION}.console.aws.amazon.com/cloudwatch/home?region=${MOCK_REGION}#dashboards:name=${n('operations')}`,
    },
  };
  return parseLayerOutputs(layer, all[layer]);
}

/** Fixture outputs of every layer `layer` reads, keyed by StackReference name. */
export function upstreamFixtures(layer: Layer, env: Environment, org = 'organization'): Record<string, Record<string, unknown>> {
  return Object.fromEntries(UPSTREAM[layer].map((up) => [getStackReferenceName(org, up, env), fixtureOutputs(up, env)]));
}
