import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS, type SeriesKey, type Timeframe } from '../candles.js';
import { checkExchange, checkSeriesKey, decodeSymbol, encodeSymbol, parsePartitionKey, partitionKey, periodOf, periodsIn } from './layout.js';
import { validationFailure as failure } from '../test-support.js';

describe('layout', () => {
  it('puts minute candles in month periods and the rest in year periods', () => {
    expect(periodOf('1m', Date.UTC(2024, 1, 29, 23, 59))).toEqual({ start: Date.UTC(2024, 1, 1), end: Date.UTC(2024, 2, 1), segment: 'year=2024/month=02' });
    expect(periodOf('5m', Date.UTC(2024, 11, 31, 23, 55)).segment).toBe('year=2024/month=12');
    for (const tf of ['15m', '30m', '1h', '4h', '1d'] as Timeframe[]) {
      expect(periodOf(tf, Date.UTC(2024, 11, 31, 23) - (Date.UTC(2024, 11, 31, 23) % TIMEFRAME_MS[tf]))).toEqual({
        start: Date.UTC(2024, 0, 1),
        end: Date.UTC(2025, 0, 1),
        segment: 'year=2024',
      });
    }
    expect(periodsIn('1m', Date.UTC(2023, 10, 15), Date.UTC(2024, 1, 1)).map((p) => p.segment)).toEqual(['year=2023/month=11', 'year=2023/month=12', 'year=2024/month=01']);
  });

  it.each(['BTC/USDT', 'BTC/USDT:USDT', 'BTC/USD:BTC-240927-60000-C', '1000PEPE/USDT', 'A B/ü'])('encodes symbol %s as one reversible path segment', (symbol) => {
    const seg = encodeSymbol(symbol);
    expect(seg).not.toMatch(/[/:= ]/);
    expect(decodeSymbol(seg)).toBe(symbol);
  });

  it('names BTC/USDT as BTC-USDT and parses partition keys back', () => {
    const key: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT:USDT', timeframe: '1m' };
    const blobKey = partitionKey(key, periodOf('1m', Date.UTC(2024, 2, 5)));
    expect(blobKey).toBe('ohlcv/exchange=binance/symbol=BTC-USDT%3AUSDT/timeframe=1m/year=2024/month=03/part.parquet');
    expect(parsePartitionKey(blobKey)).toEqual({ key, period: periodOf('1m', Date.UTC(2024, 2, 1)) });
  });

  it.each([
    'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2024/.part.parquet.abc.tmp',
    'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2024/month=01/part.parquet', // 1h is not monthly
    'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1m/year=2024/part.parquet', // 1m is monthly
    'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=2h/year=2024/part.parquet',
    'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2024/notes.txt',
  ])('ignores %s', (blobKey) => {
    expect(parsePartitionKey(blobKey)).toBeUndefined();
  });
});

describe('checkSeriesKey / checkExchange', () => {
  const key: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
    it('accepts a valid key and a symbol of exactly 100 characters', () => {
    expect(() => checkSeriesKey(key)).not.toThrow();
    expect(() => checkSeriesKey({ ...key, symbol: 'A'.repeat(100) })).not.toThrow();
    expect(() => checkSeriesKey({ ...key, exchange: 'gate.io_2' })).not.toThrow();
  });

  it('names the platform timeframes when the timeframe is unknown', () => {
    const e = failure(() => checkSeriesKey({ ...key, timeframe: '2h' as Timeframe }));
    expect(e.message).toBe('unknown timeframe "2h" (expected one of 1m, 5m, 15m, 30m, 1h, 4h, 1d)');
    expect(e.path).toBe('timeframe');
  });

  it.each(['', 'A'.repeat(101), 42 as unknown as string, undefined as unknown as string])('rejects the symbol %j', (symbol) => {
    const e = failure(() => checkSeriesKey({ ...key, symbol }));
    expect(e.message).toBe('symbol must be a non-empty string of at most 100 characters');
    expect(e.path).toBe('symbol');
  });

  it.each(['Binance', 'binance-us', 'binance/x', '_binance', '', 7 as unknown as string])('rejects the exchange id %j', (exchange) => {
    const e = failure(() => checkExchange(exchange));
    expect(e.message).toBe(`exchange "${String(exchange)}" must be a lower-case ccxt id ([a-z0-9_.])`);
    expect(e.path).toBe('exchange');
    expect(() => checkSeriesKey({ ...key, exchange })).toThrow(ValidationError);
  });

  it('percent-encodes bytes below 0x10 with two hex digits', () => {
    expect(encodeSymbol('A\tB/USD')).toBe('A%09B-USD');
    expect(encodeSymbol('X-Y/Z')).toBe('X%2DY-Z');
    expect(decodeSymbol('A%09B-USD')).toBe('A\tB/USD');
  });
});
