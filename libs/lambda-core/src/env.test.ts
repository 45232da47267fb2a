import { describe, expect, it, vi } from 'vitest';
import { EnvError } from '@tradai/domain';
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

describe('lambdaEnv boundaries', () => {
  it('counts an empty or blank value as missing and a one-character value as set', () => {
    const names = lambdaEnvNames('update-status');
    const full = Object.fromEntries(names.map((n) => [n, 'x']));
    for (const blank of ['', ' ']) {
      let err: unknown;
      try {
        lambdaEnv('update-status', { ...full, ALERTS_TOPIC_ARN: blank });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EnvError);
      expect((err as EnvError).variables).toEqual(['ALERTS_TOPIC_ARN']);
    }
    expect(lambdaEnv('update-status', full).ALERTS_TOPIC_ARN).toBe('x');
  });

  it('reads process.env when no source is given', () => {
    vi.stubEnv('TRADAI_ENVIRONMENT', 'dev');
    vi.stubEnv('WORKFLOW_STATE_TABLE', 'wf');
    vi.stubEnv('ALERTS_TOPIC_ARN', 'arn:t');
    try {
      expect(lambdaEnv('update-status')).toEqual({ TRADAI_ENVIRONMENT: 'dev', WORKFLOW_STATE_TABLE: 'wf', ALERTS_TOPIC_ARN: 'arn:t' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
