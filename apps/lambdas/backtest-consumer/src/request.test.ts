import { BacktestWorkflowInput, parseEvent } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { executionArnFor, workflowIdFor, workflowInput } from './request.js';

describe('request mapping', () => {
  it('derives a valid execution name and ARN from the request id', () => {
    const id = workflowIdFor('a'.repeat(64));
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(executionArnFor('arn:aws:states:us-east-1:1:stateMachine:tradai-backtest-dev', 'bt-x')).toBe(
      'arn:aws:states:us-east-1:1:execution:tradai-backtest-dev:bt-x',
    );
  });

  it('builds a workflow input that satisfies the documented schema', () => {
    const input = workflowInput(
      { strategy: 'momo', symbols: ['BTC/USDT'], timeframe: '1h', startDate: '2026-01-01T00:00:00Z', endDate: '2026-02-01T00:00:00Z', parameters: { a: 1 } },
      'r1',
    );
    expect(parseEvent(BacktestWorkflowInput, input)).toEqual(input);
    expect(input).toMatchObject({ workflowId: 'bt-r1', requestId: 'r1', resultKey: 'backtests/bt-r1/result.json' });
  });
});
