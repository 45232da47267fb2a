import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('shadow-test-evaluator');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

const settingsOf = (over: Record<string, string>) => depsFromEnv(dummyLambdaEnv('shadow-test-evaluator', over)).settings;

describe('shadow-test-evaluator handler', () => {
  it('reads exactly its declared environment and its settings', () => {
    const d = depsFromEnv(dummyLambdaEnv('shadow-test-evaluator', { TRADAI_ENVIRONMENT: 'staging' }));
    expect(d.settings).toEqual({ minShadowHours: 24, minPnlEdge: 0 });
    expect(d.tests.tableName).toBe('test-shadow-test-state-table');
    expect(d.trading.tableName).toBe('test-trading-state-table');
    expect(d.alertsTopicArn).toBe('arn:aws:test:us-east-1:000000000000:alerts_topic_arn');
    expect(d.environment).toBe('staging');
    const before = Date.now();
    expect(d.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(() => settingsOf({ MIN_PNL_EDGE: 'lots' })).toThrow(/MIN_PNL_EDGE must be a number/);
  });

  it.each([
    [{ MIN_SHADOW_HOURS: '-0.01' }, 'MIN_SHADOW_HOURS must be >= 0, got -0.01'],
    [{ MIN_PNL_EDGE: '-1.01' }, 'MIN_PNL_EDGE must be >= -1, got -1.01'],
    [{ MIN_PNL_EDGE: '1.01' }, 'MIN_PNL_EDGE must be <= 1, got 1.01'],
  ])('refuses %o, one step outside its bounds', (env, message) => {
    expect(() => settingsOf(env)).toThrow(message);
  });

  it('accepts the bounds themselves', () => {
    expect(settingsOf({ MIN_SHADOW_HOURS: '0', MIN_PNL_EDGE: '-1' })).toEqual({ minShadowHours: 0, minPnlEdge: -1 });
    expect(settingsOf({ MIN_PNL_EDGE: '1' }).minPnlEdge).toBe(1);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler({ testId: '' })).rejects.toThrow(/invalid shadow-test-evaluator event: testId:/);
  });
});
