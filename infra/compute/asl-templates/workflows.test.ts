import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AslTemplateLoader } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../modules/arns.js';
import { aslTemplateDir, workflowTemplateVars } from '../modules/step_functions.logic.js';
import {
  goldenPath,
  lambdaInvokeResult,
  readGolden,
  renderFixtureWorkflow,
  runLocally,
  stepError,
  workflowFixtureInputs,
  type LocalTask,
} from '../test-support.js';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (d: unknown) => { isValid: boolean; errorsText(): string };

const LAMBDA_RETRY_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
const FAILURE_STATE = { backtest: 'MarkFailed', retraining: 'NotifyFailure' } as const;

type State = Record<string, unknown> & { Type: string };
const states = (d: { States: Record<string, Record<string, unknown>> }) => Object.entries(d.States) as [string, State][];

describe.each(WORKFLOWS)('%s workflow definition', (workflow) => {
  const definition = renderFixtureWorkflow(workflow, 'dev');

  it('is valid ASL (asl-validator) and equals the reviewed golden file', () => {
    const result = aslValidator(structuredClone(definition));
    expect(result.isValid, result.errorsText()).toBe(true);
    // After a deliberate template change: UPDATE_GOLDEN=1, then review the diff of __golden__/.
    if (process.env['UPDATE_GOLDEN']) writeFileSync(goldenPath(workflow), `${JSON.stringify(definition, null, 2)}\n`);
    expect(definition).toEqual(readGolden(workflow));
  });

  it('gives every Task a timeout and routes every failure to the failure path', () => {
    const failure = FAILURE_STATE[workflow];
    for (const [name, s] of states(definition).filter(([, s]) => s.Type === 'Task')) {
      expect(s['TimeoutSeconds'], name).toBeGreaterThan(0);
      const catchers = s['Catch'] as { ErrorEquals: string[]; Next: string }[];
      expect(catchers.map((c) => c.ErrorEquals).flat(), name).toContain('States.ALL');
      // The failure state itself ends in the Fail state, everything else in the failure state;
      // verification runs after the record is SUCCEEDED, so it fails on its own.
      const expected = name === failure ? `${workflow === 'backtest' ? 'Backtest' : 'Retraining'}Failed` : name === 'VerifyDeployment' ? 'VerificationFailed' : failure;
      expect(catchers[0]!.Next, name).toBe(expected);
    }
    // orphan-cleanup's 180 min; retraining adds the 30 min verification window and two 5 min polls.
    expect(definition.TimeoutSeconds).toBe(workflow === 'backtest' ? 180 * 60 : 180 * 60 + 30 * 60 + 2 * 300);
  });

  it('retries Lambda tasks on the four Lambda service errors with exponential backoff', () => {
    const lambdaTasks = states(definition).filter(([, s]) => s['Resource'] === 'arn:aws:states:::lambda:invoke');
    expect(lambdaTasks.length).toBeGreaterThan(3);
    for (const [name, s] of lambdaTasks) {
      const [retry] = s['Retry'] as { ErrorEquals: string[]; BackoffRate: number; MaxAttempts: number }[];
      expect(retry!.ErrorEquals, name).toEqual(LAMBDA_RETRY_ERRORS);
      expect(retry!.BackoffRate, name).toBeGreaterThan(1);
      expect(retry!.MaxAttempts, name).toBeGreaterThanOrEqual(2);
      // Lambda functions by ARN, never a name that could resolve to another environment's function.
      expect((s['Parameters'] as Record<string, string>)['FunctionName'], name).toMatch(/^arn:aws:lambda:eu-central-1:123456789012:function:tradai-[a-z-]+-dev$/);
    }
  });

  it('runs the strategy task with ecs:runTask.sync on the cluster, in the private subnets, with a per-run revision', () => {
    const ecs = states(definition).filter(([, s]) => s['Resource'] === 'arn:aws:states:::ecs:runTask.sync');
    expect(ecs).toHaveLength(1);
    const [, task] = ecs[0]!;
    const p = task['Parameters'] as Record<string, unknown>;
    const inputs = workflowFixtureInputs('dev');
    expect(p['Cluster']).toBe(inputs.clusterArn);
    expect(p['TaskDefinition.$']).toBe('$.task.taskDefinitionArn');
    expect(p['NetworkConfiguration']).toEqual({ AwsvpcConfiguration: { Subnets: inputs.subnets, SecurityGroups: inputs.securityGroups, AssignPublicIp: 'DISABLED' } });
    const env = (p['Overrides'] as { ContainerOverrides: { Name: string; Environment: { Name: string; Value?: string }[] }[] }).ContainerOverrides[0]!;
    expect(env.Name).toBe('strategy');
    expect(env.Environment.find((e) => e.Name === 'MODE')?.Value).toBe(workflow === 'backtest' ? 'backtest' : 'train');
    const register = states(definition).find(([, s]) => s['Resource'] === 'arn:aws:states:::aws-sdk:ecs:registerTaskDefinition')![1];
    const reg = register['Parameters'] as { Family: string; ContainerDefinitions: Record<string, unknown>[]; TaskRoleArn: string };
    expect(reg.Family).toBe('tradai-strategy-dev');
    expect(reg.ContainerDefinitions[0]!['Image.$']).toBe('$.validation.image');
    expect(reg.TaskRoleArn).toBe(inputs.taskRoleArn);
  });

  it('refuses to render with a variable missing (StrictUndefined)', () => {
    const vars = workflowTemplateVars(workflowFixtureInputs('dev'));
    delete (vars as Record<string, unknown>)['cluster_arn'];
    expect(() => new AslTemplateLoader(aslTemplateDir()).render(workflow, vars)).toThrow(/cluster_arn|undefined/);
  });
});

// ---------------------------------------------------------------- execution with local tasks

const IMAGE = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/momentum@sha256:' + 'a'.repeat(64);
const backtestInput = {
  workflowId: 'bt-0001',
  requestId: 'req-1',
  strategy: 'momentum',
  symbols: ['BTC/USDT', 'ETH/USDT'],
  timeframe: '1h',
  startDate: '2025-01-01T00:00:00Z',
  endDate: '2025-06-01T00:00:00Z',
  parameters: { stopLoss: 0.05 },
  resultKey: 'backtests/bt-0001/result.json',
};

/** Records the Parameters each Task state received. */
function recorder() {
  const calls: { state: string; params: Record<string, unknown> }[] = [];
  const task =
    (state: string, answer: (params: Record<string, unknown>, attempt: number) => unknown): LocalTask =>
    (params) => {
      calls.push({ state, params });
      return answer(params, calls.filter((c) => c.state === state).length);
    };
  const payloads = (state: string) => calls.filter((c) => c.state === state).map((c) => c.params['Payload'] as Record<string, unknown>);
  return { calls, task, payloads };
}

function backtestTasks(r: ReturnType<typeof recorder>, overrides: Partial<Record<string, LocalTask>> = {}): Record<string, LocalTask> {
  const ok = (payload: unknown) => () => lambdaInvokeResult(payload);
  return {
    ValidateStrategy: r.task('ValidateStrategy', ok({ workflowId: 'bt-0001', strategy: 'momentum', configVersion: 3, image: IMAGE, configKey: 'momentum/v3.json', parameters: { stopLoss: 0.05, takeProfit: 0.1 } })),
    MarkRunning: r.task('MarkRunning', ok({ changed: true })),
    PrepareStrategyTask: r.task('PrepareStrategyTask', () => ({ TaskDefinition: { TaskDefinitionArn: 'arn:aws:ecs:eu-central-1:123456789012:task-definition/tradai-strategy-dev:42' } })),
    RunBacktest: r.task('RunBacktest', () => ({ TaskArn: 'arn:aws:ecs:eu-central-1:123456789012:task/tradai-cluster-dev/abc', LastStatus: 'STOPPED', Containers: [{ Name: 'strategy', ExitCode: 0 }] })),
    ConsumeResults: r.task('ConsumeResults', ok({ totalReturn: 0.12, sharpe: 1.4, trades: 31 })),
    MarkSucceeded: r.task('MarkSucceeded', ok({ changed: true })),
    MarkFailed: r.task('MarkFailed', ok({ changed: true })),
    ...overrides,
  } as Record<string, LocalTask>;
}

describe('backtest workflow execution (aws-local-stepfunctions)', () => {
  const definition = renderFixtureWorkflow('backtest');

  it('success: validate, mark running, run the per-run revision, consume results, mark succeeded', async () => {
    const r = recorder();
    const run = await runLocally(definition, backtestInput, backtestTasks(r));
    expect(run.error).toBeUndefined();
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'PrepareStrategyTask', 'RunBacktest', 'ConsumeResults', 'MarkSucceeded']);
    // update-status payloads (domain UpdateStatusInput).
    expect(r.payloads('MarkRunning')).toEqual([{ workflowId: 'bt-0001', status: 'RUNNING', workflowType: 'backtest', strategy: 'momentum' }]);
    expect(r.payloads('MarkSucceeded')).toEqual([{ workflowId: 'bt-0001', status: 'SUCCEEDED', workflowType: 'backtest', strategy: 'momentum' }]);
    // validate-strategy gets the whole workflow input (ValidateStrategyInput ignores extra fields).
    expect(r.payloads('ValidateStrategy')[0]).toEqual(backtestInput);
    expect(r.payloads('ConsumeResults')).toEqual([{ workflowId: 'bt-0001', resultKey: 'backtests/bt-0001/result.json' }]);
    const register = r.calls.find((c) => c.state === 'PrepareStrategyTask')!.params as { ContainerDefinitions: { Image: string }[] };
    expect(register.ContainerDefinitions[0]!.Image).toBe(IMAGE);
    const runTask = r.calls.find((c) => c.state === 'RunBacktest')!.params as {
      TaskDefinition: string;
      Overrides: { ContainerOverrides: { Environment: { Name: string; Value: string }[] }[] };
    };
    expect(runTask.TaskDefinition).toBe('arn:aws:ecs:eu-central-1:123456789012:task-definition/tradai-strategy-dev:42');
    const env = Object.fromEntries(runTask.Overrides.ContainerOverrides[0]!.Environment.map((e) => [e.Name, e.Value]));
    expect(env).toEqual({
      MODE: 'backtest',
      WORKFLOW_ID: 'bt-0001',
      STRATEGY: 'momentum',
      CONFIG_KEY: 'momentum/v3.json',
      CONFIG_VERSION: '3',
      RESULT_KEY: 'backtests/bt-0001/result.json',
      TIMEFRAME: '1h',
      START_DATE: '2025-01-01T00:00:00Z',
      END_DATE: '2025-06-01T00:00:00Z',
      SYMBOLS: '["BTC/USDT","ETH/USDT"]',
      PARAMETERS: '{"stopLoss":0.05,"takeProfit":0.1}',
    });
    expect((run.output as { results: { metrics: unknown } }).results.metrics).toEqual({ totalReturn: 0.12, sharpe: 1.4, trades: 31 });
  });

  it('retries a Lambda service error and carries on', async () => {
    const r = recorder();
    const tasks = backtestTasks(r, {
      ValidateStrategy: r.task('ValidateStrategy', (_p, attempt) => {
        if (attempt === 1) throw stepError('Lambda.ServiceException', 'Lambda is temporarily unavailable');
        return lambdaInvokeResult({ workflowId: 'bt-0001', strategy: 'momentum', configVersion: 3, image: IMAGE, configKey: 'momentum/v3.json', parameters: {} });
      }),
    });
    const run = await runLocally(definition, backtestInput, tasks);
    expect(run.error).toBeUndefined();
    expect(run.retries).toEqual({ ValidateStrategy: 1 });
    expect(r.payloads('ValidateStrategy')).toHaveLength(2);
    expect(run.path.at(-1)).toBe('MarkSucceeded');
    expect(r.payloads('MarkFailed')).toEqual([]);
  });

  it('gives up after the retries and marks the workflow failed', async () => {
    const r = recorder();
    const tasks = backtestTasks(r, {
      MarkRunning: r.task('MarkRunning', () => {
        throw stepError('Lambda.TooManyRequestsException', 'Rate exceeded');
      }),
    });
    const run = await runLocally(definition, backtestInput, tasks);
    expect(run.retries['MarkRunning']).toBe(3);
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'MarkFailed', 'BacktestFailed']);
    expect(run.error?.name).toBe('BacktestFailed');
  });

  it('an ECS task failure reaches MarkFailed with the error, then fails the execution', async () => {
    const r = recorder();
    const cause = JSON.stringify({ StopCode: 'EssentialContainerExited', Containers: [{ ExitCode: 1 }] });
    const tasks = backtestTasks(r, {
      RunBacktest: r.task('RunBacktest', () => {
        throw stepError('States.TaskFailed', cause);
      }),
    });
    const run = await runLocally(definition, backtestInput, tasks);
    expect(run.path).toEqual(['ValidateStrategy', 'MarkRunning', 'PrepareStrategyTask', 'RunBacktest', 'MarkFailed', 'BacktestFailed']);
    expect(run.retries).toEqual({});
    expect(r.payloads('MarkFailed')).toEqual([
      { workflowId: 'bt-0001', status: 'FAILED', workflowType: 'backtest', strategy: 'momentum', error: { Error: 'States.TaskFailed', Cause: cause } },
    ]);
    expect(r.payloads('ConsumeResults')).toEqual([]);
    expect(run.error?.name).toBe('BacktestFailed');
  });

  it('a validation error is not retried and fails before anything runs', async () => {
    const r = recorder();
    const tasks = backtestTasks(r, {
      ValidateStrategy: r.task('ValidateStrategy', () => {
        throw stepError('ValidationError', 'strategy momentum has no config version 9');
      }),
    });
    const run = await runLocally(definition, backtestInput, tasks);
    expect(run.path).toEqual(['ValidateStrategy', 'MarkFailed', 'BacktestFailed']);
    expect(r.payloads('MarkFailed')[0]).toMatchObject({ status: 'FAILED', error: { Error: 'ValidationError' } });
  });

  it('still fails the execution when MarkFailed itself fails', async () => {
    const r = recorder();
    const tasks = backtestTasks(r, {
      ConsumeResults: r.task('ConsumeResults', () => {
        throw stepError('ResultFileError', 'no result file');
      }),
      MarkFailed: r.task('MarkFailed', () => {
        throw stepError('IllegalTransitionError', 'SUCCEEDED is terminal');
      }),
    });
    const run = await runLocally(definition, backtestInput, tasks);
    expect(run.path.slice(-2)).toEqual(['MarkFailed', 'BacktestFailed']);
    expect(run.error?.name).toBe('BacktestFailed');
  });
});

const retrainingInput = { strategy: 'momentum', trigger: 'drift', force: false };
const STARTED_AT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function retrainingTasks(r: ReturnType<typeof recorder>, decision: 'promote' | 'reject', retrain = true, overrides: Partial<Record<string, LocalTask>> = {}) {
  const ok = (payload: unknown) => () => lambdaInvokeResult(payload);
  return {
    CheckRetrainingNeeded: r.task('CheckRetrainingNeeded', (p) => {
      const payload = p['Payload'] as { startedAt: string };
      return lambdaInvokeResult({ strategy: 'momentum', startedAt: payload.startedAt, retrain, reasons: retrain ? ['drift 0.41 > 0.3'] : [], drift: 0.41, modelAgeDays: 12 });
    }),
    MarkRunning: r.task('MarkRunning', ok({ changed: true })),
    ResolveStrategy: r.task('ResolveStrategy', ok({ workflowId: 'rt-1', strategy: 'momentum', configVersion: 5, image: IMAGE, configKey: 'momentum/v5.json', parameters: {} })),
    PrepareTrainingTask: r.task('PrepareTrainingTask', () => ({ TaskDefinition: { TaskDefinitionArn: 'arn:aws:ecs:eu-central-1:123456789012:task-definition/tradai-strategy-dev:43' } })),
    RunTraining: r.task('RunTraining', () => ({ TaskArn: 'arn:aws:ecs:eu-central-1:123456789012:task/tradai-cluster-dev/def', LastStatus: 'STOPPED' })),
    CompareModels: r.task('CompareModels', (p) => {
      const payload = p['Payload'] as { startedAt: string };
      return lambdaInvokeResult({
        strategy: 'momentum',
        startedAt: payload.startedAt,
        modelName: 'momentum',
        decision,
        reason: decision === 'promote' ? 'sharpe 1.6 > 1.4 + 0.02' : 'sharpe 1.3 < 1.4',
        metric: 'sharpe',
        candidateVersion: '7',
        candidateMetric: 1.6,
        championVersion: '6',
        championMetric: 1.4,
      });
    }),
    PromoteModel: r.task('PromoteModel', ok({ strategy: 'momentum', modelName: 'momentum', modelVersion: '7', deploymentId: 'dep-9', configVersion: 6, changed: true })),
    // Pending on the first call, verified on the next (the Wait between them takes no time here).
    VerifyDeployment: r.task('VerifyDeployment', (_p, attempt) =>
      lambdaInvokeResult({ strategy: 'momentum', deploymentId: 'dep-9', verdict: attempt === 1 ? { kind: 'pending', minutesLeft: 25 } : { kind: 'verified' }, marked: attempt === 1 ? undefined : 'verified' }),
    ),
    MarkSucceeded: r.task('MarkSucceeded', ok({ changed: true })),
    NotifyFailure: r.task('NotifyFailure', ok({ changed: true })),
    ...overrides,
  } as Record<string, LocalTask>;
}

describe('retraining workflow execution (aws-local-stepfunctions)', () => {
  const definition = renderFixtureWorkflow('retraining');

  it('skip: nothing runs and nothing is recorded when retraining is not needed', async () => {
    const r = recorder();
    const run = await runLocally(definition, retrainingInput, retrainingTasks(r, 'promote', false), 'rt-skip');
    expect(run.error).toBeUndefined();
    expect(run.path).toEqual(['Start', 'CheckRetrainingNeeded', 'RetrainingNeeded', 'SkipRetraining']);
    const check = r.payloads('CheckRetrainingNeeded')[0]!;
    // CheckRetrainingInput: the execution name is the workflow id, its start time keys the record.
    expect(check).toMatchObject({ strategy: 'momentum', force: false, workflowId: 'rt-skip' });
    expect(check['startedAt']).toMatch(STARTED_AT_RE);
    expect(r.calls.map((c) => c.state)).toEqual(['CheckRetrainingNeeded']);
  });

  it('promote: trains, compares, promotes, marks the run succeeded, then polls verification to a verdict', async () => {
    const r = recorder();
    const run = await runLocally(definition, retrainingInput, retrainingTasks(r, 'promote'), 'rt-promote');
    expect(run.error).toBeUndefined();
    expect(run.path).toEqual([
      'Start',
      'CheckRetrainingNeeded',
      'RetrainingNeeded',
      'MarkRunning',
      'ResolveStrategy',
      'PrepareTrainingTask',
      'RunTraining',
      'CompareModels',
      'PromoteOrReject',
      'PromoteModel',
      'MarkSucceeded',
      'Promoted',
      'WaitForVerification',
      'VerifyDeployment',
      'VerdictFinal',
      'WaitForVerification',
      'VerifyDeployment',
      'VerdictFinal',
      'Done',
    ]);
    expect(r.payloads('VerifyDeployment')).toEqual([
      { strategy: 'momentum', deploymentId: 'dep-9' },
      { strategy: 'momentum', deploymentId: 'dep-9' },
    ]);
    const startedAt = r.payloads('CheckRetrainingNeeded')[0]!['startedAt'];
    expect(r.payloads('MarkRunning')).toEqual([{ workflowId: 'rt-promote', status: 'RUNNING', workflowType: 'retraining', strategy: 'momentum' }]);
    expect(r.payloads('CompareModels')[0]).toMatchObject({ strategy: 'momentum', startedAt });
    expect(r.payloads('PromoteModel')).toEqual([{ strategy: 'momentum', startedAt, modelName: 'momentum', candidateVersion: '7' }]);
    expect(r.payloads('MarkSucceeded')).toEqual([{ workflowId: 'rt-promote', status: 'SUCCEEDED', workflowType: 'retraining', strategy: 'momentum' }]);
    const env = (r.calls.find((c) => c.state === 'RunTraining')!.params as { Overrides: { ContainerOverrides: { Environment: { Name: string; Value: string }[] }[] } })
      .Overrides.ContainerOverrides[0]!.Environment;
    expect(Object.fromEntries(env.map((e) => [e.Name, e.Value]))).toMatchObject({ MODE: 'train', WORKFLOW_ID: 'rt-promote', STRATEGY: 'momentum', CONFIG_VERSION: '5', RETRAINING_STARTED_AT: startedAt });
    expect((run.output as { outcome: unknown }).outcome).toEqual({ outcome: 'promoted', modelVersion: '7', deploymentId: 'dep-9', configVersion: 6 });
    expect((run.output as { verification: unknown }).verification).toEqual({ verdict: 'verified' });
  });

  it('a failing verification fails the execution on its own: the run stays SUCCEEDED, nothing notifies FAILED', async () => {
    const r = recorder();
    const tasks = retrainingTasks(r, 'promote', true, {
      VerifyDeployment: r.task('VerifyDeployment', () => {
        throw stepError('NotFoundError', 'deployment dep-9 of strategy momentum not found');
      }),
    });
    const run = await runLocally(definition, retrainingInput, tasks, 'rt-verify-fail');
    expect(run.path.slice(-4)).toEqual(['Promoted', 'WaitForVerification', 'VerifyDeployment', 'VerificationFailed']);
    expect(run.error?.name).toBe('VerificationFailed');
    expect(r.payloads('MarkSucceeded')).toHaveLength(1);
    expect(r.payloads('NotifyFailure')).toEqual([]);
  });

  it('reject: records the rejection without promoting, and the run still succeeds', async () => {
    const r = recorder();
    const run = await runLocally(definition, retrainingInput, retrainingTasks(r, 'reject'), 'rt-reject');
    expect(run.error).toBeUndefined();
    expect(run.path.slice(-5)).toEqual(['PromoteOrReject', 'RecordRejected', 'MarkSucceeded', 'Promoted', 'Done']);
    expect(r.payloads('PromoteModel')).toEqual([]);
    expect(r.payloads('VerifyDeployment')).toEqual([]);
    expect((run.output as { outcome: unknown }).outcome).toEqual({ outcome: 'rejected', reason: 'sharpe 1.3 < 1.4', candidateVersion: '7' });
  });

  it('a training failure notifies through update-status and fails the execution', async () => {
    const r = recorder();
    const tasks = retrainingTasks(r, 'promote', true, {
      RunTraining: r.task('RunTraining', () => {
        throw stepError('States.TaskFailed', 'OutOfMemoryError: container killed');
      }),
    });
    const run = await runLocally(definition, retrainingInput, tasks, 'rt-fail');
    expect(run.path.slice(-3)).toEqual(['RunTraining', 'NotifyFailure', 'RetrainingFailed']);
    expect(r.payloads('NotifyFailure')).toEqual([
      { workflowId: 'rt-fail', status: 'FAILED', workflowType: 'retraining', strategy: 'momentum', error: { Error: 'States.TaskFailed', Cause: 'OutOfMemoryError: container killed' } },
    ]);
    expect(r.payloads('CompareModels')).toEqual([]);
    expect(run.error?.name).toBe('RetrainingFailed');
  });

  it('a failing check (after its retries) notifies the failure too', async () => {
    const r = recorder();
    const tasks = retrainingTasks(r, 'promote', true, {
      CheckRetrainingNeeded: r.task('CheckRetrainingNeeded', () => {
        throw stepError('Lambda.SdkClientException', 'socket hang up');
      }),
    });
    const run = await runLocally(definition, retrainingInput, tasks, 'rt-check');
    expect(run.retries['CheckRetrainingNeeded']).toBe(3);
    expect(run.path).toEqual(['Start', 'CheckRetrainingNeeded', 'NotifyFailure', 'RetrainingFailed']);
  });
});
