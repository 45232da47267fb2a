/**
 * Step Functions for the local platform: named executions of the rendered state machines, run by
 * aws-local-stepfunctions with the real handlers, with AWS's StartExecution / StopExecution /
 * DescribeExecution semantics (what backtest-consumer and backend-api rely on). Waits and retry
 * intervals take their real time, as on AWS; a stopped execution aborts its running container.
 */
import { ExecutionAbortedError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AslStateMachine } from '@tradai/infra-shared';
import { workflowTasks, type WorkflowRunOptions } from './runner.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** Settles when the execution has ended (any status). */
  readonly done: Promise<void>;
}

/** An AWS API error: `name` is the error code the SDK surfaces (`ExecutionAlreadyExists`). */
export class AwsApiError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export interface StateMachineBinding {
  readonly definition: AslStateMachine;
  /** Lambdas and container of this machine's Task states (executionName is filled per execution). */
  readonly tasks: Omit<WorkflowRunOptions, 'executionName'>;
}

export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution & { abort?: () => void }>();

  constructor(
    private readonly machines: ReadonlyMap<string, StateMachineBinding>,
    private readonly onEnd: (e: Execution) => void = () => undefined,
  ) {}

  /** Standard-workflow semantics: the same name and input while running returns that execution; otherwise ExecutionAlreadyExists. */
  start(stateMachineArn: string, name: string, input: string): Execution {
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new AwsApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new AwsApiError('InvalidName', `Invalid Name: '${name}'`);
    const arn = executionArnOf(stateMachineArn, name);
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(input) as Record<string, unknown>;
    } catch {
      throw new AwsApiError('InvalidExecutionInput', `Invalid execution input: not JSON`);
    }
    const stop = new AbortController();
    const { tasks } = workflowTasks(machine.definition, { ...machine.tasks, executionName: name }, stop.signal);
    const sm = new StateMachine(machine.definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
    const run = sm.run(parsed as never, {
      overrides: { taskResourceLocalHandlers: tasks as never },
      context: { Execution: { Name: name, Id: arn, StartTime: new Date().toISOString() } } as never,
    });
    const execution: Execution & { abort?: () => void } = {
      executionArn: arn,
      stateMachineArn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      abort: () => {
        stop.abort(new Error(`execution ${name} stopped`));
        run.abort();
      },
      done: run.result.then(
        (output: unknown) => {
          if (execution.status !== 'RUNNING') return;
          Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null), stopDate: new Date() });
        },
        (err: unknown) => {
          if (execution.status !== 'RUNNING') return;
          if (err instanceof ExecutionAbortedError) return;
          const cause = (err as { cause?: { name?: string; message?: string } }).cause;
          Object.assign(execution, { status: 'FAILED', error: cause?.name ?? (err as Error).name, cause: cause?.message ?? (err as Error).message, stopDate: new Date() });
        },
      ).finally(() => this.onEnd(execution)),
    };
    this.executions.set(arn, execution);
    return execution;
  }

  /** StopExecution: aborts a running execution (ABORTED); an ended one is left as it is. */
  stop(executionArn: string, cause?: string): Execution {
    const e = this.describe(executionArn);
    if (e.status === 'RUNNING') {
      Object.assign(e, { status: 'ABORTED', stopDate: new Date(), ...(cause ? { cause } : {}) });
      (e as { abort?: () => void }).abort?.();
    }
    return e;
  }

  describe(executionArn: string): Execution {
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return e;
  }

  /** Every execution so far, oldest first. */
  list(): Execution[] {
    return [...this.executions.values()];
  }

  /** Stops every running execution and waits for all to settle (shutdown). */
  async stopAll(): Promise<void> {
    for (const e of this.executions.values()) if (e.status === 'RUNNING') this.stop(e.executionArn, 'platform stopped');
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
  }
}
