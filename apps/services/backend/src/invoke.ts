import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ConflictError, NotFoundError, ValidationError } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';
import { call } from './downstream.js';

/** What a Node.js Lambda returns as the payload of a thrown error. */
interface LambdaErrorPayload {
  errorType?: string;
  errorMessage?: string;
}

/** Error types the promote-model and rollback Lambdas throw on purpose, by the HTTP status they mean. */
const REFUSALS: Readonly<Record<string, 400 | 404 | 409 | 503>> = {
  ValidationError: 400,
  NotFoundError: 404,
  ConflictError: 409,
  IllegalTransitionError: 409,
  NoPreviousDeploymentError: 409,
  StaleRollbackError: 409,
  // The Lambda's own dependency (MLflow behind promote-model) was down: still an outage for the caller.
  MlflowError: 503,
};

/**
 * The error an invoked function's failure means to an API client (pure): its typed refusals keep
 * their meaning (400/404/409), an outage behind it is a 503, anything else a 502 naming the function.
 */
export function functionError(fn: string, payload: LambdaErrorPayload): Error {
  const message = `${fn}: ${payload.errorMessage ?? 'failed without a message'}`;
  switch (REFUSALS[payload.errorType ?? '']) {
    case 400:
      return new ValidationError(message, 'body');
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    case 503:
      return new HttpError(503, message);
    default:
      return new HttpError(502, `${fn} failed (${payload.errorType ?? 'unknown error'}): ${payload.errorMessage ?? ''}`.trim());
  }
}

/**
 * Invokes `functionName` synchronously with `payload` and returns its JSON result. The Lambdas
 * stay the one implementation of promotion and rollback (the workflows and alarms invoke them too).
 */
export async function invokeJson<T>(lambda: LambdaClient, functionName: string, payload: unknown): Promise<T> {
  const res = await call('Lambda', () => lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)) })));
  const text = res.Payload ? Buffer.from(res.Payload).toString('utf8') : '';
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { errorMessage: text.slice(0, 200) };
  }
  if (res.FunctionError) throw functionError(functionName, (body ?? {}) as LambdaErrorPayload);
  return body as T;
}
