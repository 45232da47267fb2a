/**
 * Test helpers of the compute layer (not part of the program): a workspace with image build
 * contexts so content tags resolve, the fixture inputs of the workflow templates (the values the
 * dev program renders under the mocks, so the golden files are the deployed definitions), and a
 * local runner for the rendered workflows. Also meant for the Lambda tests that execute the
 * golden definitions with the real handlers.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_NAMES } from '@tradai/contracts';
import { ECR_REPOS, findWorkspaceRoot, getResourceName, imageBuild, type AslStateMachine, type Environment } from '@tradai/infra-shared';
import { MOCK_ACCOUNT_ID, MOCK_REGION, fixtureOutputs } from '@tradai/infra-shared/testing';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { clusterName, ecsClusterArn, ecsLogGroupName, lambdaArn, strategyFamily, type ArnContext, type Workflow } from './modules/arns.js';
import { strategyEnvironment } from './modules/ecs.logic.js';
import { WORKFLOW_LAMBDAS } from './modules/iam.logic.js';
import { renderWorkflow, type WorkflowInputs } from './modules/step_functions.logic.js';

const ROOT = findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)));

/** ARN context of the mocked account. */
export function mockArnContext(env: Environment): ArnContext {
  return { partition: 'aws', region: MOCK_REGION, account: MOCK_ACCOUNT_ID, env };
}

/**
 * A throwaway workspace holding every image build context (a one-line bundle per Lambda, each
 * service bundle, the real Dockerfiles), made the current directory so imageUri() computes tags
 * without the real Lambda bundles. Returns a function restoring the previous directory.
 */
export function useImageWorkspace(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'compute-images-'));
  writeFileSync(join(dir, 'nx.json'), '{}');
  cpSync(join(ROOT, 'docker'), join(dir, 'docker'), { recursive: true });
  for (const name of LAMBDA_NAMES) {
    const context = join(dir, imageBuild('lambda', name).contextDir);
    mkdirSync(context, { recursive: true });
    writeFileSync(join(context, 'index.mjs'), `export const handler = async () => ${JSON.stringify(name)};\n`);
  }
  for (const repo of ECR_REPOS) {
    const context = join(dir, imageBuild('service', repo).contextDir);
    mkdirSync(context, { recursive: true });
    // mlflow's context is its own folder (requirements); the others are their service bundles.
    writeFileSync(join(context, repo === 'mlflow' ? 'requirements.txt' : 'main.mjs'), `// ${repo}\n`);
  }
  const previous = process.cwd();
  process.chdir(dir);
  return () => process.chdir(previous);
}

/**
 * The inputs the dev/staging/prod program passes to the workflow templates under the mocks,
 * built from the fixture outputs and the naming helpers.
 */
export function workflowFixtureInputs(env: Environment): WorkflowInputs {
  const ctx = mockArnContext(env);
  const persistent = fixtureOutputs('persistent', env);
  const foundation = fixtureOutputs('foundation', env);
  const role = (component: string) => `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${getResourceName(component, env)}`;
  const b = persistent.s3_bucket_ids;
  return {
    env,
    region: MOCK_REGION,
    functionArns: Object.fromEntries(WORKFLOW_LAMBDAS.map((f) => [f, lambdaArn(ctx, f)])) as WorkflowInputs['functionArns'],
    clusterArn: ecsClusterArn(ctx, clusterName(env)),
    subnets: foundation.private_subnet_ids,
    securityGroups: [foundation.ecs_security_group_id],
    strategyFamily: strategyFamily(env),
    executionRoleArn: role('ecs-execution'),
    taskRoleArn: role('ecs-task'),
    strategyLogGroup: ecsLogGroupName('strategy', env),
    strategyEnvironment: Object.entries(
      strategyEnvironment({ env, resultsBucket: b['results']!, configsBucket: b['configs']!, arcticdbBucket: b['arcticdb']!, mlflowBucket: b['mlflow']! }),
    )
      .map(([name, value]) => ({ name, value }))
      .sort((x, y) => x.name.localeCompare(y.name)),
  };
}

/** A workflow rendered with the fixture inputs. */
export function renderFixtureWorkflow(workflow: Workflow, env: Environment = 'dev'): AslStateMachine {
  return renderWorkflow(workflow, workflowFixtureInputs(env));
}

/** Path of a workflow's reviewed golden definition (the dev rendering). */
export function goldenPath(workflow: Workflow): string {
  return join(ROOT, 'infra', 'compute', 'asl-templates', '__golden__', `${workflow}.dev.json`);
}

export function readGolden(workflow: Workflow): AslStateMachine {
  return JSON.parse(readFileSync(goldenPath(workflow), 'utf8')) as AslStateMachine;
}

/** A Lambda task handler for the local runner: receives the task's Parameters. */
export type LocalTask = (input: Record<string, unknown>) => unknown;

/** What the lambda:invoke integration returns around a function's result. */
export function lambdaInvokeResult(payload: unknown): Record<string, unknown> {
  return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
}

/** An error as Step Functions names it (`Lambda.ServiceException`, `States.TaskFailed`). */
export function stepError(name: string, message = name): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

export interface LocalRun {
  readonly output?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  /** Names of the states entered, in order. */
  readonly path: string[];
  /** State name -> number of retries taken. */
  readonly retries: Record<string, number>;
}

/**
 * Executes a rendered definition with aws-local-stepfunctions: every Task state is answered by
 * `tasks[stateName]` (Lambda tasks: wrap results with lambdaInvokeResult; throw stepError to
 * fail), retries and Wait states take no time, and the event log gives the path taken.
 */
export async function runLocally(
  definition: AslStateMachine,
  input: Record<string, unknown>,
  tasks: Readonly<Record<string, LocalTask>>,
  executionName = 'wf-test-0001',
): Promise<LocalRun> {
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
  const taskStates = Object.entries(definition.States).filter(([, s]) => s['Type'] === 'Task').map(([n]) => n);
  const missing = taskStates.filter((n) => !tasks[n]);
  const handlers = Object.fromEntries(
    taskStates.map((n) => [
      n,
      async (i: unknown) => {
        if (!tasks[n]) throw new Error(`runLocally: no local handler for Task state ${n} (missing: ${missing.join(', ')})`);
        return (await tasks[n](i as Record<string, unknown>)) as never;
      },
    ]),
  );
  const waitStates = Object.entries(definition.States).filter(([, s]) => s['Type'] === 'Wait').map(([n]) => n);
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      retryIntervalOverrides: Object.fromEntries(taskStates.map((n) => [n, 0])),
      waitTimeOverrides: Object.fromEntries(waitStates.map((n) => [n, 0])),
    },
    context: { Execution: { Name: executionName } },
  });
  const path: string[] = [];
  const retries: Record<string, number> = {};
  const collect = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') path.push(event.state.name);
      if (event.type === 'StateRetried') retries[event.state.name] = (retries[event.state.name] ?? 0) + 1;
    }
  })();
  try {
    const output = await execution.result;
    await collect;
    return { output, path, retries };
  } catch (error) {
    await collect;
    const cause = (error as { cause?: { name?: string; message?: string } }).cause;
    return { error: { name: cause?.name ?? (error as Error).name, message: cause?.message ?? (error as Error).message }, path, retries };
  }
}
