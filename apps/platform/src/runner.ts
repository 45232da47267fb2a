/**
 * Runs a rendered workflow with aws-local-stepfunctions the way AWS would run it here:
 * - `lambda:invoke` tasks go to the real handler of the function the template's FunctionName
 *   names (so a template wired to the wrong function fails), with the payload JSON round-tripped
 *   and a thrown error surfacing as Lambda's `{Error: errorType, Cause: {errorMessage, errorType}}`;
 * - `ecs:registerTaskDefinition` records the revision; `ecs:runTask.sync` runs a local function as
 *   the strategy container with the task definition's environment plus the overrides, and fails
 *   the state with `States.TaskFailed` when that container exits non-zero, as `.sync` does.
 */
import { LAMBDA_NAMES, type LambdaName } from '@tradai/contracts';
import { getResourceName, type AslStateMachine } from '@tradai/infra-shared';
import { fakeContext } from '@tradai/lambda-core/testing';
import { lambdaInvokeResult, runLocally, stepError, type LocalRun, type LocalTask } from '../../../infra/compute/test-support.js';

/** A Lambda entry point as the workflow calls it. */
export type LambdaHandler = (event: unknown, context: ReturnType<typeof fakeContext>) => Promise<unknown>;

/** What the strategy container sees: its image and its environment. */
export interface ContainerRun {
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Throw from a container to make it exit non-zero. */
export class ContainerExit extends Error {
  override readonly name = 'ContainerExit';
  constructor(
    readonly exitCode: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** Runs one container to its exit; `signal` aborts when the execution is stopped (ECS stops the task). */
export type StrategyContainer = (run: ContainerRun, signal?: AbortSignal) => Promise<void> | void;

export interface WorkflowRunOptions {
  readonly lambdas: Partial<Record<LambdaName, LambdaHandler>>;
  readonly container: StrategyContainer;
  readonly executionName: string;
}

export interface WorkflowRun extends LocalRun {
  /** Functions invoked, in order. */
  readonly invoked: LambdaName[];
  /** Containers started, in order. */
  readonly containers: ContainerRun[];
}

const FUNCTION_BY_NAME = new Map(LAMBDA_NAMES.map((name) => [getResourceName(name, 'dev'), name]));

function functionOf(arn: unknown): LambdaName {
  const fn = typeof arn === 'string' ? arn.split(':function:')[1] : undefined;
  const name = fn ? FUNCTION_BY_NAME.get(fn) : undefined;
  if (!name) throw new Error(`lambda:invoke FunctionName ${String(arn)} is not one of the 18 dev functions`);
  return name;
}

type NameValue = { Name: string; Value: string };
type ContainerDefinition = { Name: string; Image: string; Environment?: NameValue[] };

/** The local implementation of every Task state of `definition`, and what they did so far. */
export interface WorkflowTasks {
  readonly tasks: Record<string, LocalTask>;
  readonly invoked: LambdaName[];
  readonly containers: ContainerRun[];
}

/**
 * Binds every Task state of `definition` to its local implementation. `signal` (an execution being
 * stopped) reaches the running container, as StopExecution stops the `.sync` task.
 */
export function workflowTasks(definition: AslStateMachine, opts: WorkflowRunOptions, signal: AbortSignal = new AbortController().signal): WorkflowTasks {
  const invoked: LambdaName[] = [];
  const containers: ContainerRun[] = [];
  const taskDefinitions = new Map<string, ContainerDefinition[]>();

  const lambda: LocalTask = async (params) => {
    const name = functionOf(params['FunctionName']);
    const handler = opts.lambdas[name];
    if (!handler) throw new Error(`the workflow invoked ${name}, which this test did not load`);
    invoked.push(name);
    try {
      // Lambda returns JSON: what cannot be serialised does not reach the next state.
      return lambdaInvokeResult(JSON.parse(JSON.stringify((await handler(params['Payload'], fakeContext(getResourceName(name, 'dev')))) ?? null)));
    } catch (err) {
      const e = err as Error;
      throw stepError(e.name || 'Error', JSON.stringify({ errorMessage: e.message, errorType: e.name }));
    }
  };

  const registerTaskDefinition: LocalTask = (params) => {
    const family = params['Family'] as string;
    const arn = `arn:aws:ecs:us-east-1:000000000000:task-definition/${family}:${taskDefinitions.size + 1}`;
    taskDefinitions.set(arn, params['ContainerDefinitions'] as ContainerDefinition[]);
    return { TaskDefinition: { TaskDefinitionArn: arn, Family: family, Revision: taskDefinitions.size } };
  };

  const runTaskSync: LocalTask = async (params) => {
    const definitions = taskDefinitions.get(params['TaskDefinition'] as string);
    if (!definitions) throw stepError('ECS.ClientException', `task definition ${String(params['TaskDefinition'])} is not registered`);
    const overrides = (params['Overrides'] as { ContainerOverrides?: { Name: string; Environment?: NameValue[] }[] } | undefined)?.ContainerOverrides ?? [];
    const taskArn = `arn:aws:ecs:us-east-1:000000000000:task/tradai-cluster-dev/${opts.executionName}-${containers.length + 1}`;
    const stopped = [];
    for (const def of definitions) {
      const override = overrides.find((o) => o.Name === def.Name);
      const env = Object.fromEntries([...(def.Environment ?? []), ...(override?.Environment ?? [])].map((e) => [e.Name, e.Value]));
      const run: ContainerRun = { image: def.Image, env };
      containers.push(run);
      try {
        await opts.container(run, signal);
        stopped.push({ Name: def.Name, ExitCode: 0, LastStatus: 'STOPPED' });
      } catch (err) {
        const exit = err instanceof ContainerExit ? err : new ContainerExit(1, (err as Error).message);
        stopped.push({ Name: def.Name, ExitCode: exit.exitCode, Reason: exit.message, LastStatus: 'STOPPED' });
        throw stepError('States.TaskFailed', JSON.stringify({ TaskArn: taskArn, StopCode: 'EssentialContainerExited', StoppedReason: 'Essential container in task exited', Containers: stopped }));
      }
    }
    return { TaskArn: taskArn, LastStatus: 'STOPPED', StopCode: 'EssentialContainerExited', Containers: stopped };
  };

  const byResource: Record<string, LocalTask> = {
    'arn:aws:states:::lambda:invoke': lambda,
    'arn:aws:states:::aws-sdk:ecs:registerTaskDefinition': registerTaskDefinition,
    'arn:aws:states:::ecs:runTask.sync': runTaskSync,
  };
  const tasks: Record<string, LocalTask> = {};
  for (const [state, s] of Object.entries(definition.States)) {
    if (s['Type'] !== 'Task') continue;
    const task = byResource[s['Resource'] as string];
    if (!task) throw new Error(`runWorkflow: no local implementation of ${String(s['Resource'])} (state ${state})`);
    tasks[state] = task;
  }
  return { tasks, invoked, containers };
}

/** Runs `definition` to its end with retries and waits taking no time (the workflow tests). */
export async function runWorkflow(definition: AslStateMachine, input: Record<string, unknown>, opts: WorkflowRunOptions): Promise<WorkflowRun> {
  const { tasks, invoked, containers } = workflowTasks(definition, opts);
  const run = await runLocally(definition, input, tasks, opts.executionName);
  return { ...run, invoked, containers };
}
