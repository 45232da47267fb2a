import { ConflictError, NotFoundError, ValidationError } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';
import { describe, expect, it } from 'vitest';
import { downstream } from './downstream.js';

/** A 5xx from the SDK: what an outage looks like. */
const serverFault = <E extends Error>(err: E) => Object.assign(err, { $fault: 'server', $metadata: { httpStatusCode: 503 } });

describe('downstream', () => {
  it('answers what the call answers', async () => {
    expect(await downstream('S3', async () => 42)).toBe(42);
  });

  it('maps an outage to a 503 naming the dependency', async () => {
    const err = await downstream('the configs bucket (S3)', () => Promise.reject(serverFault(new Error('boom')))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).statusCode).toBe(503);
    expect((err as Error).message).toBe('the configs bucket (S3) is unavailable; nothing was changed by this request, retry later');
  });

  it('passes domain errors through unchanged, even ones carrying an SDK fault', async () => {
    for (const err of [new NotFoundError('nf'), new ConflictError('c'), new ValidationError('v', 'body.x')]) {
      await expect(downstream('S3', () => Promise.reject(serverFault(err))), err.name).rejects.toBe(err);
    }
  });

  it('passes anything that is not an outage through unchanged (a bug, a refused permission)', async () => {
    const denied = Object.assign(new Error('AccessDenied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(downstream('S3', () => Promise.reject(denied))).rejects.toBe(denied);
    const bug = new TypeError('x is undefined');
    await expect(downstream('S3', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
