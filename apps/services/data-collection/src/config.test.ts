import { EnvError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { dataCollectionConfig } from './config.js';
import { pageWindow } from './ohlcv.js';
import { symbolFromPath } from './symbols.js';

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

describe('symbolFromPath', () => {
  it('accepts BTC-USDT, BTC/USDT (decoded from %2F) and lower case; rejects the rest', () => {
    expect(symbolFromPath('BTC-USDT')).toBe('BTC/USDT');
    expect(symbolFromPath('BTC/USDT')).toBe('BTC/USDT');
    expect(symbolFromPath('eth-usdt')).toBe('ETH/USDT');
    expect(symbolFromPath('BTCUSDT')).toBeUndefined();
    expect(symbolFromPath('BTC-USDT-X')).toBeUndefined();
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
