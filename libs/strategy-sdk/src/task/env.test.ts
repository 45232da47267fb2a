import { EnvError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { parseTaskEnv } from './env.js';

const backtest: Record<string, string> = {
  MODE: 'backtest',
  WORKFLOW_ID: 'bt-1',
  STRATEGY: 'ma-crossover',
  CONFIG_KEY: 'ma-crossover/v1.json',
  CONFIG_VERSION: '3',
  RESULT_KEY: 'backtests/bt-1/result.json',
  TIMEFRAME: '1h',
  START_DATE: '2026-01-01T00:00:00Z',
  END_DATE: '2026-01-02T00:00:00Z',
  SYMBOLS: '["BTC/USDT","ETH/USDT"]',
  PARAMETERS: '{"fast":5}',
  CONFIGS_BUCKET: 'configs',
  RESULTS_BUCKET: 'results',
  ARCTICDB_BUCKET: 'arcticdb',
  MLFLOW_BUCKET: 'mlflow',
  MLFLOW_TRACKING_URI: 'http://mlflow.local:5000/mlflow',
};
const train = { ...backtest, MODE: 'train', RETRAINING_STARTED_AT: '2026-03-01T12:34:56.789Z' };
for (const k of ['RESULT_KEY', 'TIMEFRAME', 'START_DATE', 'END_DATE', 'SYMBOLS']) delete (train as Record<string, string>)[k];

function envError(source: Record<string, string>): EnvError {
  try {
    parseTaskEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return err as EnvError;
  }
  throw new Error('parseTaskEnv accepted the environment');
}

describe('parseTaskEnv', () => {
  it('reads the backtest environment the RunBacktest state sets', () => {
    expect(parseTaskEnv(backtest)).toEqual({
      mode: 'backtest',
      workflowId: 'bt-1',
      strategy: 'ma-crossover',
      configKey: 'ma-crossover/v1.json',
      configVersion: 3,
      parameters: { fast: 5 },
      configsBucket: 'configs',
      marketData: { bucket: 'arcticdb' },
      resultsBucket: 'results',
      resultKey: 'backtests/bt-1/result.json',
      timeframe: '1h',
      start: Date.parse('2026-01-01T00:00:00Z'),
      end: Date.parse('2026-01-02T00:00:00Z'),
      symbols: ['BTC/USDT', 'ETH/USDT'],
    });
  });

  it('reads the train environment the RunTraining state sets (no window, no symbols)', () => {
    expect(parseTaskEnv(train)).toMatchObject({ mode: 'train', mlflowBucket: 'mlflow', mlflowTrackingUri: 'http://mlflow.local:5000/mlflow', startedAt: Date.parse('2026-03-01T12:34:56.789Z') });
    expect(envError({ ...train, RETRAINING_STARTED_AT: '' }).variables).toEqual(['RETRAINING_STARTED_AT']);
  });

  it('reads candles from MARKET_DATA_DIR when set (local runs), without the arcticdb bucket', () => {
    const { ARCTICDB_BUCKET: _, ...rest } = backtest;
    expect(parseTaskEnv({ ...rest, MARKET_DATA_DIR: '/data' }).marketData).toEqual({ dir: '/data' });
  });

  it.each([
    ['MODE', { MODE: 'live' }, /MODE is invalid/],
    ['SYMBOLS', { SYMBOLS: 'BTC/USDT' }, /SYMBOLS is not valid JSON/],
    ['SYMBOLS', { SYMBOLS: '["btc"]' }, /SYMBOLS is invalid at 0: must look like BTC\/USDT/],
    ['PARAMETERS', { PARAMETERS: '{"fast":"x y","bad name":1}' }, /PARAMETERS is invalid/],
    ['CONFIG_VERSION', { CONFIG_VERSION: '0' }, /CONFIG_VERSION is invalid: must be a positive integer/],
    ['START_DATE', { START_DATE: 'yesterday' }, /START_DATE is invalid/],
    ['END_DATE', { END_DATE: '2025-12-31T00:00:00Z' }, /END_DATE must be after START_DATE/],
    ['RESULT_KEY', { RESULT_KEY: 'backtests/other/result.json' }, /RESULT_KEY must lie under backtests\/bt-1\//],
    ['RESULT_KEY', { RESULT_KEY: 'backtests/bt-1/../x/result.json' }, /RESULT_KEY must lie under/],
    ['CONFIGS_BUCKET', { CONFIGS_BUCKET: ' ' }, /missing or empty environment variable: CONFIGS_BUCKET/],
  ])('refuses a bad %s, naming it', (name, change, message) => {
    const err = envError({ ...backtest, ...change });
    expect(err.message).toMatch(message);
    expect(err.variables).toEqual([name]);
  });
});
