import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createS3Client, ValidationError } from '@tradai/domain';
import { LOCAL_AWS, startFauxqs, type Fauxqs } from '@tradai/domain/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyColumns, sliceColumns, TIMEFRAME_MS, type CandleColumns, type SeriesKey, type Timeframe } from '../candles.js';
import { generateCandles } from '../sample.js';
import type { Blobs } from './blobs.js';
import { localBlobs } from './local-blobs.js';
import { encodeCandles } from './parquet.js';
import { s3Blobs } from './s3-blobs.js';
import { createCandleStore, type CandleStore } from './store.js';

const H = TIMEFRAME_MS['1h'];
const BTC_1H: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
const Y2024 = Date.UTC(2024, 0, 1);

/** Plain arrays of every column, so `toEqual` compares values exactly and prints readable diffs. */
function rows(c: CandleColumns) {
  const take = (a: Float64Array) => Array.from(a.subarray(0, c.length));
  return { timestamp: take(c.timestamp), open: take(c.open), high: take(c.high), low: take(c.low), close: take(c.close), volume: take(c.volume) };
}

function candles(timeframe: Timeframe, start: number, count: number, seed = 1): CandleColumns {
  return generateCandles({ symbol: 'BTC/USDT', timeframe, start, count, seed });
}

/** Rows of `c` whose timestamp is in `keep`. */
function pick(c: CandleColumns, keep: (t: number) => boolean): CandleColumns {
  const idx = Array.from(c.timestamp.subarray(0, c.length)).flatMap((t, i) => (keep(t) ? [i] : []));
  const out = emptyColumns(idx.length);
  idx.forEach((from, to) => {
    for (const f of ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const) out[f][to] = c[f][from];
  });
  return out;
}

interface Backend {
  readonly name: string;
  /** A fresh, empty Blobs for one test. */
  blobs(): Promise<Blobs>;
}

let fauxqs: Fauxqs;
let bucketNo = 0;
const tempDirs: string[] = [];

beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(async () => {
  await fauxqs.stop();
  await Promise.all(tempDirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

const BACKENDS: Backend[] = [
  {
    name: 'local folder',
    async blobs() {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'candle-store-'));
      tempDirs.push(dir);
      return localBlobs(dir);
    },
  },
  {
    name: 'S3 (fauxqs)',
    async blobs() {
      const bucket = `candles-${++bucketNo}`;
      fauxqs.server.createBucket(bucket);
      const s3 = createS3Client({ ...LOCAL_AWS, endpoint: fauxqs.endpoint });
      return s3Blobs({ s3, bucket, prefix: 'market-data' });
    },
  },
];

describe.each(BACKENDS)('candle store on $name', (backend) => {
  let blobs: Blobs;
  let store: CandleStore;
  beforeEach(async () => {
    blobs = await backend.blobs();
    store = createCandleStore({ blobs });
  });

  it.each(Object.keys(TIMEFRAME_MS) as Timeframe[])('round-trips %s candles across a year boundary exactly', async (timeframe) => {
    const step = TIMEFRAME_MS[timeframe];
    const start = Y2024 - 60 * step;
    const c = candles(timeframe, start, 120);
    const key = { ...BTC_1H, timeframe };
    const res = await store.write(key, c);
    expect(res.written).toBe(120);
    expect(res.partitions).toBe(2); // December 2023 and January 2024 (month or year partitions alike)
    const back = await store.read(key, { start, end: start + 120 * step });
    expect(back.timestamp).toBeInstanceOf(Float64Array);
    expect(rows(back)).toEqual(rows(c));
  });

  it('partitions minute candles by month and hourly candles by year', async () => {
    await store.write({ ...BTC_1H, timeframe: '1m' }, candles('1m', Date.UTC(2024, 0, 31, 23, 58), 4));
    await store.write(BTC_1H, candles('1h', Date.UTC(2024, 11, 31, 23), 2));
    const keys = (await blobs.list('')).sort();
    expect(keys).toEqual([
      'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2024/part.parquet',
      'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2025/part.parquet',
      'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1m/year=2024/month=01/part.parquet',
      'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1m/year=2024/month=02/part.parquet',
    ]);
  });

  it('merge-upserts: overlapping and repeated writes keep one candle per timestamp, later values win', async () => {
    const first = candles('1h', Y2024, 48, 1);
    const second = candles('1h', Y2024 + 24 * H, 48, 2); // overlaps hours 24..47, then extends to 71
    await store.write(BTC_1H, first);
    await store.write(BTC_1H, second);
    await store.write(BTC_1H, second); // idempotent repeat
    const back = await store.read(BTC_1H, { start: Y2024, end: Y2024 + 72 * H });
    expect(back.length).toBe(72);
    expect(rows(sliceColumns(back, 0, 24))).toEqual(rows(sliceColumns(first, 0, 24)));
    expect(rows(sliceColumns(back, 24, 72))).toEqual(rows(second));
    expect(await store.coverage(BTC_1H)).toEqual({ first: Y2024, last: Y2024 + 71 * H, count: 72 });
  });

  it('merges a write that spans two periods into both stored partitions', async () => {
    const end2023 = Y2024 - 10 * H;
    await store.write(BTC_1H, candles('1h', end2023, 5, 1)); // 2023 only
    await store.write(BTC_1H, candles('1h', Y2024 + 5 * H, 5, 2)); // 2024 only
    const spanning = candles('1h', end2023 + 3 * H, 14, 3); // 2023-12-31 17:00 .. 2024-01-01 06:00
    expect((await store.write(BTC_1H, spanning)).partitions).toBe(2);
    const back = await store.read(BTC_1H, { start: 0, end: Y2024 + 365 * 24 * H });
    expect(back.length).toBe(3 + 14 + 3);
    expect(Array.from(back.timestamp).every((t, i, a) => i === 0 || t === a[i - 1]! + H)).toBe(true);
    expect(back.close[3]).toBe(spanning.close[0]);
    expect(back.close[16]).toBe(spanning.close[13]);
  });

  it('reads exactly [start, end): inside partitions, at the year boundary and one step either side', async () => {
    const start = Y2024 - 24 * H;
    const c = candles('1h', start, 48);
    await store.write(BTC_1H, c);
    const expectRange = async (from: number, to: number) => {
      const back = await store.read(BTC_1H, { start: from, end: to });
      expect(rows(back)).toEqual(rows(pick(c, (t) => t >= from && t < to)));
      return back.length;
    };
    expect(await expectRange(start + 3 * H, start + 7 * H)).toBe(4); // inside 2023
    expect(await expectRange(Y2024 - 5 * H, Y2024)).toBe(5); // ends exactly at the boundary, exclusive
    expect(await expectRange(Y2024 - 5 * H, Y2024 + H)).toBe(6); // one step past it
    expect(await expectRange(Y2024 - 5 * H, Y2024 - H)).toBe(4); // one step before it
    expect(await expectRange(Y2024, Y2024 + 3 * H)).toBe(3); // starts exactly at it
    expect(await expectRange(Y2024 - H, Y2024 + 3 * H)).toBe(4); // one step before it
    expect(await expectRange(Y2024 + H, Y2024 + 3 * H)).toBe(2); // one step after it
    expect(await expectRange(Y2024 + 30 * H, Y2024 + 40 * H)).toBe(0); // after the data
    expect(await expectRange(start + H + 1, start + 3 * H - 1)).toBe(1); // unaligned bounds
    expect(await expectRange(start, start)).toBe(0);
  });

  it('reports missing candle runs inside the stored data as gaps, clipped to the range', async () => {
    const c = candles('1h', Y2024 - 10 * H, 30);
    // Drop 2023-12-31 20:00..21:00 and the first three hours of 2024 (a gap across the partition boundary), and 2024-01-01 10:00.
    const hole = (t: number) => t === Y2024 - 4 * H || t === Y2024 - 3 * H || (t >= Y2024 && t < Y2024 + 3 * H) || t === Y2024 + 10 * H;
    await store.write(BTC_1H, pick(c, (t) => !hole(t)));
    const all = { start: 0, end: Y2024 + 1000 * H };
    expect(await store.gaps(BTC_1H, all)).toEqual([
      { start: Y2024 - 4 * H, end: Y2024 - 2 * H },
      { start: Y2024, end: Y2024 + 3 * H },
      { start: Y2024 + 10 * H, end: Y2024 + 11 * H },
    ]);
    // Clipped: a range starting inside a gap and ending inside another.
    expect(await store.gaps(BTC_1H, { start: Y2024 + H, end: Y2024 + 10 * H + 30 * 60_000 })).toEqual([
      { start: Y2024 + H, end: Y2024 + 3 * H },
      { start: Y2024 + 10 * H, end: Y2024 + 10 * H + 30 * 60_000 },
    ]);
    expect(await store.gaps(BTC_1H, { start: Y2024 + 3 * H, end: Y2024 + 10 * H })).toEqual([]);
    expect(await store.gaps({ ...BTC_1H, symbol: 'ETH/USDT' }, all)).toEqual([]);
    // Nothing is invented: the stored rows are still only the written ones.
    expect((await store.read(BTC_1H, all)).length).toBe(30 - 6);
  });

  it('reports coverage and lists stored series by exchange', async () => {
    expect(await store.coverage(BTC_1H)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    await store.write(BTC_1H, candles('1h', Y2024 - 2 * H, 5));
    await store.write({ ...BTC_1H, symbol: 'ETH/USDT' }, candles('1h', Y2024, 3));
    await store.write({ ...BTC_1H, timeframe: '1d' }, candles('1d', Y2024, 3));
    await store.write({ exchange: 'kraken', symbol: 'BTC/USD:BTC-240927', timeframe: '5m' }, candles('5m', Y2024, 3));
    expect(await store.coverage(BTC_1H)).toEqual({ first: Y2024 - 2 * H, last: Y2024 + 2 * H, count: 5 });
    expect(await store.list('binance')).toEqual([
      BTC_1H,
      { ...BTC_1H, timeframe: '1d' },
      { ...BTC_1H, symbol: 'ETH/USDT' },
    ]);
    expect(await store.list()).toHaveLength(4);
    expect(await store.list('kraken')).toEqual([{ exchange: 'kraken', symbol: 'BTC/USD:BTC-240927', timeframe: '5m' }]);
  });

  it.each([
    ['a duplicate timestamp', (c: CandleColumns) => void (c.timestamp[3] = c.timestamp[2]!), /candles\.timestamp\[3\] duplicates row 2/],
    ['a descending timestamp', (c: CandleColumns) => void (c.timestamp[3] = c.timestamp[1]!), /candles\.timestamp\[3\] is before row 2/],
    ['an unaligned timestamp', (c: CandleColumns) => void (c.timestamp[4]! += 1000), /candles\.timestamp\[4\] .* not aligned to the 1h timeframe/],
    ['a NaN price', (c: CandleColumns) => void (c.close[5] = NaN), /candles\.close\[5\] must be a positive finite price, got NaN/],
    ['a negative price', (c: CandleColumns) => void (c.open[6] = -1), /candles\.open\[6\] must be a positive finite price, got -1/],
    ['a negative volume', (c: CandleColumns) => void (c.volume[7] = -0.5), /candles\.volume\[7\] must be a non-negative finite volume/],
    ['high below low', (c: CandleColumns) => void (c.high[8] = c.low[8]! - 1), /candles\.high\[8\] .* is below low/],
  ])('rejects %s naming the row and field, and writes nothing', async (_what, spoil, message) => {
    await store.write(BTC_1H, candles('1h', Y2024 - 5 * H, 3, 9)); // something stored before
    const before = rows(await store.read(BTC_1H, { start: 0, end: Y2024 + 100 * H }));
    const bad = candles('1h', Y2024 - 5 * H, 20, 1); // spans two partitions, so neither may change
    spoil(bad);
    const err = await store.write(BTC_1H, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(message);
    expect(rows(await store.read(BTC_1H, { start: 0, end: Y2024 + 100 * H }))).toEqual(before);
    expect((await blobs.list('')).length).toBe(1);
  });

  it('rejects an unknown timeframe, a bad exchange id and a reversed range by name', async () => {
    const key = { ...BTC_1H, timeframe: '2h' as Timeframe };
    await expect(store.write(key, candles('1h', Y2024, 2))).rejects.toThrow(/unknown timeframe "2h"/);
    await expect(store.read(key, { start: 0, end: 1 })).rejects.toThrow(/unknown timeframe "2h"/);
    await expect(store.coverage({ ...BTC_1H, exchange: '../x' })).rejects.toThrow(/exchange "..\/x"/);
    await expect(store.read(BTC_1H, { start: 10, end: 5 })).rejects.toThrow(/range\.end 5 is before range\.start 10/);
    expect(await blobs.list('')).toEqual([]);
  });
});

/** Blobs in memory that record which keys were read. */
function memoryBlobs(location = 'mem://bucket') {
  const objects = new Map<string, Uint8Array>();
  const gets: string[] = [];
  const blobs: Blobs = {
    location,
    async get(key) {
      gets.push(key);
      return objects.get(key);
    },
    async put(key, bytes) {
      objects.set(key, bytes);
    },
    async list(prefix) {
      return [...objects.keys()].filter((k) => k.startsWith(prefix));
    },
  };
  return { blobs, objects, gets };
}

const PART_2023 = 'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2023/part.parquet';
const PART_2024 = 'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2024/part.parquet';
const PART_2025 = 'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2025/part.parquet';

describe('candle store file access', () => {
  it('reads only the partitions overlapping the range, a period touching a bound excluded', async () => {
    const { blobs, gets } = memoryBlobs();
    const store = createCandleStore({ blobs });
    const Y2025 = Date.UTC(2025, 0, 1);
    await store.write(BTC_1H, candles('1h', Y2024 - 2 * H, 4));
    await store.write(BTC_1H, candles('1h', Y2025, 2, 2));
    gets.length = 0;
    const c = await store.read(BTC_1H, { start: Y2024, end: Y2025 });
    expect(c.length).toBe(2);
    expect(gets).toEqual([PART_2024]);
    gets.length = 0;
    expect((await store.read(BTC_1H, { start: Y2024 - H, end: Y2024 + 1 })).length).toBe(2);
    expect(gets.sort()).toEqual([PART_2023, PART_2024]);
  });

  it('coverage skips empty partition files, and is undefined when all are empty', async () => {
    const { blobs } = memoryBlobs();
    const store = createCandleStore({ blobs });
    await blobs.put(PART_2023, encodeCandles(emptyColumns(0)));
    expect(await store.coverage(BTC_1H)).toBeUndefined();
    await store.write(BTC_1H, candles('1h', Y2024 + 5 * H, 3));
    await blobs.put(PART_2025, encodeCandles(emptyColumns(0)));
    expect(await store.coverage(BTC_1H)).toEqual({ first: Y2024 + 5 * H, last: Y2024 + 7 * H, count: 3 });
  });

  it.each(['mem://bucket', 'mem://bucket/'])('names an unreadable file by its full location (%s)', async (location) => {
    const { blobs } = memoryBlobs(location);
    await blobs.put(PART_2024, new Uint8Array([1, 2, 3]));
    const err = await createCandleStore({ blobs })
      .read(BTC_1H, { start: Y2024, end: Y2024 + H })
      .catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(new RegExp(`^mem://bucket/${PART_2024.replaceAll('.', '\\.')}: not a readable Parquet file`));
  });

  it('reports a gap just before the last stored candle', async () => {
    const { blobs } = memoryBlobs();
    const store = createCandleStore({ blobs });
    await store.write(BTC_1H, pick(candles('1h', Y2024, 4), (t) => t !== Y2024 + 2 * H));
    expect(await store.gaps(BTC_1H, { start: 0, end: Y2024 + 100 * H })).toEqual([{ start: Y2024 + 2 * H, end: Y2024 + 3 * H }]);
  });

  it('gaps rejects a bad range by name', async () => {
    const { blobs } = memoryBlobs();
    const store = createCandleStore({ blobs });
    await store.write(BTC_1H, candles('1h', Y2024, 4));
    await expect(store.gaps(BTC_1H, { start: 0, end: 1.5 })).rejects.toMatchObject({ name: 'ValidationError', path: 'range.end' });
    await expect(store.gaps(BTC_1H, { start: Y2024 + 2 * H, end: Y2024 })).rejects.toMatchObject({ name: 'ValidationError', path: 'range.end' });
  });
});
