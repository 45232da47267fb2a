import { ConflictError, IllegalTransitionError, MlflowError, NotFoundError, ValidationError } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';

/** The services backend-api depends on; named in a 503 so the caller (and on-call) knows which. */
export type Downstream = 'DynamoDB' | 'S3' | 'Step Functions' | 'MLflow' | 'Lambda';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);
const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'TimeoutError',
  'SlowDown',
]);

interface AwsLike {
  name?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: { code?: string };
}

/**
 * Whether `err` means the dependency is unavailable (network failure, timeout, throttling, a 5xx),
 * as opposed to a bug or a refusal. Pure, so the classification is tested without an outage.
 */
export function isOutage(err: unknown): boolean {
  if (err instanceof MlflowError) return err.status === 0 || err.status === 429 || err.status >= 500;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as AwsLike;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.cause?.code && NETWORK_CODES.has(e.cause.code)) return true;
  if (e.name && THROTTLE_NAMES.has(e.name)) return true;
  if (e.$fault === 'server') return true;
  // The SDK attaches $metadata to every error; without a status code the request got no answer at all.
  return e.$metadata !== undefined && e.$metadata.httpStatusCode === undefined;
}

const DOMAIN_ERRORS = [NotFoundError, ConflictError, ValidationError, HttpError];

/**
 * Runs one call to `service`; an outage becomes a 503 naming the service. Domain errors pass
 * through (404/409/400), and an IllegalTransitionError is a 409: the record moved on. Anything
 * else is rethrown unchanged (a 500: a bug, not an outage).
 */
export async function call<T>(service: Downstream, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (DOMAIN_ERRORS.some((E) => err instanceof E)) throw err;
    if (err instanceof IllegalTransitionError) throw new ConflictError(err.message);
    if (isOutage(err)) throw new HttpError(503, `${service} unavailable: ${(err as Error).message || (err as Error).name}`);
    throw err;
  }
}
