import { LAMBDA_ACCESS, METRICS_NAMESPACE, type LambdaName, type TableKey } from '@tradai/contracts';
import {
  ECR_REPOS,
  EC2_CONSOLIDATED_CONFIG,
  LAMBDA_FUNCTIONS,
  PolicyBuilder,
  SERVICES,
  type BucketKey,
  type PolicyDocument,
  type ServiceName,
} from '@tradai/infra-shared';
import { SERVICE_ACCESS, STRATEGY_TASK_ACCESS, mergeAccess, splitByMode, type WorkloadAccess } from './access.logic.js';
import { consolidatedGroupName } from './ec2_consolidated.logic.js';
import {
  WORKFLOWS,
  clusterName,
  ecsClusterArn,
  ecsLogGroupName,
  ecsServicesArn,
  ecsSyncRuleArn,
  environmentFunctionsArn,
  exchangeSecretArn,
  lambdaArn,
  lambdaDlqName,
  lambdaLogGroupName,
  logGroupArn,
  sqsArn,
  executionsArn,
  stateMachineArn,
  strategyFamily,
  taskDefinitionFamilyArn,
  tradaiRepositoriesArn,
  type ArnContext,
} from './arns.js';

/** Resolved upstream ARNs the role policies are built from (plain strings: build inside policyJson). */
export interface IamResources {
  readonly ctx: ArnContext;
  readonly tableArns: Readonly<Record<TableKey, string>>;
  readonly bucketArns: Readonly<Record<BucketKey, string>>;
  /** repo key (`backend`, `rollback`, strategy names) -> repository ARN */
  readonly ecrRepositoryArns: Readonly<Record<string, string>>;
  readonly strategyRepos: readonly string[];
  readonly alertsTopicArn: string;
  readonly registrationTopicArn: string;
  readonly backtestQueueArn: string;
  readonly rdsSecretArn: string;
  /** persistent cognito_m2m_secret_arn: the M2M client credentials (functions with LAMBDA_ACCESS m2mScopes read it). */
  readonly m2mSecretArn: string;
}

/** Lambdas the workflows invoke (the Step Functions role may invoke exactly these). */
export const WORKFLOW_LAMBDAS = [
  'validate-strategy',
  'update-status',
  'consume-results',
  'check-retraining-needed',
  'compare-models',
  'promote-model',
  'deployment-verifier',
] as const satisfies readonly LambdaName[];

/** Triggers whose invocations are asynchronous (EventBridge Scheduler, SNS): failures go to the async DLQ. */
export function isAsyncInvoked(name: LambdaName): boolean {
  const t = LAMBDA_FUNCTIONS[name].trigger;
  return t === 'schedule' || t === 'sns-alerts' || t === 'sns-registration';
}

// Statements that must use "*", with the reason PolicyBuilder requires.
const VPC_ENI_REASON = 'Lambda creates and deletes its VPC ENIs with the execution role before they exist (AWSLambdaVPCAccessExecutionRole grants these on *); DescribeNetworkInterfaces has no resource-level permissions';
const SFN_LOG_DELIVERY_REASON = 'CloudWatch Logs vended-log delivery actions have no resource-level permissions (Step Functions logging guide)';
const ECS_REGISTER_REASON = 'ecs:RegisterTaskDefinition has no resource-level permissions; it only registers, running needs ecs:RunTask on the family';
const ECS_LIST_SERVICES_REASON = 'ecs:ListServices has no resource-level permissions; scoped to the cluster by the ecs:cluster condition';
const CLOUD_MAP_OPERATION_REASON = 'servicediscovery:GetOperation (polling a registration) and ec2:DescribeInstances have no resource-level permissions';

function pick<K extends string>(arns: Readonly<Record<K, string>>, keys: readonly K[], what: string): string[] {
  return keys.map((k) => {
    const arn = arns[k];
    if (!arn) throw new Error(`no ARN for ${what} "${k}" in the upstream outputs`);
    return arn;
  });
}

/** Tables, buckets, queue, workflows and invokes of a workload into `b`. */
function applyWorkloadAccess(b: PolicyBuilder, access: WorkloadAccess, r: IamResources): PolicyBuilder {
  const tables = splitByMode(access.tables);
  if (tables.write.length) b.withDynamoDbCrud(pick(r.tableArns, tables.write, 'table'));
  if (tables.read.length) b.withDynamoDbRead(pick(r.tableArns, tables.read, 'table'));
  const buckets = splitByMode(access.buckets);
  if (buckets.write.length) b.withS3ReadWrite(pick(r.bucketArns, buckets.write, 'bucket'));
  if (buckets.read.length) b.withS3Read(pick(r.bucketArns, buckets.read, 'bucket'));
  if (access.sendsBacktests) b.withSqsSend([r.backtestQueueArn]);
  if (access.startsWorkflows?.length) b.withStatesStartExecution(access.startsWorkflows.map((w) => stateMachineArn(r.ctx, w)));
  if (access.managesExecutions?.length) {
    b.allow('StatesExecutions', ['states:DescribeExecution', 'states:StopExecution'], access.managesExecutions.map((w) => executionsArn(r.ctx, w)));
  }
  if (access.invokes?.length) b.withLambdaInvoke(access.invokes.map((f) => lambdaArn(r.ctx, f)));
  if (access.publishesAlerts) b.withSnsPublish([r.alertsTopicArn]);
  // The operator-made exchange secret only (aws/secretsmanager key: no kms:Decrypt grant needed).
  if (access.readsExchangeSecret) b.withSecretsRead([exchangeSecretArn(r.ctx)]);
  return b;
}

/** Repositories the ECS tasks pull: the six service images and the strategy images. */
export function taskImageRepositoryArns(r: IamResources): string[] {
  return pick(r.ecrRepositoryArns, [...ECR_REPOS, ...r.strategyRepos], 'ECR repository');
}

/**
 * ECS task execution role: pull the service and strategy images, write the task log groups,
 * read the RDS secret that `secrets` injects into MLflow.
 */
export function executionRolePolicy(r: IamResources, services: readonly ServiceName[]): PolicyDocument {
  const env = r.ctx.env;
  const groups = [...services.map((s) => ecsLogGroupName(s, env)), ecsLogGroupName('strategy', env)].map((g) => logGroupArn(r.ctx, g));
  return new PolicyBuilder('ecs-execution').withEcrPull(taskImageRepositoryArns(r)).withCloudWatchLogs(groups).withSecretsRead([r.rdsSecretArn]).build();
}

/** ECS task role: what the seven services and the strategy task touch (one role, the union). */
export function taskRolePolicy(r: IamResources): PolicyDocument {
  const access = mergeAccess([...Object.values(SERVICE_ACCESS), STRATEGY_TASK_ACCESS]);
  return applyWorkloadAccess(new PolicyBuilder('ecs-task'), access, r).build();
}

/**
 * One Lambda's execution role, derived from LAMBDA_ACCESS (what DESIGN.md says it touches) and
 * its trigger, plus what every function needs: its own log group, VPC ENIs, X-Ray.
 */
export function lambdaRolePolicy(name: LambdaName, r: IamResources): PolicyDocument {
  const a = LAMBDA_ACCESS[name];
  const ctx = r.ctx;
  const b = new PolicyBuilder(name);
  const tables = splitByMode(a.tables);
  if (tables.write.length) b.withDynamoDbCrud(pick(r.tableArns, tables.write, 'table'));
  if (tables.read.length) b.withDynamoDbRead(pick(r.tableArns, tables.read, 'table'));
  const buckets = splitByMode(a.buckets ?? {});
  if (buckets.write.length) b.withS3ReadWrite(pick(r.bucketArns, buckets.write, 'bucket'));
  if (buckets.read.length) b.withS3Read(pick(r.bucketArns, buckets.read, 'bucket'));
  if (a.publishesAlerts) b.withSnsPublish([r.alertsTopicArn]);
  if (a.startsWorkflows?.length) b.withStatesStartExecution(a.startsWorkflows.map((w) => stateMachineArn(ctx, w)));
  const cluster = ecsClusterArn(ctx, clusterName(ctx.env));
  if (a.ecs === 'stop-tasks') b.withEcsStopTasks(cluster);
  if (a.ecs === 'describe') {
    b.allow('EcsDescribeServices', ['ecs:DescribeServices'], [ecsServicesArn(ctx, clusterName(ctx.env))]);
    b.allow('EcsListServices', ['ecs:ListServices'], ['*'], { condition: { ArnEquals: { 'ecs:cluster': cluster } }, starResourceReason: ECS_LIST_SERVICES_REASON });
  }
  // Strategy repositories are created by CI as strategies appear: every repository under tradai/.
  if (a.ecrRead) b.allow('EcrRead', ['ecr:DescribeImages', 'ecr:DescribeRepositories', 'ecr:ListImages'], [tradaiRepositoriesArn(ctx)]);
  if (a.lambdaRead) b.allow('LambdaRead', ['lambda:GetFunction', 'lambda:GetFunctionConfiguration'], [environmentFunctionsArn(ctx)]);
  if (a.invokes?.length) b.withLambdaInvoke(a.invokes.map((f) => lambdaArn(ctx, f)));
  if (a.putsMetrics) b.withCloudWatchMetrics(METRICS_NAMESPACE);
  // That one secret only; it uses the aws/secretsmanager key, which needs no kms:Decrypt grant.
  if (a.m2mScopes?.length) b.withSecretsRead([r.m2mSecretArn]);
  const trigger = LAMBDA_FUNCTIONS[name].trigger;
  if (trigger === 'sqs') b.withSqsConsume([r.backtestQueueArn]);
  // Async invocations that fail after Lambda's retries land in the DLQ, sent with the function's role.
  if (isAsyncInvoked(name)) b.withSqsSend([sqsArn(ctx, lambdaDlqName(ctx.env))]);
  b.withCloudWatchLogs([logGroupArn(ctx, lambdaLogGroupName(name, ctx.env))]);
  b.allow(
    'VpcEni',
    ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses'],
    ['*'],
    { starResourceReason: VPC_ENI_REASON },
  );
  return b.withXRay().build();
}

export interface StepFunctionsRoleInputs {
  readonly ecsTaskRoleArn: string;
  readonly ecsExecutionRoleArn: string;
}

/**
 * The state machines' role: register a revision of the strategy family per run (the image is a
 * per-run input and RunTask cannot override it), run it on the cluster, follow it (`.sync` needs
 * the managed EventBridge rule), hand it the task roles only, invoke the workflow Lambdas, and
 * deliver execution logs and traces.
 */
export function stepFunctionsRolePolicy(r: IamResources, roles: StepFunctionsRoleInputs): PolicyDocument {
  const ctx = r.ctx;
  const cluster = ecsClusterArn(ctx, clusterName(ctx.env));
  return new PolicyBuilder('step-functions')
    .allow('EcsRegisterTaskDefinition', ['ecs:RegisterTaskDefinition'], ['*'], { starResourceReason: ECS_REGISTER_REASON })
    .withEcsRunTask([taskDefinitionFamilyArn(ctx, strategyFamily(ctx.env))], cluster)
    .withEcsStopTasks(cluster)
    .allow('EcsSyncEvents', ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], [ecsSyncRuleArn(ctx)])
    .withPassRole([roles.ecsTaskRoleArn, roles.ecsExecutionRoleArn], 'ecs-tasks.amazonaws.com')
    .withLambdaInvoke(WORKFLOW_LAMBDAS.map((f) => lambdaArn(ctx, f)))
    .allow(
      'LogDelivery',
      ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery'],
      ['*'],
      { starResourceReason: SFN_LOG_DELIVERY_REASON },
    )
    .withXRay()
    .build();
}

/** EventBridge Scheduler's role: invoke the scheduled functions, and dead-letter undeliverable events. */
export function schedulerRolePolicy(ctx: ArnContext, scheduled: readonly LambdaName[]): PolicyDocument {
  return new PolicyBuilder('scheduler')
    .withLambdaInvoke(scheduled.map((f) => lambdaArn(ctx, f)))
    .withSqsSend([sqsArn(ctx, lambdaDlqName(ctx.env))])
    .build();
}

export interface CliCiInputs {
  readonly pulumiStateBucketArn: string;
}

/**
 * The CLI/CI role (GitHub Actions through OIDC, and operators): push images to the tradai/
 * repositories, announce new strategy versions on the registration topic, submit backtests,
 * start/inspect/stop workflow executions, manage strategy configs, read results, read the
 * Pulumi state. Deploying the stacks themselves is done with the account's deploy role, not this one.
 */
export function cliCiRolePolicy(r: IamResources, inputs: CliCiInputs): PolicyDocument {
  const ctx = r.ctx;
  const machines = WORKFLOWS.map((w) => stateMachineArn(ctx, w));
  const executions = WORKFLOWS.map((w) => executionsArn(ctx, w));
  return new PolicyBuilder('cli-ci')
    .allow(
      'EcrPush',
      [
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:CompleteLayerUpload',
        'ecr:DescribeImages',
        'ecr:DescribeRepositories',
        'ecr:GetDownloadUrlForLayer',
        'ecr:InitiateLayerUpload',
        'ecr:ListImages',
        'ecr:PutImage',
        'ecr:UploadLayerPart',
      ],
      [tradaiRepositoriesArn(ctx)],
    )
    .allow('EcrAuth', ['ecr:GetAuthorizationToken'], ['*'])
    .withSnsPublish([r.registrationTopicArn])
    .withSqsSend([r.backtestQueueArn])
    .allow('StatesExecute', ['states:DescribeStateMachine', 'states:ListExecutions', 'states:StartExecution'], machines)
    .allow('StatesExecutions', ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution'], executions)
    .withS3ReadWrite([r.bucketArns.configs, inputs.pulumiStateBucketArn])
    .withS3Read([r.bucketArns.results])
    .build();
}

export interface InstanceRoleInputs {
  /** Cloud Map service ARNs of the consolidated services (the host registers itself in them). */
  readonly serviceDiscoveryServiceArns: readonly string[];
  /** Route 53 hosted zone id of the private DNS namespace. */
  readonly hostedZoneId: string;
}

/** The consolidated services' own access (tables, buckets, queue, workflows): the host runs them without task roles. */
export function consolidatedAccess(): WorkloadAccess {
  return mergeAccess(EC2_CONSOLIDATED_CONFIG.services.map((s) => SERVICE_ACCESS[s]));
}

/**
 * The consolidated EC2 host: pull its four images, write their log groups, read the RDS secret
 * for MLflow, register itself in Cloud Map for its services, plus the services' own access
 * (containers on the host use the instance role). SSM core is the AWS managed policy, attached
 * beside this one. The ALB target groups are joined by the Auto Scaling group (its
 * service-linked role), so the host needs no elasticloadbalancing permission.
 */
export function instanceRolePolicy(r: IamResources, inputs: InstanceRoleInputs): PolicyDocument {
  const ctx = r.ctx;
  const services = EC2_CONSOLIDATED_CONFIG.services;
  const repos = [...new Set(services.map((s) => SERVICES[s].imageRepo))];
  if (inputs.serviceDiscoveryServiceArns.length === 0) throw new Error('instanceRolePolicy: no Cloud Map service ARNs to register in');
  const b = new PolicyBuilder('consolidated')
    .withEcrPull(pick(r.ecrRepositoryArns, repos, 'ECR repository'))
    .withCloudWatchLogs(services.map((s) => logGroupArn(ctx, ecsLogGroupName(s, ctx.env))))
    .withSecretsRead([r.rdsSecretArn])
    .allow('CloudMapRegister', ['servicediscovery:DeregisterInstance', 'servicediscovery:GetService', 'servicediscovery:ListInstances', 'servicediscovery:RegisterInstance'], [
      ...inputs.serviceDiscoveryServiceArns,
    ])
    .allow('CloudMapRecords', ['route53:ChangeResourceRecordSets', 'route53:GetHostedZone'], [`arn:${ctx.partition}:route53:::hostedzone/${inputs.hostedZoneId}`])
    .allow('CloudMapOperations', ['ec2:DescribeInstances', 'servicediscovery:GetOperation'], ['*'], { starResourceReason: CLOUD_MAP_OPERATION_REASON })
    // The user data answers its own group's launch hook (ec2_consolidated.logic.ts); the group's id part is unknown before it exists.
    .allow('LaunchHook', ['autoscaling:CompleteLifecycleAction'], [
      `arn:${ctx.partition}:autoscaling:${ctx.region}:${ctx.account}:autoScalingGroup:*:autoScalingGroupName/${consolidatedGroupName(ctx.env)}`,
    ]);
  return applyWorkloadAccess(b, consolidatedAccess(), r).build();
}

/** AWS managed policy for Session Manager access to the host (no SSH, no open port 22). */
export const SSM_CORE_POLICY_ARN = (partition: string) => `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`;
