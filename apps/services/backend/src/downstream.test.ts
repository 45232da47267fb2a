import { ConflictError, IllegalTransitionError, NotFoundError } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';
import { describe, expect, it } from 'vitest';
import { call } from './downstream.js';
import { functionError } from './invoke.js';

describe('call', () => {
  it('turns an outage into a 503 naming the service', async () => {
    const err = await call('S3', () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ statusCode: 503, message: 'S3 unavailable: connect ECONNREFUSED 127.0.0.1:9' });
  });

  it('passes domain errors through, makes an illegal transition a 409 and leaves bugs as they are', async () => {
    await expect(call('DynamoDB', () => Promise.reject(new NotFoundError('x')))).rejects.toBeInstanceOf(NotFoundError);
    await expect(call('DynamoDB', () => Promise.reject(new IllegalTransitionError('SUCCEEDED', 'CANCELLED', 'SUCCEEDED is terminal')))).rejects.toBeInstanceOf(ConflictError);
    const bug = new TypeError('bug');
    await expect(call('DynamoDB', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});

describe('functionError', () => {
  it('keeps the meaning of the Lambda error types and names the function', () => {
    expect(functionError('rb', { errorType: 'NoPreviousDeploymentError', errorMessage: 'nothing to restore' })).toEqual(new ConflictError('rb: nothing to restore'));
    expect(functionError('pm', { errorType: 'Runtime.ExitError' })).toMatchObject({ statusCode: 502, message: 'pm failed (Runtime.ExitError):' });
  });
});
