import { getResourceName, type ArnContext, type Environment } from '@tradai/infra-shared';

/*
 * ARNs of this layer's own resources. Roles are created before the functions, state machines and
 * log groups they grant access to, so their policies use ARNs built from the names the config
 * fixes (no dependency cycle, and a policy never waits on the resource it guards). Function ARNs
 * live in infra-shared: persistent's ECR pull policies name the functions too.
 */
export { lambdaArn, type ArnContext } from '@tradai/infra-shared';

/** The two Step Functions workflows. */
export const WORKFLOWS = ['backtest', 'retraining'] as const;
export type Workflow = (typeof WORKFLOWS)[number];

/** `tradai-backtest-workflow-dev`. */
export function workflowName(workflow: Workflow, env: Environment): string {
  return getResourceName(`${workflow}-workflow`, env);
}

export function stateMachineArn(ctx: ArnContext, workflow: Workflow): string {
  return `arn:${ctx.partition}:states:${ctx.region}:${ctx.account}:stateMachine:${workflowName(workflow, ctx.env)}`;
}

/** Every execution of a workflow's state machine (what Describe/StopExecution act on). */
export function executionsArn(ctx: ArnContext, workflow: Workflow): string {
  return `arn:${ctx.partition}:states:${ctx.region}:${ctx.account}:execution:${workflowName(workflow, ctx.env)}:*`;
}

/** `/aws/lambda/<function name>`: the group Lambda writes to by default. */
export function lambdaLogGroupName(name: string, env: Environment): string {
  return `/aws/lambda/${getResourceName(name, env)}`;
}

export function logGroupArn(ctx: ArnContext, logGroupName: string): string {
  return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${logGroupName}`;
}

export function sqsArn(ctx: ArnContext, queueName: string): string {
  return `arn:${ctx.partition}:sqs:${ctx.region}:${ctx.account}:${queueName}`;
}

/**
 * The EventBridge rule Step Functions manages in the account for `ecs:runTask.sync`: the
 * state machine role needs events:PutTargets/PutRule/DescribeRule on exactly this rule.
 */
export function ecsSyncRuleArn(ctx: ArnContext): string {
  return `arn:${ctx.partition}:events:${ctx.region}:${ctx.account}:rule/StepFunctionsGetEventsForECSTaskRule`;
}

/** Every revision of a task definition family (`...:task-definition/<family>:*`). */
export function taskDefinitionFamilyArn(ctx: ArnContext, family: string): string {
  return `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.account}:task-definition/${family}:*`;
}

export function ecsClusterArn(ctx: ArnContext, clusterName: string): string {
  return `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.account}:cluster/${clusterName}`;
}

/** Services of one cluster (`...:service/<cluster>/*`). */
export function ecsServicesArn(ctx: ArnContext, clusterName: string): string {
  return `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.account}:service/${clusterName}/*`;
}

/** Every function of this environment (`tradai-*-<env>`): read-only drift inspection. */
export function environmentFunctionsArn(ctx: ArnContext): string {
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.account}:function:${getResourceName('*', ctx.env)}`;
}

/** Every repository under `tradai/` (services, Lambdas, strategies). */
export function tradaiRepositoriesArn(ctx: ArnContext): string {
  return `arn:${ctx.partition}:ecr:${ctx.region}:${ctx.account}:repository/tradai/*`;
}

/** The ECS cluster: `tradai-cluster-<env>`. */
export function clusterName(env: Environment): string {
  return getResourceName('cluster', env);
}

/** Task definition family of the strategy task (backtest | train). */
export function strategyFamily(env: Environment): string {
  return getResourceName('strategy', env);
}

/** Log group of a container workload: `/ecs/tradai-<workload>-<env>` (a service or `strategy`). */
export function ecsLogGroupName(workload: string, env: Environment): string {
  return `/ecs/${getResourceName(workload, env)}`;
}

/**
 * Execution history of a workflow (Step Functions logging). Under `/aws/vendedlogs/`, as AWS
 * advises for vended logs: CloudWatch Logs then needs no growing resource policy per log group.
 */
export function workflowLogGroupName(workflow: Workflow, env: Environment): string {
  return `/aws/vendedlogs/states/${workflowName(workflow, env)}`;
}

/** The queue receiving failed asynchronous Lambda invocations and undeliverable schedule events. */
export function lambdaDlqName(env: Environment): string {
  return getResourceName('lambda-async-dlq', env);
}

/**
 * The exchange API credentials secret (`{"apiKey","secret"}`) live trading reads: created by an
 * operator (never by a stack, so the keys never pass through Pulumi state), under this name.
 */
export function exchangeSecretName(env: Environment): string {
  return `tradai/${env}/exchange-credentials`;
}

/** Its ARN: Secrets Manager appends `-` and six random characters to the name. */
export function exchangeSecretArn(ctx: ArnContext): string {
  return `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${exchangeSecretName(ctx.env)}-??????`;
}
