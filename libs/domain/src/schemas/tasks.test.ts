import { describe, expect, it } from 'vitest';
import { parseEvent } from './parse.js';
import { CheckRetrainingInput, CompareModelsInput, ConsumeResultsInput, PromoteModelInput, RetrainingWorkflowInput, UpdateStatusInput } from './tasks.js';

const ok = (schema: Parameters<typeof parseEvent>[0], value: unknown) => schema.safeParse(value).success;
const firstMessage = (schema: Parameters<typeof parseEvent>[0], value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]!.message;
};
const STARTED = '2026-01-01T00:00:00Z';

describe('UpdateStatusInput', () => {
  const base = { workflowId: 'bt-1', status: 'FAILED' };

  it('takes the error as a plain message or as a Step Functions Catch object', () => {
    expect(parseEvent(UpdateStatusInput, { ...base, error: 'boom' }).error).toBe('boom');
    expect(parseEvent(UpdateStatusInput, { ...base, error: { Error: 'States.TaskFailed', Cause: 'oom' } }).error).toEqual({ Error: 'States.TaskFailed', Cause: 'oom' });
    expect(ok(UpdateStatusInput, { ...base, error: 5 })).toBe(false);
  });

  it('workflow types are backtest or retraining', () => {
    expect(parseEvent(UpdateStatusInput, { ...base, workflowType: 'backtest' }).workflowType).toBe('backtest');
    expect(parseEvent(UpdateStatusInput, { ...base, workflowType: 'retraining' }).workflowType).toBe('retraining');
    expect(ok(UpdateStatusInput, { ...base, workflowType: 'training' })).toBe(false);
  });
});

describe('ConsumeResultsInput', () => {
  it('keeps the workflow id and result key, and needs both', () => {
    const input = { workflowId: 'bt-1', resultKey: 'backtests/bt-1/result.json' };
    expect(parseEvent(ConsumeResultsInput, input)).toEqual(input);
    expect(ok(ConsumeResultsInput, { workflowId: 'bt-1' })).toBe(false);
    expect(ok(ConsumeResultsInput, { workflowId: 'bt-1', resultKey: '' })).toBe(false);
  });
});

describe('RetrainingWorkflowInput', () => {
  it('defaults to a manual, unforced run', () => {
    expect(parseEvent(RetrainingWorkflowInput, { strategy: 'momo' })).toEqual({ strategy: 'momo', trigger: 'manual', force: false });
    expect(ok(RetrainingWorkflowInput, {})).toBe(false);
  });

  it('accepts drift and schedule triggers', () => {
    expect(parseEvent(RetrainingWorkflowInput, { strategy: 'momo', trigger: 'drift', modelName: 'm', force: true })).toEqual({ strategy: 'momo', trigger: 'drift', modelName: 'm', force: true });
    expect(parseEvent(RetrainingWorkflowInput, { strategy: 'momo', trigger: 'schedule' }).trigger).toBe('schedule');
    expect(ok(RetrainingWorkflowInput, { strategy: 'momo', trigger: 'cron' })).toBe(false);
  });
});

describe('CheckRetrainingInput', () => {
  it('is not forced by default and keeps its fields', () => {
    expect(parseEvent(CheckRetrainingInput, { strategy: 'momo' })).toEqual({ strategy: 'momo', force: false });
    expect(parseEvent(CheckRetrainingInput, { strategy: 'momo', workflowId: 'rt-1', startedAt: STARTED, force: true })).toEqual({ strategy: 'momo', workflowId: 'rt-1', startedAt: STARTED, force: true });
    expect(ok(CheckRetrainingInput, {})).toBe(false);
  });
});

describe('model version numbers in CompareModels and PromoteModel', () => {
  it('CompareModels compares sharpe by default and keeps its fields', () => {
    expect(parseEvent(CompareModelsInput, { strategy: 'momo', startedAt: STARTED })).toEqual({ strategy: 'momo', startedAt: STARTED, metric: 'sharpe' });
    expect(parseEvent(CompareModelsInput, { strategy: 'momo', startedAt: STARTED, modelName: 'm', candidateVersion: '12', metric: 'sortino' })).toEqual({
      strategy: 'momo',
      startedAt: STARTED,
      modelName: 'm',
      candidateVersion: '12',
      metric: 'sortino',
    });
    expect(ok(CompareModelsInput, { strategy: 'momo' })).toBe(false);
  });

  it('PromoteModel keeps its fields and needs the candidate', () => {
    expect(parseEvent(PromoteModelInput, { strategy: 'momo', startedAt: STARTED, candidateVersion: '3', modelName: 'm' })).toEqual({ strategy: 'momo', startedAt: STARTED, candidateVersion: '3', modelName: 'm' });
    expect(ok(PromoteModelInput, { strategy: 'momo', startedAt: STARTED })).toBe(false);
  });

  it.each([
    ['CompareModels', CompareModelsInput],
    ['PromoteModel', PromoteModelInput],
  ] as const)('%s: versions are digits only, one or more', (_name, schema) => {
    const v = (candidateVersion: string) => ok(schema, { strategy: 'momo', startedAt: STARTED, candidateVersion });
    expect(v('7')).toBe(true);
    expect(v('12')).toBe(true);
    expect(v('v12')).toBe(false);
    expect(v('12a')).toBe(false);
    expect(v('')).toBe(false);
    expect(firstMessage(schema, { strategy: 'momo', startedAt: STARTED, candidateVersion: 'latest' })).toBe('must be a model version number');
  });
});
