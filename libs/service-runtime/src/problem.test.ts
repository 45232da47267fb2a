import { ConflictError, NotFoundError, ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { HttpError, toProblem } from './problem.js';

const INTERNAL = 'internal error; the service log has the details under this request id';

/** A Fastify schema validation error as fastify-type-provider-zod raises it. */
const validation = (items: { instancePath?: string; message?: string }[], validationContext?: string) =>
  Object.assign(new Error('validation'), { validation: items, ...(validationContext === undefined ? {} : { validationContext }) });

describe('HttpError', () => {
  it('is named HttpError and carries its status', () => {
    const err = new HttpError(503, 'exchange unreachable');
    expect(err.name).toBe('HttpError');
    expect(err.statusCode).toBe(503);
    expect(err.message).toBe('exchange unreachable');
  });
});

describe('toProblem: request validation', () => {
  it('prefixes each field with where it was and joins the issues with "; "', () => {
    const p = toProblem(validation([{ instancePath: '/symbols/0', message: 'too short' }, { instancePath: '/limit', message: 'too big' }], 'body'), '/orders');
    expect(p).toStrictEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'invalid request: body.symbols.0: too short; body.limit: too big',
      instance: '/orders',
      errors: [
        { path: 'body.symbols.0', message: 'too short' },
        { path: 'body.limit', message: 'too big' },
      ],
    });
  });

  it('names the root of the body by its context alone', () => {
    expect(toProblem(validation([{ message: 'expected object' }], 'body')).errors).toEqual([{ path: 'body', message: 'expected object' }]);
    expect(toProblem(validation([{ instancePath: '', message: 'expected object' }], 'querystring')).errors).toEqual([{ path: 'querystring', message: 'expected object' }]);
  });

  it('leaves out a missing or empty context instead of a leading dot', () => {
    expect(toProblem(validation([{ instancePath: '/a/b', message: 'm' }])).errors).toEqual([{ path: 'a.b', message: 'm' }]);
    expect(toProblem(validation([{ instancePath: '/a', message: 'm' }], '')).errors).toEqual([{ path: 'a', message: 'm' }]);
  });

  it('calls a field with neither context nor path (root), and a message-less issue invalid', () => {
    const p = toProblem(validation([{}]));
    expect(p.errors).toEqual([{ path: '(root)', message: 'invalid' }]);
    expect(p.detail).toBe('invalid request: (root): invalid');
  });

  it('only takes objects for validation errors', () => {
    const fn = Object.assign(() => undefined, { validation: [{ instancePath: '/x', message: 'm' }] });
    expect(toProblem(fn).status).toBe(500);
    expect(toProblem(null)).toStrictEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: INTERNAL });
    expect(toProblem(undefined).status).toBe(500);
    expect(toProblem('boom').status).toBe(500);
  });
});

describe('toProblem: domain errors', () => {
  it('turns a ValidationError without issues into one issue at its path', () => {
    expect(toProblem(new ValidationError('fast must be < slow', 'parameters.fast'), '/x')).toStrictEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'fast must be < slow',
      instance: '/x',
      errors: [{ path: 'parameters.fast', message: 'fast must be < slow' }],
    });
  });

  it('keeps the issues of a ValidationError that has them', () => {
    const issues = [
      { path: 'a', message: 'x' },
      { path: 'b', message: 'y' },
    ];
    expect(toProblem(new ValidationError('bad', 'a', issues)).errors).toEqual(issues);
  });

  it('maps NotFoundError to 404 and ConflictError to 409, without an instance when none is given', () => {
    expect(toProblem(new NotFoundError('gone'))).toStrictEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'gone' });
    expect(toProblem(new ConflictError('taken'))).toStrictEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'taken' });
  });
});

describe('toProblem: HttpError status range 400..599', () => {
  it.each([
    [400, 'Bad Request'],
    [429, 'Too Many Requests'],
    [499, 'Error'],
    [503, 'Service Unavailable'],
    [599, 'Error'],
  ])('keeps %i with title %s', (status, title) => {
    expect(toProblem(new HttpError(status, 'why'))).toStrictEqual({ type: 'about:blank', title, status, detail: 'why' });
  });

  it.each([399, 600, 302])('answers an out-of-range %i as an internal error', (status) => {
    expect(toProblem(new HttpError(status, 'why'))).toStrictEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: INTERNAL });
  });
});

describe('toProblem: Fastify client errors', () => {
  const fst = (statusCode: number, code: unknown, message = 'Unsupported Media Type') => Object.assign(new Error(message), { statusCode, code });

  it.each([400, 415, 499])('echoes an FST_ %i', (status) => {
    expect(toProblem(fst(status, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'), '/o')).toStrictEqual({
      type: 'about:blank',
      title: expect.any(String),
      status,
      detail: 'Unsupported Media Type',
      instance: '/o',
    });
  });

  it.each([
    ['a 399', fst(399, 'FST_ERR_X')],
    ['a 500', fst(500, 'FST_ERR_X')],
    ['a 503', fst(503, 'FST_ERR_X')],
    ['a non-Fastify 4xx code', fst(404, 'ERR_SOMETHING')],
    ['a 4xx without a code', fst(404, undefined)],
    ['a string status', Object.assign(new Error('x'), { statusCode: '404', code: 'FST_ERR_X' })],
  ])('hides %s behind a 500', (_, err) => {
    expect(toProblem(err)).toStrictEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: INTERNAL });
  });
});
