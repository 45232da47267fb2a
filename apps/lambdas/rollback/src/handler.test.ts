import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('rollback');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('rollback handler', () => {
  it('reads exactly its declared environment', () => {
    const d = depsFromEnv(dummyLambdaEnv('rollback'));
    expect(d.rollbacks.tableName).toBe('test-rollback-state-table');
    expect(d.alertsTopicArn).toMatch(/^arn:aws:test:/);
    expect(() => depsFromEnv({ ...dummyLambdaEnv('rollback'), ALERTS_TOPIC_ARN: '' })).toThrow(/ALERTS_TOPIC_ARN/);
  });

  it('rejects a malformed request before touching anything', async () => {
    await expect(handler({})).rejects.toThrow(/invalid rollback request: strategy:/);
  });
});
