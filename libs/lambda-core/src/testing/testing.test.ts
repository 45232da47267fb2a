import { lambdaEnvNames } from '@tradai/contracts';
import { describe, expect, it } from 'vitest';
import { captureLogs, dummyLambdaEnv, setLambdaEnv } from './index.js';

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
