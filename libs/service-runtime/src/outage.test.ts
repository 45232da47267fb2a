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

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'])(
    'network code %s is an outage, directly or as the cause',
    (code) => {
      expect(isOutage(Object.assign(new Error('x'), { code }))).toBe(true);
      expect(isOutage(Object.assign(new TypeError('fetch failed'), { cause: { code } }))).toBe(true);
    },
  );

  it.each([
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
  ])('AWS error name %s is an outage even without metadata', (name) => expect(isOutage({ name })).toBe(true));

  it('an unknown code or name is not', () => {
    expect(isOutage(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
    expect(isOutage({ name: 'ConditionalCheckFailedException' })).toBe(false);
  });

  it.each([
    [0, true],
    [404, false],
    [428, false],
    [429, true],
    [430, false],
    [499, false],
    [500, true],
    [502, true],
  ])('an MLflow answer %i is an outage: %s', (status, outage) => expect(isOutage(new MlflowError(`MLflow -> ${status}`, status))).toBe(outage));

  it('a server fault is an outage on its own, a client fault is not', () => {
    expect(isOutage({ $fault: 'server' })).toBe(true);
    expect(isOutage({ $fault: 'client' })).toBe(false);
    expect(isOutage({})).toBe(false);
  });

  it('one outage among the errors of an AggregateError is enough', () => {
    expect(isOutage(new AggregateError([new TypeError('bug'), Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isOutage(new AggregateError([new TypeError('bug'), new RangeError('bug')]))).toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 503],
    ['a function carrying a network code', Object.assign(() => undefined, { code: 'ECONNREFUSED' })],
  ])('%s is not (only objects are classified)', (_, err) => expect(isOutage(err)).toBe(false));
});
