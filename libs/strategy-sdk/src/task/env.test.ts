import { EnvError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { parseTaskEnv, type BacktestEnv } from './env.js';

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

/** parseTaskEnv of a backtest environment, typed as such. */
const parseBacktest = (source: Record<string, string>) => parseTaskEnv(source) as BacktestEnv;

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

  // Every variable the backtest reads: absent, empty and blank all name it the same way.
  it.each(['MODE', 'WORKFLOW_ID', 'STRATEGY', 'CONFIG_KEY', 'CONFIG_VERSION', 'PARAMETERS', 'CONFIGS_BUCKET', 'ARCTICDB_BUCKET', 'RESULT_KEY', 'START_DATE', 'END_DATE', 'RESULTS_BUCKET', 'TIMEFRAME', 'SYMBOLS'])('refuses a missing, empty or blank %s with a message naming it', (name) => {
    const { [name]: _, ...without } = backtest;
    for (const source of [without, { ...backtest, [name]: '' }, { ...backtest, [name]: ' \t ' }]) {
      const err = envError(source);
      expect(err.message).toBe(`missing or empty environment variable: ${name}`);
      expect(err.variables).toEqual([name]);
    }
  });

  it.each(['MLFLOW_BUCKET', 'MLFLOW_TRACKING_URI', 'RETRAINING_STARTED_AT'])('refuses a missing, empty or blank %s in train mode', (name) => {
    const { [name]: _, ...without } = train as Record<string, string>;
    for (const source of [without, { ...train, [name]: '' }, { ...train, [name]: '  ' }]) {
      const err = envError(source);
      expect(err.message).toBe(`missing or empty environment variable: ${name}`);
      expect(err.variables).toEqual([name]);
    }
  });

  it('does not need the backtest variables in train mode, nor the train ones in backtest mode', () => {
    const { MLFLOW_BUCKET: _b, MLFLOW_TRACKING_URI: _u, ...bt } = backtest;
    expect(parseTaskEnv(bt).mode).toBe('backtest');
    expect(Object.keys(parseTaskEnv(train)).sort()).toEqual(['configKey', 'configVersion', 'configsBucket', 'marketData', 'mlflowBucket', 'mlflowTrackingUri', 'mode', 'parameters', 'startedAt', 'strategy', 'workflowId']);
  });

  it('trims the values it reads', () => {
    const env = parseTaskEnv({ ...backtest, CONFIG_VERSION: ' 12 ', STRATEGY: ' ma-crossover\n', SYMBOLS: ' ["BTC/USDT"] ' });
    expect(env).toMatchObject({ configVersion: 12, strategy: 'ma-crossover', symbols: ['BTC/USDT'] });
  });

  it('quotes at most the first 80 characters of a value that is not JSON', () => {
    const raw = `[${'x'.repeat(100)}`;
    expect(envError({ ...backtest, SYMBOLS: raw }).message).toBe(`SYMBOLS is not valid JSON: ${raw.slice(0, 80)}`);
    expect(envError({ ...backtest, PARAMETERS: '{fast}' }).message).toBe('PARAMETERS is not valid JSON: {fast}');
  });

  it('says where in a JSON value the problem is, and quotes at most 80 characters of it', () => {
    const many = JSON.stringify(['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'ADA/USDT', 'XRP/USDT', 'DOT/USDT', 'bad', 'LTC/USDT']);
    expect(many.length).toBeGreaterThan(80);
    expect(envError({ ...backtest, SYMBOLS: many }).message).toBe(`SYMBOLS is invalid at 6: must look like BTC/USDT (got ${many.slice(0, 80)})`);
    // A problem with the value as a whole has no path: no " at ".
    expect(envError({ ...backtest, SYMBOLS: '"BTC/USDT"' }).message).toMatch(/^SYMBOLS is invalid: .+ \(got "BTC\/USDT"\)$/);
    expect(envError({ ...backtest, TIMEFRAME: '2h' }).message).toMatch(/^TIMEFRAME is invalid: .+ \(got 2h\)$/);
    const longMode = 'x'.repeat(81);
    expect(envError({ ...backtest, MODE: longMode }).message).toMatch(new RegExp(`^MODE is invalid: .+ \\(got ${'x'.repeat(80)}\\)$`));
  });

  it.each([
    ['1', 1],
    ['01', 1],
    ['12', 12],
  ])('accepts CONFIG_VERSION %j as %d', (raw, version) => {
    expect(parseTaskEnv({ ...backtest, CONFIG_VERSION: raw }).configVersion).toBe(version);
  });

  // Digits only: each of these would become a positive integer under Number().
  it.each(['0', '00', 'x', '1.0', '1e3', '+1', '-1', '0x10', '3 4'])('refuses CONFIG_VERSION %j', (raw) => {
    const err = envError({ ...backtest, CONFIG_VERSION: raw });
    expect(err.message).toBe(`CONFIG_VERSION is invalid: must be a positive integer (got ${raw})`);
    expect(err.variables).toEqual(['CONFIG_VERSION']);
  });

  it.each([
    ['the prefix itself', 'backtests/bt-1/'],
    ['a parent reference', 'backtests/bt-1/../bt-2/result.json'],
    ['a name with two dots', 'backtests/bt-1/result..json'],
    ['another workflow', 'backtests/bt-2/result.json'],
    ['a workflow whose id starts like this one', 'backtests/bt-10/result.json'],
    ['the prefix further down', 'x/backtests/bt-1/result.json'],
  ])('refuses a RESULT_KEY that is %s', (_what, key) => {
    const err = envError({ ...backtest, RESULT_KEY: key });
    expect(err.message).toBe(`RESULT_KEY must lie under backtests/bt-1/ (the results prefix of this workflow), got ${key}`);
    expect(err.variables).toEqual(['RESULT_KEY']);
  });

  it('accepts a RESULT_KEY one character longer than the prefix, with single dots', () => {
    expect(parseBacktest({ ...backtest, RESULT_KEY: 'backtests/bt-1/r' }).resultKey).toBe('backtests/bt-1/r');
    expect(parseBacktest({ ...backtest, RESULT_KEY: 'backtests/bt-1/a.b/c.json' }).resultKey).toBe('backtests/bt-1/a.b/c.json');
  });

  it('refuses an empty window (END_DATE == START_DATE) and accepts one of a single millisecond', () => {
    const err = envError({ ...backtest, START_DATE: '2026-01-01T00:00:00Z', END_DATE: '2026-01-01T00:00:00Z' });
    expect(err.message).toBe('END_DATE must be after START_DATE, got 2026-01-01T00:00:00Z .. 2026-01-01T00:00:00Z');
    expect(err.variables).toEqual(['END_DATE']);
    expect(parseTaskEnv({ ...backtest, START_DATE: '2026-01-01T00:00:00.000Z', END_DATE: '2026-01-01T00:00:00.001Z' })).toMatchObject({ start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 0, 1) + 1 });
  });

  it('reads the candles from ARCTICDB_BUCKET when MARKET_DATA_DIR is blank, and from the folder otherwise', () => {
    expect(parseTaskEnv({ ...backtest, MARKET_DATA_DIR: '  ' }).marketData).toEqual({ bucket: 'arcticdb' });
    expect(parseTaskEnv({ ...backtest, MARKET_DATA_DIR: '' }).marketData).toEqual({ bucket: 'arcticdb' });
    expect(parseTaskEnv({ ...backtest, MARKET_DATA_DIR: ' /data ' }).marketData).toEqual({ dir: '/data' });
    const { ARCTICDB_BUCKET: _, ...rest } = backtest;
    expect(envError({ ...rest, MARKET_DATA_DIR: ' ' }).message).toBe('missing or empty environment variable: ARCTICDB_BUCKET');
  });

  it('refuses an MLFLOW_TRACKING_URI that is not a URL and a RETRAINING_STARTED_AT that is not a timestamp', () => {
    const uri = envError({ ...train, MLFLOW_TRACKING_URI: 'not a url' });
    expect(uri.message).toMatch(/^MLFLOW_TRACKING_URI is invalid: .+ \(got not a url\)$/);
    expect(uri.variables).toEqual(['MLFLOW_TRACKING_URI']);
    const at = envError({ ...train, RETRAINING_STARTED_AT: 'now' });
    expect(at.message).toMatch(/^RETRAINING_STARTED_AT is invalid: .+ \(got now\)$/);
    expect(at.variables).toEqual(['RETRAINING_STARTED_AT']);
  });

  it('refuses a MODE other than backtest and train', () => {
    expect(envError({ ...backtest, MODE: 'Train' }).variables).toEqual(['MODE']);
    expect(envError({ ...backtest, MODE: 'backtests' }).variables).toEqual(['MODE']);
  });

  const pairs = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `S${String(i).padStart(2, '0')}/USDT`));

  it('accepts 1 to 50 symbols', () => {
    expect(parseBacktest({ ...backtest, SYMBOLS: pairs(1) }).symbols).toEqual(['S00/USDT']);
    expect(parseBacktest({ ...backtest, SYMBOLS: pairs(50) }).symbols).toHaveLength(50);
  });

  it('refuses no symbols and 51 symbols', () => {
    expect(envError({ ...backtest, SYMBOLS: '[]' }).message).toMatch(/^SYMBOLS is invalid: .+ \(got \[\]\)$/);
    expect(envError({ ...backtest, SYMBOLS: pairs(51) }).message).toMatch(/^SYMBOLS is invalid: /);
  });

  it.each(['AB/CD', 'ABCDEFGHIJKLMNO/USDT', 'BTC/ABCDEFGHIJKLMNO', '1INCH/USDT', 'BTC/USD1'])('accepts the symbol %s (2 to 15 of A-Z, 0-9 on each side)', (s) => {
    expect(parseBacktest({ ...backtest, SYMBOLS: JSON.stringify([s]) }).symbols).toEqual([s]);
  });

  it.each(['A/USDT', 'BTC/U', 'ABCDEFGHIJKLMNOP/USDT', 'BTC/ABCDEFGHIJKLMNOP', 'btc/USDT', 'BTC/usdt', 'BTCUSDT', 'BTC/USDT/X', 'X BTC/USDT', 'BTC/USDT X', 'BTC-/USDT', 'BTC//USDT'])('refuses the symbol %j', (s) => {
    const err = envError({ ...backtest, SYMBOLS: JSON.stringify(['ETH/USDT', s]) });
    expect(err.message).toBe(`SYMBOLS is invalid at 1: must look like BTC/USDT (got ${JSON.stringify(['ETH/USDT', s])})`);
    expect(err.variables).toEqual(['SYMBOLS']);
  });
});
