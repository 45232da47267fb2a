import { MlflowError } from '@tradai/domain';

/** Socket-level failures: the dependency is not answering at all. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** AWS answers that mean "not now" rather than "you asked wrongly". */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'AbortError',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'SlowDown',
  'InternalError',
  'InternalServerError',
  'InternalFailure',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  cause?: { code?: string };
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  errors?: unknown[];
}

/**
 * Whether `err` says a dependency (an AWS service, MLflow) is down or overloaded: a network
 * failure, a timeout, throttling or a 5xx, as opposed to a bug or a refusal. Every service maps
 * exactly these to 503; pure, so the classification is tested without an outage.
 */
export function isOutage(err: unknown): boolean {
  if (err instanceof MlflowError) return err.status === 0 || err.status === 429 || err.status >= 500;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as ErrorLike;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  // fetch wraps the socket error in `cause`; Node's happy-eyeballs connect reports every failed address in an AggregateError.
  if (e.cause?.code && NETWORK_CODES.has(e.cause.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isOutage)) return true;
  if (e.name && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (e.$fault === 'server') return true;
  if (e.$metadata === undefined) return false;
  // The SDK attaches $metadata to every error; without a status code the request got no answer at all.
  const status = e.$metadata.httpStatusCode;
  return status === undefined || status >= 500;
}
