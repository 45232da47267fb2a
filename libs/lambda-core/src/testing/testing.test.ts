import { lambdaEnvNames } from '@tradai/contracts';
import { describe, expect, it } from 'vitest';
import { dummyLambdaEnv, setLambdaEnv } from './index.js';

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
