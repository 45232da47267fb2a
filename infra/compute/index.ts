import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LAMBDA_NAMES, TABLE_KEYS, type LambdaName, type TableKey } from '@tradai/contracts';
import {
  BUCKET_KEYS,
  EC2_CONSOLIDATED_CONFIG,
  SERVICES,
  bucketIdOutput,
  getDesiredCount,
  getResourceName,
  isConsolidatedMode,
  isSkipAlb,
  tlsPlan,
  tlsWaiverWarning,
  tableArnOutput,
  tableNameOutput,
  type BucketKey,
  type ServiceName,
} from '@tradai/infra-shared';
import { arnContext, defineOutputs, stackConfig, upstream } from '@tradai/infra-shared/pulumi';
import { Alb, DnsValidatedCertificate } from './modules/alb.js';
import { strategyFamily } from './modules/arns.js';
import { ConsolidatedHost } from './modules/ec2_consolidated.js';
import { EcsCluster } from './modules/ecs.js';
import { EcsServices, ServiceDiscovery, serviceEnvironmentVariables, serviceImage, type ServiceInputs } from './modules/ecs_services.js';
import { fargateServices } from './modules/ecs_services.logic.js';
import { IamRoles } from './modules/iam.js';
import { WORKFLOW_LAMBDAS } from './modules/iam.logic.js';
import { LambdaFunctions, LambdaTriggers, type LambdaInputs } from './modules/lambda_funcs.js';
import { DEFERRED_LAMBDAS, IMMEDIATE_LAMBDAS } from './modules/lambda_funcs.logic.js';
import { PlatformManifestRecord } from './modules/platform_manifest.js';
import { StepFunctions } from './modules/step_functions.js';

/**
 * tradai-compute (seed section 6): IAM, ALB, ECS cluster and services, the 18 Lambdas and their
 * triggers, the two Step Functions workflows and, in consolidated mode, the EC2 host. Reads
 * persistent (repositories, buckets, tables) and foundation (network, RDS, queue, topics).
 */
export default function main() {
  const cfg = stackConfig();
  const env = cfg.environment;
  // First: prod without TLS stops here, in preview as in up, before anything is planned.
  const tls = tlsPlan(cfg, 'compute');
  if (tls.kind === 'none' && tls.waived) pulumi.log.warn(tlsWaiverWarning(env));
  if (!cfg.tradingStrategy) pulumi.log.warn('tradai:tradingStrategy is not set: the trading services get no STRATEGY/BOT_ID and refuse to start');
  const persistent = upstream('persistent', cfg);
  const foundation = upstream('foundation', cfg);
  const consolidated = isConsolidatedMode(cfg);

  const ctx = arnContext(env);
  const region = ctx.apply((c) => c.region);

  const tableNames = Object.fromEntries(TABLE_KEYS.map((t) => [t, persistent.require(tableNameOutput(t))])) as Record<TableKey, pulumi.Output<string>>;
  const tableArns = Object.fromEntries(TABLE_KEYS.map((t) => [t, persistent.require(tableArnOutput(t))])) as Record<TableKey, pulumi.Output<string>>;
  const bucketNames = Object.fromEntries(BUCKET_KEYS.map((b) => [b, persistent.require(bucketIdOutput(b))])) as Record<BucketKey, pulumi.Output<string>>;
  const repositoryUrls = persistent.require('ecr_repository_urls');
  const privateSubnetIds = foundation.require('private_subnet_ids');
  const alertsTopicArn = foundation.require('sns_alerts_topic_arn');
  const registrationTopicArn = foundation.require('sns_registration_topic_arn');
  const backtestQueueArn = foundation.require('backtest_queue_arn');
  const rdsSecretArn = foundation.require('rds_secret_arn');
  const m2mSecretArn = persistent.require('cognito_m2m_secret_arn');

  const serviceDiscovery = new ServiceDiscovery('service-discovery', { cfg, vpcId: foundation.require('vpc_id') });
  const hostServices = EC2_CONSOLIDATED_CONFIG.services;

  const iam = new IamRoles('iam', {
    cfg,
    ctx,
    tableArns,
    bucketArns: persistent.require('s3_bucket_arns') as pulumi.Output<Record<BucketKey, string>>,
    ecrRepositoryArns: persistent.require('ecr_repository_arns'),
    alertsTopicArn,
    registrationTopicArn,
    backtestQueueArn,
    rdsSecretArn,
    m2mSecretArn,
    pulumiStateBucketName: persistent.require('pulumi_state_bucket_name'),
    ecsServices: fargateServices(cfg),
    consolidated: consolidated
      ? {
          serviceDiscoveryServiceArns: hostServices.map((s) => serviceDiscovery.services[s].arn),
          hostedZoneId: serviceDiscovery.namespace.hostedZone,
        }
      : undefined,
  });

  const ecs = new EcsCluster('ecs', {
    cfg,
    region,
    executionRoleArn: iam.ecsExecutionRole.arn,
    taskRoleArn: iam.ecsTaskRole.arn,
    repositoryUrls,
    bucketNames: { results: bucketNames.results, configs: bucketNames.configs, arcticdb: bucketNames.arcticdb, mlflow: bucketNames.mlflow },
  });

  // Made even with skipAlb: edge's API custom domain serves the same certificate.
  const certificate = tls.kind === 'managed' ? new DnsValidatedCertificate('api-certificate', { cfg, domainName: tls.domainName, hostedZoneId: tls.hostedZoneId }) : undefined;
  const alb = isSkipAlb(cfg)
    ? undefined
    : new Alb('alb', {
        cfg,
        vpcId: foundation.require('vpc_id'),
        privateSubnetIds,
        certificateArn: certificate?.certificateArn ?? (tls.kind === 'imported' ? tls.certificateArn : undefined),
        securityGroupId: foundation.require('alb_security_group_id'),
        logsBucketId: bucketNames.logs,
      });

  // Functions first (the workflows invoke them), then the state machines, then the functions
  // that need a workflow ARN in their environment (LAMBDA_FUNCTIONS deferred).
  const lambdaInputs: LambdaInputs = {
    tableNames,
    configsBucket: bucketNames.configs,
    resultsBucket: bucketNames.results,
    alertsTopicArn,
    clusterArn: ecs.cluster.arn,
    m2mSecretArn,
    repositoryUrls,
    privateSubnetIds,
    securityGroupId: foundation.require('lambda_security_group_id'),
  };
  const lambdaRolePolicies = Object.fromEntries(LAMBDA_NAMES.map((f) => [f, iam.policies[`lambda-${f}`]!])) as Record<LambdaName, aws.iam.RolePolicy>;
  const immediate = new LambdaFunctions('lambdas', { cfg, names: IMMEDIATE_LAMBDAS, inputs: lambdaInputs, roles: iam.lambdaRoles, rolePolicies: lambdaRolePolicies });

  const workflows = new StepFunctions('workflows', {
    cfg,
    region,
    roleArn: iam.stepFunctionsRole.arn,
    rolePolicy: iam.policies['step-functions']!,
    functionArns: Object.fromEntries(WORKFLOW_LAMBDAS.map((f) => [f, immediate.functions[f]!.arn])) as Record<(typeof WORKFLOW_LAMBDAS)[number], pulumi.Output<string>>,
    clusterArn: ecs.cluster.arn,
    subnetIds: privateSubnetIds,
    securityGroupIds: [foundation.require('ecs_security_group_id')],
    strategyFamily: strategyFamily(env),
    executionRoleArn: iam.ecsExecutionRole.arn,
    taskRoleArn: iam.ecsTaskRole.arn,
    strategyLogGroupName: ecs.logGroups.strategy.name,
    strategyEnvironment: ecs.strategyEnvironment,
  });
  const workflowArns = { backtest: workflows.stateMachines.backtest.arn, retraining: workflows.stateMachines.retraining.arn };

  const deferred = new LambdaFunctions('lambdas-deferred', {
    cfg,
    names: DEFERRED_LAMBDAS,
    inputs: lambdaInputs,
    roles: iam.lambdaRoles,
    rolePolicies: lambdaRolePolicies,
    workflowArns,
  });
  const functions = { ...immediate.functions, ...deferred.functions } as Record<LambdaName, aws.lambda.Function>;

  new LambdaTriggers('lambda-triggers', {
    cfg,
    functions,
    rolePolicies: lambdaRolePolicies,
    schedulerRoleArn: iam.schedulerRole.arn,
    schedulerRolePolicy: iam.policies['scheduler']!,
    backtestQueueArn,
    alertsTopicArn,
    registrationTopicArn,
  });

  const serviceInputs: ServiceInputs = {
    region,
    tableNames,
    bucketNames,
    backtestQueueUrl: foundation.require('backtest_queue_url'),
    alertsTopicArn,
    workflowArns,
    rdsEndpoint: foundation.require('rds_endpoint'),
    rdsDatabaseName: foundation.require('rds_database_name'),
    rdsSecretArn,
    cognitoUserPoolId: persistent.require('cognito_user_pool_id'),
    cognitoWebClientId: persistent.require('cognito_user_pool_client_id'),
    cognitoM2mClientId: persistent.require('cognito_m2m_client_id'),
    repositoryUrls,
  };
  const services = new EcsServices('ecs-services', {
    cfg,
    inputs: serviceInputs,
    clusterArn: ecs.cluster.arn,
    executionRoleArn: iam.ecsExecutionRole.arn,
    taskRoleArn: iam.ecsTaskRole.arn,
    privateSubnetIds,
    securityGroupId: foundation.require('ecs_security_group_id'),
    serviceDiscovery,
    logGroups: ecs.logGroups,
    targetGroups: alb?.targetGroups,
    // Capacity providers attached, target groups behind a listener, and the task roles'
    // permissions in place before the first task starts.
    dependsOn: [ecs.capacityProviders, ...(alb?.rules ?? []), iam.policies['ecs-execution']!, iam.policies['ecs-task']!],
  });

  let host: ConsolidatedHost | undefined;
  if (consolidated) {
    const securityGroupId = foundation.get('consolidated_security_group_id').apply((id) => {
      if (!id) throw new Error(`consolidated mode is on but tradai-foundation/${env} exports no consolidated_security_group_id: deploy foundation with the same consolidatedMode`);
      return id;
    });
    const hostService = (s: (typeof hostServices)[number]) => ({
      image: serviceImage(s, repositoryUrls),
      environment: serviceEnvironmentVariables(cfg, s, serviceInputs),
      logGroupName: ecs.logGroups[s].name,
      serviceDiscoveryId: serviceDiscovery.services[s].id,
    });
    host = new ConsolidatedHost('consolidated', {
      cfg,
      region,
      instanceProfileArn: iam.instanceProfile!.arn,
      privateSubnetIds,
      securityGroupId,
      registryRepositoryUrl: repositoryUrls.apply((u) => u[SERVICES['backend-api'].imageRepo]!),
      rdsSecretArn,
      services: {
        'backend-api': hostService('backend-api'),
        'data-collection': hostService('data-collection'),
        mlflow: hostService('mlflow'),
        'strategy-service': hostService('strategy-service'),
      },
      targetGroupArns: alb ? hostServices.map((s) => alb.targetGroups[s]!.arn) : undefined,
    });
  }

  // What was deployed, for infra-drift-detector: function image digests and ECS desired counts.
  new PlatformManifestRecord('platform-manifest', {
    deploymentsTableName: tableNames.deployments,
    lambdaImages: Object.fromEntries(LAMBDA_NAMES.map((f) => [getResourceName(f, env), functions[f].imageUri.apply((u) => u ?? '')])),
    serviceDesiredCounts: Object.fromEntries(fargateServices(cfg).map((s) => [getResourceName(s, env), getDesiredCount(s, env)])),
  });

  const ecsServiceArns = pulumi.all(
    Object.fromEntries(Object.entries(services.services).map(([name, svc]) => [name, svc!.arn])) as Record<ServiceName, pulumi.Output<string>>,
  );

  return defineOutputs('compute', {
    ecs_execution_role_arn: iam.ecsExecutionRole.arn,
    ecs_task_role_arn: iam.ecsTaskRole.arn,
    cli_ci_role_arn: iam.cliCiRole.arn,
    alb_arn: alb?.loadBalancer.arn,
    alb_dns_name: alb?.loadBalancer.dnsName,
    alb_https_listener_arn: alb?.httpsListener?.arn,
    api_certificate_arn: certificate?.certificateArn,
    alb_http_listener_arn: alb?.httpListener.arn,
    ecs_cluster_arn: ecs.cluster.arn,
    strategy_task_definition_arn: ecs.strategyTaskDefinition.arn,
    ecs_service_arns: ecsServiceArns,
    service_discovery_namespace_id: serviceDiscovery.namespace.id,
    lambda_function_arns: pulumi.all(Object.fromEntries(LAMBDA_NAMES.map((f) => [f, functions[f].arn])) as Record<LambdaName, pulumi.Output<string>>),
    backtest_workflow_arn: workflows.stateMachines.backtest.arn,
    backtest_workflow_name: workflows.stateMachines.backtest.name,
    retraining_workflow_name: workflows.stateMachines.retraining.name,
    consolidated_asg_name: host?.autoScalingGroup.name,
  });
}
