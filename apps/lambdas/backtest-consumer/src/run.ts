import { isAwsError, type BacktestRequest, type BacktestWorkflowInput, type WorkflowRepo } from '@tradai/domain';
import { executionArnFor, workflowInput } from './request.js';

export interface ConsumerDeps {
  readonly workflows: WorkflowRepo;
  readonly stateMachineArn: string;
  /** StartExecution; resolves to the execution ARN. */
  readonly startExecution: (args: { stateMachineArn: string; name: string; input: string }) => Promise<string | undefined>;
  readonly now?: () => Date;
}

export interface ConsumeOutcome {
  readonly workflowId: string;
  readonly executionArn: string;
  /** The workflow record existed already (a duplicate that got past idempotency, e.g. after its expiry). */
  readonly duplicateRecord: boolean;
  /** Step Functions already had this execution. */
  readonly alreadyStarted: boolean;
}

/**
 * Records QUEUED (conditional put: an existing record is left alone) and starts the workflow under
 * the request's execution name. ExecutionAlreadyExists means an earlier delivery started it:
 * success. If StartExecution fails otherwise, the QUEUED record stays and the message is retried;
 * the retry skips the put and starts the execution.
 */
export async function consumeRequest(deps: ConsumerDeps, request: BacktestRequest, requestId: string): Promise<ConsumeOutcome> {
  const input: BacktestWorkflowInput = workflowInput(request, requestId);
  const now = deps.now?.() ?? new Date();
  const created = await deps.workflows.createQueued(
    {
      workflow_id: input.workflowId,
      workflow_type: 'backtest',
      strategy: request.strategy,
      request_id: requestId,
      result_key: input.resultKey,
      request: { ...request },
    },
    now,
  );
  let executionArn = executionArnFor(deps.stateMachineArn, input.workflowId);
  let alreadyStarted = false;
  try {
    executionArn = (await deps.startExecution({ stateMachineArn: deps.stateMachineArn, name: input.workflowId, input: JSON.stringify(input) })) ?? executionArn;
  } catch (err) {
    if (!isAwsError(err, 'ExecutionAlreadyExists')) throw err;
    alreadyStarted = true;
  }
  await deps.workflows.table.update({ workflow_id: input.workflowId }, { execution_arn: executionArn });
  return { workflowId: input.workflowId, executionArn, duplicateRecord: !created, alreadyStarted };
}
