import { BacktestResultFile, ConflictError, isAwsError, NotFoundError, parseJsonEvent, ValidationError, type BacktestMetrics, type ConsumeResultsInput, type WorkflowRepo } from '@tradai/domain';
import { isDeepStrictEqual } from 'node:util';
import { computeMetrics } from './metrics.js';

export interface ConsumeResultsDeps {
  readonly workflows: WorkflowRepo;
  readonly bucket: string;
  /** Reads an object of the results bucket as text. */
  readonly readObject: (key: string) => Promise<string>;
  readonly now?: () => Date;
}

export interface ConsumeResultsOutput {
  readonly workflowId: string;
  readonly resultKey: string;
  readonly metrics: BacktestMetrics;
  /** False when the same metrics were already stored (duplicate delivery). */
  readonly stored: boolean;
}

/**
 * Reads the result file the strategy task wrote, computes summary metrics and stores them on the
 * RUNNING workflow record (conditional on RUNNING). Nothing is written unless the file parses
 * completely; a repeat with identical metrics is a no-op.
 */
export async function consumeResults(deps: ConsumeResultsDeps, input: ConsumeResultsInput): Promise<ConsumeResultsOutput> {
  const workflow = await deps.workflows.get(input.workflowId);
  if (!workflow) throw new NotFoundError(`workflow ${input.workflowId} not found in workflow_state`);
  const where = `s3://${deps.bucket}/${input.resultKey}`;
  let text: string;
  try {
    text = await deps.readObject(input.resultKey);
  } catch (err) {
    if (isAwsError(err, 'NoSuchKey', 'NotFound')) throw new NotFoundError(`result file ${where} does not exist (the strategy task wrote no result)`);
    throw err;
  }
  const file = parseJsonEvent(BacktestResultFile, text, `result file ${where}`);
  if (workflow.strategy && file.strategy !== workflow.strategy) {
    throw new ValidationError(`invalid result file ${where}: strategy: is "${file.strategy}", workflow ran "${workflow.strategy}"`, 'strategy');
  }
  const metrics = computeMetrics(file);
  const same = () => isDeepStrictEqual(workflow.metrics, metrics) && workflow.result_key === input.resultKey;
  if (workflow.status !== 'RUNNING') {
    if (same()) return { workflowId: input.workflowId, resultKey: input.resultKey, metrics, stored: false };
    throw new ConflictError(`workflow ${input.workflowId} is ${workflow.status}, not RUNNING: results not stored`);
  }
  if (!(await deps.workflows.recordMetrics(input.workflowId, input.resultKey, metrics, deps.now?.()))) {
    throw new ConflictError(`workflow ${input.workflowId} left RUNNING while its results were being stored`);
  }
  return { workflowId: input.workflowId, resultKey: input.resultKey, metrics, stored: !same() };
}
