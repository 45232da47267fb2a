import { describe, expect, it } from 'vitest';
import { lambdaEnvNames } from '@tradai/contracts';
import { lambdaEnv } from './env.js';

describe('lambdaEnv', () => {
  it('requires exactly the variables the contract lists for the function', () => {
    const names = lambdaEnvNames('update-status');
    expect(names).toEqual(['TRADAI_ENVIRONMENT', 'WORKFLOW_STATE_TABLE', 'ALERTS_TOPIC_ARN']);
    const source = Object.fromEntries(names.map((n) => [n, `v-${n}`]));
    expect(lambdaEnv('update-status', { ...source, OTHER: 'ignored' })).toEqual(source);
    expect(() => lambdaEnv('update-status', { TRADAI_ENVIRONMENT: 'dev' })).toThrow(/WORKFLOW_STATE_TABLE, ALERTS_TOPIC_ARN/);
  });
});
