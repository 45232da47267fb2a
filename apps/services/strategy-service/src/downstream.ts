import { ConflictError, NotFoundError, ValidationError } from '@tradai/domain';
import { HttpError, isOutage } from '@tradai/service-runtime';

/**
 * Runs one call to `what` (DynamoDB, S3): an outage becomes a 503 problem naming the dependency;
 * domain errors and anything else (a bug, a missing permission: 500) pass through unchanged.
 */
export async function downstream<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ConflictError || err instanceof ValidationError) throw err;
    if (isOutage(err)) throw new HttpError(503, `${what} is unavailable; nothing was changed by this request, retry later`);
    throw err;
  }
}
