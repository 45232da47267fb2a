import { ConflictError, IllegalTransitionError, NotFoundError, ValidationError } from '@tradai/domain';
import { HttpError, isOutage } from '@tradai/service-runtime';

/** The services backend-api depends on; named in a 503 so the caller (and on-call) knows which. */
export type Downstream = 'DynamoDB' | 'S3' | 'Step Functions' | 'MLflow' | 'Lambda';

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
