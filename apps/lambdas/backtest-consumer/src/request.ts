import type { BacktestRequest, BacktestWorkflowInput } from '@tradai/domain';

/**
 * Workflow id = Step Functions execution name, derived from the request id only: a duplicate
 * request maps to the same execution, which Step Functions refuses to start twice.
 * requestId is <= 64 chars of [A-Za-z0-9_-], so the name stays within the 80-char limit.
 */
export function workflowIdFor(requestId: string): string {
  return `bt-${requestId}`;
}

/** Results bucket key the strategy task writes and consume-results reads. */
export function resultKeyFor(workflowId: string): string {
  return `backtests/${workflowId}/result.json`;
}

/** The execution ARN Step Functions gives execution `name` of state machine `stateMachineArn`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** Input of the backtest workflow for a validated request. */
export function workflowInput(request: BacktestRequest, requestId: string): BacktestWorkflowInput {
  const workflowId = workflowIdFor(requestId);
  return {
    workflowId,
    requestId,
    strategy: request.strategy,
    configVersion: request.configVersion,
    symbols: request.symbols,
    timeframe: request.timeframe,
    startDate: request.startDate,
    endDate: request.endDate,
    parameters: request.parameters,
    resultKey: resultKeyFor(workflowId),
  };
}
