import { ConflictError, IllegalTransitionError, MlflowError, NotFoundError } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';
import { describe, expect, it } from 'vitest';
import { call, isOutage } from './downstream.js';
import { functionError } from './invoke.js';

describe('isOutage', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a socket error wrapped by fetch', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })],
    ['throttling', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })],
    ['a 5xx from AWS', Object.assign(new Error('Internal'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } })],
    ['an SDK error without an answer', Object.assign(new Error('socket hang up'), { $metadata: {} })],
    ['MLflow unreachable', new MlflowError('MLflow GET x failed: fetch failed', 0)],
    ['MLflow 503', new MlflowError('MLflow GET x -> 503', 503)],
  ])('%s is an outage', (_, err) => expect(isOutage(err)).toBe(true));

  it.each([
    ['a validation error from DynamoDB (our bug)', Object.assign(new Error('Invalid KeyConditionExpression'), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } })],
    ['an MLflow 404', new MlflowError('not found', 404, 'RESOURCE_DOES_NOT_EXIST')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'boom'],
  ])('%s is not', (_, err) => expect(isOutage(err)).toBe(false));
});

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
