import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIMEFRAME_MS, type CandleColumns, type SeriesKey } from '../candles.js';
import { generateCandles } from '../sample.js';
import { localBlobs } from './local-blobs.js';
import { createCandleStore } from './store.js';

// An independent reader: DuckDB's own Parquet decoder must see the same rows the store wrote,
// with the Hive partition columns, so pandas/pyarrow/DuckDB users can read the store directly.

let dir: string;
let db: DuckDBInstance;
let con: DuckDBConnection;
const written = new Map<string, CandleColumns>();

const BTC_1M: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const ETH_1M: SeriesKey = { ...BTC_1M, symbol: 'ETH/USDT' };
const BTC_1H: SeriesKey = { ...BTC_1M, timeframe: '1h' };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'candle-duckdb-'));
  const store = createCandleStore({ blobs: localBlobs(dir) });
  // 1m across a month boundary (two files), 1h across a year boundary (two files).
  const series: [SeriesKey, CandleColumns][] = [
    [BTC_1M, generateCandles({ symbol: 'BTC/USDT', timeframe: '1m', start: Date.UTC(2024, 1, 29, 23), count: 180, seed: 1 })],
    [ETH_1M, generateCandles({ symbol: 'ETH/USDT', timeframe: '1m', start: Date.UTC(2024, 1, 29, 23), count: 90, seed: 2 })],
    [BTC_1H, generateCandles({ symbol: 'BTC/USDT', timeframe: '1h', start: Date.UTC(2023, 11, 30), count: 100, seed: 3 })],
  ];
  for (const [key, c] of series) {
    await store.write(key, c);
    written.set(`${key.symbol} ${key.timeframe}`, c);
  }
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});

afterAll(async () => {
  con?.closeSync();
  db?.closeSync();
  await fs.rm(dir, { recursive: true, force: true });
});

async function query(sql: string) {
  return (await con.runAndReadAll(sql)).getRowObjectsJS();
}

function asRows(c: CandleColumns) {
  return Array.from({ length: c.length }, (_, i) => ({
    ts: c.timestamp[i],
    open: c.open[i],
    high: c.high[i],
    low: c.low[i],
    close: c.close[i],
    volume: c.volume[i],
  }));
}

describe('files read by DuckDB (read_parquet, hive_partitioning)', () => {
  it('gives the same 1m rows, with exchange/symbol/timeframe/year/month partition columns', async () => {
    const glob = path.join(dir, 'ohlcv/exchange=*/symbol=*/timeframe=1m/*/*/part.parquet');
    const got = await query(`
      SELECT exchange, symbol, timeframe, year, month, epoch_ms(timestamp) AS ts, open, high, low, close, volume
      FROM read_parquet('${glob}', hive_partitioning = true)
      ORDER BY symbol, ts`);
    expect(got).toHaveLength(270);
    const btc = got.filter((r) => r.symbol === 'BTC-USDT');
    expect(btc.map(({ ts, open, high, low, close, volume }) => ({ ts: Number(ts), open, high, low, close, volume }))).toEqual(asRows(written.get('BTC/USDT 1m')!));
    expect(new Set(btc.map((r) => `${r.exchange} ${r.timeframe} ${r.year}-${r.month}`))).toEqual(new Set(['binance 1m 2024-02', 'binance 1m 2024-03']));
    expect(got.filter((r) => r.symbol === 'ETH-USDT')).toHaveLength(90);
  });

  it('gives the same 1h rows across the year partitions, and types timestamp as a UTC timestamp', async () => {
    const glob = path.join(dir, 'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/*/part.parquet');
    const got = await query(`
      SELECT year, epoch_ms(timestamp) AS ts, open, high, low, close, volume
      FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY ts`);
    expect(got.map(({ ts, open, high, low, close, volume }) => ({ ts: Number(ts), open, high, low, close, volume }))).toEqual(asRows(written.get('BTC/USDT 1h')!));
    expect(got.filter((r) => Number(r.year) === 2023)).toHaveLength(48);
    expect(Number(got[1]!.ts) - Number(got[0]!.ts)).toBe(TIMEFRAME_MS['1h']);

    const types = await query(`DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`);
    const typeOf = Object.fromEntries(types.map((r) => [r.column_name, r.column_type]));
    expect(typeOf).toMatchObject({ timestamp: 'TIMESTAMP WITH TIME ZONE', open: 'DOUBLE', volume: 'DOUBLE' });
  });
});
