import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_ACCESS } from '@tradai/contracts';
import { AslTemplateLoader, LAMBDA_FUNCTIONS, findWorkspaceRoot, type AslStateMachine, type Environment } from '@tradai/infra-shared';
import type { Workflow } from './arns.js';
import { STRATEGY_TASK, type ContainerEnv } from './ecs.logic.js';
import { WORKFLOW_LAMBDAS } from './iam.logic.js';

/** Folder of the workflow templates, found from this module (works from the sources and from the esbuild bundle). */
export function aslTemplateDir(): string {
  return join(findWorkspaceRoot(dirname(fileURLToPath(import.meta.url))), 'infra', 'compute', 'asl-templates');
}

/** Template of each workflow in asl-templates/. */
export const WORKFLOW_TEMPLATES: Readonly<Record<Workflow, string>> = { backtest: 'backtest', retraining: 'retraining' };

type WorkflowLambda = (typeof WORKFLOW_LAMBDAS)[number];
/** `validate-strategy` -> `validate_strategy`: template variable names are identifiers. */
export const templateKey = (name: string): string => name.replaceAll('-', '_');

/** Margin of a Lambda task's TimeoutSeconds over the function's own timeout, so the function's error surfaces first. */
export const LAMBDA_TASK_TIMEOUT_MARGIN_SECONDS = 10;

/** How often the retraining workflow asks deployment-verifier for a verdict while it is pending. */
export const VERIFY_POLL_SECONDS = 300;

/**
 * Execution and task limits. The execution limit is orphan-cleanup's WORKFLOW_TIMEOUT_MINUTES: a
 * record still RUNNING after it can only belong to a dead execution. The ECS tasks time out
 * earlier, inside the workflow, so an overlong run still goes through MarkFailed. A promoting
 * retraining run then verifies the deployment (deployment-verifier's VERIFY_WINDOW_MINUTES, polled
 * every VERIFY_POLL_SECONDS); that phase comes after its record is SUCCEEDED, so it extends the
 * retraining execution limit without touching orphan-cleanup's rule.
 */
export function workflowTimeouts(): { workflowSeconds: number; backtestSeconds: number; trainingSeconds: number; retrainingSeconds: number } {
  const minutes = Number(LAMBDA_ACCESS['orphan-cleanup'].settings?.['WORKFLOW_TIMEOUT_MINUTES']);
  if (!Number.isInteger(minutes) || minutes < 60) throw new Error(`orphan-cleanup WORKFLOW_TIMEOUT_MINUTES must be an integer >= 60, got ${minutes}`);
  const windowMinutes = Number(LAMBDA_ACCESS['deployment-verifier'].settings?.['VERIFY_WINDOW_MINUTES']);
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1) throw new Error(`deployment-verifier VERIFY_WINDOW_MINUTES must be a positive integer, got ${windowMinutes}`);
  const workflowSeconds = minutes * 60;
  // The window, plus one poll interval for the last check and one for its retries.
  const verifySeconds = windowMinutes * 60 + 2 * VERIFY_POLL_SECONDS;
  // Leave room for the Lambda steps around the task (validate, mark, compare, promote).
  return { workflowSeconds, backtestSeconds: workflowSeconds - 3600, trainingSeconds: workflowSeconds - 1800, retrainingSeconds: workflowSeconds + verifySeconds };
}

/**
 * Strategy runs are restartable batch work: Spot outside prod (a reclaimed run fails through
 * MarkFailed and is resubmitted); on-demand in prod, where a lost training run delays a model.
 */
export function strategyCapacityProvider(env: Environment): 'FARGATE' | 'FARGATE_SPOT' {
  return env === 'prod' ? 'FARGATE' : 'FARGATE_SPOT';
}

/** Resolved values a workflow template needs (plain strings: resolve Outputs first). */
export interface WorkflowInputs {
  readonly env: Environment;
  readonly region: string;
  /** Lambda key -> function ARN, for the six workflow Lambdas. */
  readonly functionArns: Readonly<Record<WorkflowLambda, string>>;
  readonly clusterArn: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly strategyFamily: string;
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  readonly strategyLogGroup: string;
  /** The strategy container's base environment (ecs.logic strategyEnvironment), sorted by name. */
  readonly strategyEnvironment: readonly ContainerEnv[];
}

/** The template variables (snake_case, as the templates read them). */
export function workflowTemplateVars(i: WorkflowInputs): Record<string, unknown> {
  if (i.subnets.length === 0) throw new Error('workflow templates: no subnets for the strategy task');
  if (i.securityGroups.length === 0) throw new Error('workflow templates: no security groups for the strategy task');
  const t = workflowTimeouts();
  return {
    environment: i.env,
    functions: Object.fromEntries(WORKFLOW_LAMBDAS.map((f) => [templateKey(f), i.functionArns[f]])),
    function_timeouts: Object.fromEntries(WORKFLOW_LAMBDAS.map((f) => [templateKey(f), LAMBDA_FUNCTIONS[f].timeoutSeconds + LAMBDA_TASK_TIMEOUT_MARGIN_SECONDS])),
    cluster_arn: i.clusterArn,
    subnets: [...i.subnets],
    security_groups: [...i.securityGroups],
    workflow_timeouts: { backtest: t.workflowSeconds, retraining: t.retrainingSeconds },
    task_timeouts: { backtest: t.backtestSeconds, training: t.trainingSeconds },
    verify_poll_seconds: VERIFY_POLL_SECONDS,
    strategy_task: {
      family: i.strategyFamily,
      // The ECS API takes CPU and memory as strings.
      cpu: String(STRATEGY_TASK.cpu),
      memory: String(STRATEGY_TASK.memory),
      container_name: STRATEGY_TASK.containerName,
      execution_role_arn: i.executionRoleArn,
      task_role_arn: i.taskRoleArn,
      ephemeral_storage_gb: STRATEGY_TASK.ephemeralStorageGb,
      capacity_provider: strategyCapacityProvider(i.env),
      // The aws-sdk integration speaks the ECS API's PascalCase.
      environment: [...i.strategyEnvironment].sort((a, b) => a.name.localeCompare(b.name)).map((e) => ({ Name: e.name, Value: e.value })),
      log_options: { 'awslogs-group': i.strategyLogGroup, 'awslogs-region': i.region, 'awslogs-stream-prefix': STRATEGY_TASK.containerName },
    },
  };
}

let loader: AslTemplateLoader | undefined;

/** The loader over asl-templates/ (StrictUndefined, JSON + ASL validation). */
export function workflowLoader(): AslTemplateLoader {
  loader ??= new AslTemplateLoader(aslTemplateDir());
  return loader;
}

/** Renders and validates one workflow definition. */
export function renderWorkflow(workflow: Workflow, inputs: WorkflowInputs): AslStateMachine {
  return workflowLoader().render(WORKFLOW_TEMPLATES[workflow], workflowTemplateVars(inputs));
}
