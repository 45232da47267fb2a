import { EnvError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { BACKEND_ENV, backendConfig, startupConfig } from './config.js';
import { retrainingExecutionName } from './retraining.js';
import { decodeCursor, encodeCursor } from './backtests.js';

const full: Record<string, string> = {
  WORKFLOW_STATE_TABLE: 'wf',
  DEPLOYMENTS_TABLE: 'dep',
  TRADING_STATE_TABLE: 'tr',
  CONFIG_VERSIONS_TABLE: 'cv',
  RESULTS_BUCKET: 'res',
  BACKTEST_WORKFLOW_ARN: 'arn:aws:states:eu-central-1:1:stateMachine:tradai-backtest-dev',
  RETRAINING_WORKFLOW_ARN: 'arn:aws:states:eu-central-1:1:stateMachine:tradai-retraining-dev',
  MLFLOW_TRACKING_URI: 'http://mlflow.tradai-dev.local:5000/mlflow',
  ROLLBACK_FUNCTION_NAME: 'tradai-rollback-dev',
  PROMOTE_MODEL_FUNCTION_NAME: 'tradai-promote-model-dev',
};

describe('backendConfig', () => {
  it('reads every setting, with the service defaults from SERVICE_ENDPOINTS', () => {
    const c = backendConfig(full);
    expect(c.service).toMatchObject({ name: 'backend-api', port: 8000, healthPath: '/health' });
    expect(c.tables).toEqual({ workflows: 'wf', deployments: 'dep', trading: 'tr', configVersions: 'cv' });
    expect(c.functions).toEqual({ rollback: 'tradai-rollback-dev', promoteModel: 'tradai-promote-model-dev' });
    expect(c.heartbeatStaleSeconds).toBe(180);
    expect(backendConfig({ ...full, HEARTBEAT_STALE_SECONDS: '60' }).heartbeatStaleSeconds).toBe(60);
  });

  it('names every missing variable at once', () => {
    const { RESULTS_BUCKET: _r, PROMOTE_MODEL_FUNCTION_NAME: _p, ...partial } = full;
    const err = (() => {
      try {
        return backendConfig(partial);
      } catch (e) {
        return e;
      }
    })() as EnvError;
    expect(err).toBeInstanceOf(EnvError);
    expect(err.variables).toEqual([BACKEND_ENV.resultsBucket, BACKEND_ENV.promoteFunction]);
    expect(() => backendConfig({ ...full, HEARTBEAT_STALE_SECONDS: 'soon' })).toThrow('HEARTBEAT_STALE_SECONDS must be a number');
  });

  it('takes HEARTBEAT_STALE_SECONDS as a whole number of at least 1; blank means the default', () => {
    const stale = (v: string) => backendConfig({ ...full, HEARTBEAT_STALE_SECONDS: v }).heartbeatStaleSeconds;
    expect(stale('   ')).toBe(180);
    expect(stale('1')).toBe(1);
    expect(stale(' 2 ')).toBe(2);
    for (const bad of ['0', '-5', '1.5']) expect(() => stale(bad), bad).toThrow(expect.objectContaining({ variables: ['HEARTBEAT_STALE_SECONDS'] }));
  });
});

describe('startupConfig', () => {
  it('names the missing service and token variables together', () => {
    const { MLFLOW_TRACKING_URI: _m, ...partial } = full;
    expect(() => startupConfig(partial)).toThrow(expect.objectContaining({ variables: ['MLFLOW_TRACKING_URI', 'COGNITO_CLIENT_IDS'] }));
    // One message with both readers' messages, in order, so the log line names everything to fix.
    const both = (() => {
      try {
        startupConfig(partial);
      } catch (e) {
        return (e as Error).message;
      }
    })()!;
    expect(both).toMatch(/MLFLOW_TRACKING_URI.*; .*COGNITO_CLIENT_IDS/);
    const ok = startupConfig({ ...full, COGNITO_USER_POOL_ID: 'eu-central-1_AbC123', COGNITO_CLIENT_IDS: 'web,m2m' });
    expect(ok.auth).toMatchObject({ issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123', clientIds: ['web', 'm2m'] });
    expect(ok.config.resultsBucket).toBe('res');
  });
});

describe('retrainingExecutionName', () => {
  it('is the same for the same strategy and key, different otherwise, and a valid execution name', () => {
    const a = retrainingExecutionName('trend', 'k');
    expect(retrainingExecutionName('trend', 'k')).toBe(a);
    expect(retrainingExecutionName('other', 'k')).not.toBe(a);
    expect(retrainingExecutionName('trend', 'k2')).not.toBe(a);
    expect(retrainingExecutionName('trend', undefined)).not.toBe(retrainingExecutionName('trend', undefined));
    const long = retrainingExecutionName('s'.repeat(63), 'k');
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});

describe('cursor', () => {
  it('round-trips a page key and refuses anything else naming querystring.cursor', () => {
    const key = { workflow_id: 'bt-1', workflow_type: 'backtest', created_at: '2026-01-01T00:00:00Z' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    for (const bad of ['x', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ path: 'querystring.cursor' }));
    }
  });
});
