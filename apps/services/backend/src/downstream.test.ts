import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { ConflictError, IllegalTransitionError, NotFoundError, ValidationError } from '@tradai/domain';
import { HttpError } from '@tradai/service-runtime';
import { describe, expect, it } from 'vitest';
import { call } from './downstream.js';
import { functionError, invokeJson } from './invoke.js';

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

  it('passes a domain error through as itself even when its cause is a network failure: the domain has already said what it means', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    for (const err of [new NotFoundError('no such model', { cause: refused }), new ConflictError('moved on', { cause: refused })]) {
      await expect(call('MLflow', () => Promise.reject(err))).rejects.toBe(err);
    }
  });
});

describe('functionError', () => {
  it('keeps the meaning of the Lambda error types and names the function', () => {
    expect(functionError('rb', { errorType: 'NoPreviousDeploymentError', errorMessage: 'nothing to restore' })).toEqual(new ConflictError('rb: nothing to restore'));
    expect(functionError('pm', { errorType: 'Runtime.ExitError' })).toMatchObject({ statusCode: 502, message: 'pm failed (Runtime.ExitError):' });
  });

  it('maps a ValidationError to a 400 on the body, and names a missing message or type', () => {
    const invalid = functionError('pm', { errorType: 'ValidationError', errorMessage: 'version must be a number' });
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ message: 'pm: version must be a number', path: 'body' });
    expect(functionError('rb', { errorType: 'ConflictError' })).toEqual(new ConflictError('rb: failed without a message'));
    expect(functionError('pm', {})).toMatchObject({ statusCode: 502, message: 'pm failed (unknown error):' });
  });
});

describe('invokeJson', () => {
  /** A Lambda client whose invoke answers `out`. */
  const lambda = (out: Partial<InvokeCommandOutput>) => ({ send: () => Promise.resolve(out) }) as unknown as LambdaClient;
  const bytes = (text: string) => new Uint8Array(Buffer.from(text)) as InvokeCommandOutput['Payload'];

  it('returns the parsed result, or undefined for an empty payload', async () => {
    expect(await invokeJson(lambda({ StatusCode: 200, Payload: bytes('{"ok":true}') }), 'fn', {})).toEqual({ ok: true });
    expect(await invokeJson(lambda({ StatusCode: 200 }), 'fn', {})).toBeUndefined();
  });

  it('reports a crash whose payload is not JSON as a 502 quoting its first 200 characters', async () => {
    const text = `Task timed out ${'x'.repeat(300)}`;
    const err = await invokeJson(lambda({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes(text) }), 'fn', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 502, message: `fn failed (unknown error): ${text.slice(0, 200)}` });
  });
});
