import { createHash, randomUUID } from 'node:crypto';

/**
 * Execution name of a manual retraining. With an Idempotency-Key the name is derived from
 * (strategy, key): Step Functions refuses a second execution of the same name (or returns the
 * first when the input is identical), so a retried POST starts one execution. Names allow 80
 * chars of [A-Za-z0-9_-]: the strategy is cut to 40, the hash is 32 hex.
 */
export function retrainingExecutionName(strategy: string, idempotencyKey: string | undefined): string {
  const suffix = idempotencyKey === undefined ? randomUUID().replaceAll('-', '') : createHash('sha256').update(`${strategy}\n${idempotencyKey}`).digest('hex').slice(0, 32);
  return `rt-${strategy.slice(0, 40)}-${suffix}`;
}

/** The execution ARN Step Functions gives execution `name` of `stateMachineArn`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
