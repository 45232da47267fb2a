import { EnvError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { dataCollectionConfig, isoToMs } from './config.js';
import { pageWindow } from './ohlcv.js';
import { symbolFromPath, symbolToPath } from './symbols.js';

const NOW = Date.UTC(2026, 11, 2, 5, 30);
/** What compute sets from the persistent stack's Cognito outputs. */
const AUTH = { COGNITO_USER_POOL_ID: 'eu-central-1_AbC123', COGNITO_CLIENT_IDS: 'web-client,m2m-client' };

describe('dataCollectionConfig', () => {
  it('reads what the compute stack sets, with the trigger lists as defaults', () => {
    const c = dataCollectionConfig({ SERVICE_NAME: 'data-collection', SERVICE_PORT: '8002', HEALTH_PATH: '/health', ARCTICDB_BUCKET: 'tradai-arcticdb-dev', ...AUTH }, () => NOW);
    expect(c).toMatchObject({
      exchange: 'binance',
      symbols: ['BTC/USDT', 'ETH/USDT'],
      timeframes: ['1h', '4h', '1d'],
      store: { kind: 's3', bucket: 'tradai-arcticdb-dev' },
      syncSince: Date.UTC(2026, 10, 2),
      syncWaitMs: 5_000,
      service: { port: 8002, healthPath: '/health' },
      auth: {
        issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123',
        jwksUri: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123/.well-known/jwks.json',
        clientIds: ['web-client', 'm2m-client'],
      },
    });
    expect(c.exchangeUrl).toBeUndefined();
  });

  it('prefers a local folder and takes the overrides', () => {
    const c = dataCollectionConfig({ ...AUTH, AUTH_ISSUER: 'http://127.0.0.1:9999', MARKET_DATA_DIR: '/tmp/md', ARCTICDB_BUCKET: 'b', SYMBOLS: 'SOL/USDT', TIMEFRAMES: '15m', EXCHANGE_URL: 'http://127.0.0.1:9', SYNC_SINCE: '2024-01-01', SYNC_WAIT_MS: '100' });
    expect(c).toMatchObject({ store: { kind: 'local', dir: '/tmp/md' }, symbols: ['SOL/USDT'], timeframes: ['15m'], exchangeUrl: 'http://127.0.0.1:9', syncSince: Date.UTC(2024, 0, 1), syncWaitMs: 100 });
    expect(c.auth).toMatchObject({ issuer: 'http://127.0.0.1:9999', jwksUri: 'http://127.0.0.1:9999/.well-known/jwks.json' });
  });

  it.each([
    [{}, 'ARCTICDB_BUCKET'],
    [{ MARKET_DATA_DIR: '/d', SYMBOLS: 'BTCUSDT' }, 'SYMBOLS'],
    [{ MARKET_DATA_DIR: '/d', TIMEFRAMES: '1h,2h' }, 'TIMEFRAMES'],
    [{ MARKET_DATA_DIR: '/d', SYNC_SINCE: 'last year' }, 'SYNC_SINCE'],
    [{ MARKET_DATA_DIR: '/d', SYNC_WAIT_MS: '20000' }, 'SYNC_WAIT_MS'],
    [{ MARKET_DATA_DIR: '/d', EXCHANGE_URL: 'not a url' }, 'EXCHANGE_URL'],
    [{ MARKET_DATA_DIR: '/d', SERVICE_PORT: 'eighty' }, 'SERVICE_PORT'],
    [{ MARKET_DATA_DIR: '/d', COGNITO_CLIENT_IDS: 'web' }, 'COGNITO_USER_POOL_ID'],
    [{ MARKET_DATA_DIR: '/d', COGNITO_USER_POOL_ID: 'eu-central-1_AbC123' }, 'COGNITO_CLIENT_IDS'],
    [{ MARKET_DATA_DIR: '/d', ...AUTH, COGNITO_USER_POOL_ID: 'AbC123' }, 'COGNITO_USER_POOL_ID'],
  ])('rejects %o naming %s', (env, variable) => {
    let err: unknown;
    try {
      dataCollectionConfig(env, () => NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).variables).toEqual([variable]);
    expect((err as EnvError).message).toContain(variable);
  });
});

function envError(run: () => unknown): EnvError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(EnvError);
    return e as EnvError;
  }
  throw new Error('expected an EnvError');
}

describe('dataCollectionConfig: blank and padded values', () => {
  const BASE = { ...AUTH, MARKET_DATA_DIR: '/tmp/md' };

  it('trims every value it reads', () => {
    const c = dataCollectionConfig(
      { ...AUTH, MARKET_DATA_DIR: ' /tmp/md ', EXCHANGE_URL: ' http://127.0.0.1:9 ', EXCHANGE_ID: ' kraken ', SYNC_SINCE: ' 2024-01-01 ', SYNC_WAIT_MS: ' 100 ' },
      () => NOW,
    );
    expect(c.store).toEqual({ kind: 'local', dir: '/tmp/md' });
    expect(c.exchangeUrl).toBe('http://127.0.0.1:9');
    expect(c.exchange).toBe('kraken');
    expect(c.syncSince).toBe(Date.UTC(2024, 0, 1));
    expect(c.syncWaitMs).toBe(100);
    expect(dataCollectionConfig({ ...AUTH, ARCTICDB_BUCKET: ' tradai-arcticdb-dev ' }, () => NOW).store).toEqual({ kind: 's3', bucket: 'tradai-arcticdb-dev' });
  });

  it('treats blank values as unset: the defaults apply', () => {
    const c = dataCollectionConfig({ ...BASE, EXCHANGE_ID: '  ', SYNC_SINCE: '  ', SYNC_WAIT_MS: '  ', SYMBOLS: '  ', TIMEFRAMES: '' }, () => NOW);
    expect(c.exchange).toBe('binance');
    expect(c.syncSince).toBe(Date.UTC(2026, 10, 2));
    expect(c.syncWaitMs).toBe(5_000);
    expect(c.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(c.timeframes).toEqual(['1h', '4h', '1d']);
    expect(dataCollectionConfig({ ...BASE, SYMBOLS: undefined, TIMEFRAMES: undefined }, () => NOW)).toMatchObject({ symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '4h', '1d'] });
  });

  it('takes SYNC_WAIT_MS from 0 to 9000 whole milliseconds only', () => {
    expect(dataCollectionConfig({ ...BASE, SYNC_WAIT_MS: '0' }, () => NOW).syncWaitMs).toBe(0);
    expect(dataCollectionConfig({ ...BASE, SYNC_WAIT_MS: '9000' }, () => NOW).syncWaitMs).toBe(9_000);
    expect(envError(() => dataCollectionConfig({ ...BASE, SYNC_WAIT_MS: '100.5' }, () => NOW)).message).toBe('SYNC_WAIT_MS must be an integer, got "100.5"');
  });

  it('lists the valid timeframes when one is not', () => {
    const err = envError(() => dataCollectionConfig({ ...BASE, TIMEFRAMES: '1h,2h' }, () => NOW));
    expect(err.message).toBe('TIMEFRAMES entry "2h" is not one of 1m, 5m, 15m, 30m, 1h, 4h, 1d');
  });
});

describe('isoToMs', () => {
  it.each([
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-01-01T10:00:00Z', Date.UTC(2024, 0, 1, 10)],
    ['2024-01-01 10:00:00Z', Date.UTC(2024, 0, 1, 10)],
    ['2024-01-01T10:00:00.250Z', Date.UTC(2024, 0, 1, 10, 0, 0, 250)],
    ['2024-01-01T10:00:00+02:00', Date.UTC(2024, 0, 1, 8)],
    ['2024-01-01T10:00:00-02:00', Date.UTC(2024, 0, 1, 12)],
    ['2024-01-01T10:00:00+0200', Date.UTC(2024, 0, 1, 8)],
    [' 2024-01-01T10:00 ', Date.parse('2024-01-01T10:00')],
    ['2024-01-01T10:00:00', Date.parse('2024-01-01T10:00:00')],
  ])('parses %j', (value, ms) => {
    expect(isoToMs(value, 'SYNC_SINCE')).toBe(ms);
  });

  it.each(['12024-01-01', 'x2024-01-01', '2024-01-01 10:00 GMT', '2024-01-01T10:00:00Z+', '2024-13-45', 'last year'])('rejects %j naming the variable', (value) => {
    const err = envError(() => isoToMs(value, 'SYNC_SINCE'));
    expect(err.variables).toEqual(['SYNC_SINCE']);
    expect(err.message).toBe(`SYNC_SINCE must be an ISO date like 2024-01-01, got "${value}"`);
  });
});

describe('symbolFromPath', () => {
  it('accepts BTC-USDT, BTC/USDT (decoded from %2F) and lower case; rejects the rest', () => {
    expect(symbolFromPath('BTC-USDT')).toBe('BTC/USDT');
    expect(symbolFromPath('BTC/USDT')).toBe('BTC/USDT');
    expect(symbolFromPath('eth-usdt')).toBe('ETH/USDT');
    expect(symbolFromPath('BTCUSDT')).toBeUndefined();
    expect(symbolFromPath('BTC-USDT-X')).toBeUndefined();
  });

  it('ignores spaces around the segment', () => {
    expect(symbolFromPath(' btc-usdt ')).toBe('BTC/USDT');
  });
});

describe('symbolToPath', () => {
  it('writes BTC/USDT as BTC-USDT for URLs', () => {
    expect(symbolToPath('BTC/USDT')).toBe('BTC-USDT');
    expect(symbolFromPath(symbolToPath('1000SATS/USDT'))).toBe('1000SATS/USDT');
  });
});

describe('pageWindow', () => {
  const H = 3_600_000;
  it('reads at most limit candles and points at the next page while data remains', () => {
    expect(pageWindow('1h', 0, 100 * H, 10, 50 * H)).toEqual({ start: 0, end: 10 * H, next: 10 * H });
  });
  it('aligns a start inside a candle to the next candle', () => {
    expect(pageWindow('1h', H / 2, 100 * H, 10, 50 * H)).toEqual({ start: H, end: 11 * H, next: 11 * H });
  });
  it('has no next page when the window reaches end or passes the last stored candle', () => {
    expect(pageWindow('1h', 0, 5 * H, 10, 50 * H)).toEqual({ start: 0, end: 5 * H });
    expect(pageWindow('1h', 45 * H, 100 * H, 10, 50 * H)).toEqual({ start: 45 * H, end: 55 * H });
    expect(pageWindow('1h', 40 * H, 100 * H, 10, 50 * H)).toEqual({ start: 40 * H, end: 50 * H, next: 50 * H });
  });
});
