import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS, type SeriesKey, type Timeframe } from '../candles.js';
import { decodeSymbol, encodeSymbol, parsePartitionKey, partitionKey, periodOf, periodsIn } from './layout.js';

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
