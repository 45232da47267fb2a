import { lambdaEnvNames } from '@tradai/contracts';
import { describe, expect, it } from 'vitest';
import { captureLogs, dummyLambdaEnv, importWithLogLevel, setLambdaEnv, withLogs, type LogLine } from './index.js';

describe('lambda env helpers', () => {
  it('sets every contract variable with setting defaults and restores afterwards', () => {
    const env = dummyLambdaEnv('orphan-cleanup', { ECS_CLUSTER_ARN: 'arn:x' });
    expect(Object.keys(env).sort()).toEqual(lambdaEnvNames('orphan-cleanup').sort());
    expect(env.WORKFLOW_TIMEOUT_MINUTES).toBe('180');
    expect(env.ECS_CLUSTER_ARN).toBe('arn:x');
    const before = process.env.WORKFLOW_TIMEOUT_MINUTES;
    const restore = setLambdaEnv('orphan-cleanup');
    expect(process.env.WORKFLOW_TIMEOUT_MINUTES).toBe('180');
    restore();
    expect(process.env.WORKFLOW_TIMEOUT_MINUTES).toBe(before);
  });
});

describe('captureLogs', () => {
  it('returns the JSON lines written and restores the streams, also when the function throws', async () => {
    const [out, err] = [process.stdout.write, process.stderr.write];
    const logs = await captureLogs(() => {
      process.stdout.write('{"level":"INFO","n":1}\n');
      process.stderr.write('not json\n{"level":"ERROR","n":2}\n');
    });
    expect(logs).toEqual([{ level: 'INFO', n: 1 }, { level: 'ERROR', n: 2 }]);
    await expect(captureLogs(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect([process.stdout.write, process.stderr.write]).toEqual([out, err]);
  });
});

describe('withLogs', () => {
  it('returns the value and hands over the lines', async () => {
    let logs: LogLine[] = [];
    const value = await withLogs(() => {
      process.stdout.write('{"message":"a"}\n');
      return 42;
    }, (l) => (logs = l));
    expect(value).toBe(42);
    expect(logs).toEqual([{ message: 'a' }]);
  });

  it('hands over the lines written before an error, then rethrows it unchanged', async () => {
    const boom = new Error('boom');
    let logs: LogLine[] = [];
    const [out, err] = [process.stdout.write, process.stderr.write];
    await expect(
      withLogs(async () => {
        process.stderr.write('{"level":"ERROR","message":"on the way"}\n');
        throw boom;
      }, (l) => (logs = l)),
    ).rejects.toBe(boom);
    expect(logs).toEqual([{ level: 'ERROR', message: 'on the way' }]);
    expect([process.stdout.write, process.stderr.write]).toEqual([out, err]);
  });
});

describe('importWithLogLevel', () => {
  it('imports a fresh module while the level is set, then restores the environment', async () => {
    const before = process.env.POWERTOOLS_LOG_LEVEL;
    const seen = await importWithLogLevel('DEBUG', async () => {
      const level = process.env.POWERTOOLS_LOG_LEVEL;
      const mod = await import('./env.js');
      return { level, mod };
    });
    expect(seen.level).toBe('DEBUG');
    expect(typeof seen.mod.setLambdaEnv).toBe('function');
    expect(process.env.POWERTOOLS_LOG_LEVEL).toBe(before);
  });

  it('gives a new module instance each time (module-level loggers read the level at import)', async () => {
    const a = await importWithLogLevel('INFO', () => import('./env.js'));
    const b = await importWithLogLevel('INFO', () => import('./env.js'));
    expect(a).not.toBe(b);
  });
});
