import { MlflowError, ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { isOutage } from './outage.js';

describe('isOutage', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a socket error wrapped by fetch', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })],
    ['every address refused (AggregateError)', new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })])],
    ['throttling', { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }],
    ['a 5xx from AWS', { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } }],
    ['a 500 without a fault (the first server status)', { name: 'Unknown', $metadata: { httpStatusCode: 500 } }],
    ['an SDK timeout', { name: 'TimeoutError' }],
    ['an SDK error without an answer', Object.assign(new Error('socket hang up'), { $metadata: {} })],
    ['MLflow unreachable', new MlflowError('MLflow GET x failed: fetch failed', 0)],
    ['MLflow 503', new MlflowError('MLflow GET x -> 503', 503)],
  ])('%s is an outage', (_, err) => expect(isOutage(err)).toBe(true));

  it.each([
    ['a validation error from DynamoDB (our bug)', { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } }],
    ['a missing permission', { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 } }],
    ['a missing resource', { name: 'ResourceNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } }],
    ['a 499 (the last client status)', { name: 'Unknown', $metadata: { httpStatusCode: 499 } }],
    ['an MLflow 404', new MlflowError('not found', 404, 'RESOURCE_DOES_NOT_EXIST')],
    ['a domain validation error', new ValidationError('bad', 'x')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'boom'],
  ])('%s is not', (_, err) => expect(isOutage(err)).toBe(false));
});
