import { EnvError } from '@tradai/domain';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configOrExit, serviceConfig } from './config.js';
import { requestIdFrom } from './request-id.js';

describe('serviceConfig', () => {
  it('defaults port and health path to the SERVICE_ENDPOINTS entry', () => {
    expect(serviceConfig('data-collection', {})).toEqual({
      name: 'data-collection',
      port: 8002,
      host: '0.0.0.0',
      healthPath: '/health',
      logLevel: 'info',
      version: 'dev',
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads what the compute stack sets', () => {
    const c = serviceConfig('data-collection', { SERVICE_NAME: 'data-collection', SERVICE_PORT: '9002', HEALTH_PATH: '/healthz', LOG_LEVEL: 'DEBUG', SERVICE_HOST: '127.0.0.1' });
    expect(c).toMatchObject({ port: 9002, healthPath: '/healthz', logLevel: 'debug', host: '127.0.0.1' });
  });

  it('trims every value it reads', () => {
    expect(
      serviceConfig('data-collection', {
        SERVICE_NAME: ' data-collection ',
        SERVICE_PORT: ' 9002 ',
        HEALTH_PATH: ' /healthz ',
        LOG_LEVEL: ' warn ',
        SERVICE_HOST: ' 127.0.0.1 ',
        SERVICE_VERSION: ' v1.2.3 ',
        SHUTDOWN_TIMEOUT_MS: ' 500 ',
      }),
    ).toEqual({ name: 'data-collection', port: 9002, host: '127.0.0.1', healthPath: '/healthz', logLevel: 'warn', version: 'v1.2.3', shutdownTimeoutMs: 500 });
  });

  it('treats blank values as unset and takes the defaults', () => {
    const blank = { SERVICE_NAME: ' ', SERVICE_PORT: '  ', HEALTH_PATH: ' ', LOG_LEVEL: ' ', SERVICE_HOST: ' ', SERVICE_VERSION: ' ', SHUTDOWN_TIMEOUT_MS: '\t' };
    expect(serviceConfig('data-collection', blank)).toEqual(serviceConfig('data-collection', {}));
  });

  it('lists the accepted log levels', () => {
    expect(() => serviceConfig('data-collection', { LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
  });

  it('accepts port 0 and 65535 and a 1 ms shutdown timeout', () => {
    expect(serviceConfig('data-collection', { SERVICE_PORT: '0', SHUTDOWN_TIMEOUT_MS: '1' })).toMatchObject({ port: 0, shutdownTimeoutMs: 1 });
    expect(serviceConfig('data-collection', { SERVICE_PORT: '65535' }).port).toBe(65535);
  });

  it.each([
    [{ SERVICE_PORT: '8002.5' }, 'SERVICE_PORT'],
    [{ SHUTDOWN_TIMEOUT_MS: '1500.5' }, 'SHUTDOWN_TIMEOUT_MS'],
    [{ SERVICE_PORT: '-1' }, 'SERVICE_PORT'],
    [{ SERVICE_PORT: '80a' }, 'SERVICE_PORT'],
    [{ SERVICE_PORT: '70000' }, 'SERVICE_PORT'],
    [{ HEALTH_PATH: 'health' }, 'HEALTH_PATH'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SERVICE_NAME: 'backend-api' }, 'SERVICE_NAME'],
    [{ SHUTDOWN_TIMEOUT_MS: '0' }, 'SHUTDOWN_TIMEOUT_MS'],
  ])('rejects %o naming %s', (env, variable) => {
    const err = (() => {
      try {
        serviceConfig('data-collection', env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).variables).toEqual([variable]);
    expect((err as EnvError).message).toContain(variable);
  });
});

describe('configOrExit', () => {
  const io = () => {
    const lines: string[] = [];
    const codes: number[] = [];
    return {
      lines,
      codes,
      io: {
        stderr: (l: string) => void lines.push(l),
        exit: ((c: number) => {
          codes.push(c);
          throw new Error('exited');
        }) as (c: number) => never,
      },
    };
  };

  it('returns the config when the environment is good', () => {
    const t = io();
    expect(configOrExit('svc', () => 42, t.io)).toBe(42);
    expect(t.codes).toEqual([]);
  });

  it('stops with exit code 1 and one line naming the variable', () => {
    const t = io();
    expect(() => configOrExit('data-collection', () => serviceConfig('data-collection', { SERVICE_PORT: 'x' }), t.io)).toThrow('exited');
    expect(t.codes).toEqual([1]);
    expect(t.lines).toEqual(['data-collection: configuration error: SERVICE_PORT must be a number, got "x"']);
  });

  it('lets a programming error through as itself', () => {
    const t = io();
    expect(() =>
      configOrExit('svc', () => {
        throw new TypeError('bug');
      }, t.io),
    ).toThrow(TypeError);
    expect(t.codes).toEqual([]);
  });
});

describe('configOrExit with the process', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes the line to stderr and exits 1', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    expect(() => configOrExit('svc', () => serviceConfig('data-collection', { LOG_LEVEL: 'loud' }))).toThrow('exit 1');
    expect(exit).toHaveBeenCalledWith(1);
    expect(write).toHaveBeenCalledWith('svc: configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"\n');
  });
});

describe('requestIdFrom', () => {
  it('skips empty or unsafe header values', () => {
    expect(requestIdFrom({ 'x-amzn-requestid': '  ', 'x-request-id': 'ok-1' })).toBe('ok-1');
    expect(requestIdFrom({ 'x-request-id': 'a\nforged log line' }, () => 'fresh')).toBe('fresh');
    expect(requestIdFrom({ 'x-request-id': ['first', 'second'] })).toBe('first');
  });

  it('trims the header value before checking it', () => {
    expect(requestIdFrom({ 'x-request-id': '  req-7 ' }, () => 'fresh')).toBe('req-7');
    expect(requestIdFrom({ 'apigw-requestid': [' gw-1\t'] }, () => 'fresh')).toBe('gw-1');
  });
});
