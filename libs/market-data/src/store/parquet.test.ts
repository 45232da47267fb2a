import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { emptyColumns } from '../candles.js';
import { generateCandles } from '../sample.js';
import { decodeCandles, decodeInto, encodeCandles, openCandleFile } from './parquet.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const sample = (count: number) => generateCandles({ symbol: 'BTC/USDT', timeframe: '1h', start: T0, count, seed: 3 });

describe('candle Parquet files', () => {
  it('writes one row group, names the writer, and keeps statistics on the timestamp only', () => {
    const bytes = encodeCandles(sample(100));
    const meta = parquetMetadata(bytes.slice().buffer);
    expect(Number(meta.num_rows)).toBe(100);
    expect(meta.row_groups).toHaveLength(1);
    expect(meta.created_by).toBe('tradai market-data');
    const stats = meta.row_groups[0]!.columns.map((c) => [c.meta_data?.path_in_schema.join('.'), c.meta_data?.statistics !== undefined]);
    expect(stats).toEqual([
      ['timestamp', true],
      ['open', false],
      ['high', false],
      ['low', false],
      ['close', false],
      ['volume', false],
    ]);
  });

  it('round-trips an empty file', async () => {
    const back = await decodeCandles(encodeCandles(emptyColumns(0)), 'empty');
    expect(back.length).toBe(0);
  });

  it('reads the footer without the timestamp logical type, from the given bytes without a copy', () => {
    const bytes = encodeCandles(sample(3));
    const file = openCandleFile(bytes, 'f');
    expect(file.rows).toBe(3);
    expect(file.buffer).toBe(bytes.buffer);
    const ts = file.metadata.schema.find((e) => e.name === 'timestamp')!;
    expect(ts.logical_type).toBeUndefined();
    expect(ts.converted_type).toBeUndefined();
  });

  it('reads a file held in a view of a larger buffer', async () => {
    const c = sample(5);
    const bytes = encodeCandles(c);
    const big = new Uint8Array(bytes.length + 16);
    big.set(bytes, 8);
    const view = big.subarray(8, 8 + bytes.length);
    const back = await decodeCandles(view, 'view');
    expect(Array.from(back.timestamp)).toEqual(Array.from(c.timestamp));
    expect(Array.from(back.close)).toEqual(Array.from(c.close));
    // Also a view at offset 0 that does not cover its whole buffer.
    const head = new Uint8Array(bytes.length + 16);
    head.set(bytes, 0);
    expect((await decodeCandles(head.subarray(0, bytes.length), 'head')).length).toBe(5);
  });

  it('decodes into the given rows of larger columns, leaving the others alone', async () => {
    const c = sample(3);
    const out = emptyColumns(6);
    out.timestamp.fill(-1);
    out.close.fill(-1);
    await decodeInto(openCandleFile(encodeCandles(c), 'f'), out, 2);
    expect(Array.from(out.timestamp)).toEqual([-1, -1, T0, T0 + H, T0 + 2 * H, -1]);
    expect(Array.from(out.close)).toEqual([-1, -1, c.close[0], c.close[1], c.close[2], -1]);
  });

  it('names the file and keeps the cause when the bytes are not Parquet', () => {
    const err = (() => {
      try {
        openCandleFile(new Uint8Array([1, 2, 3, 4]), 'mem://b/x.parquet');
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(err.message).toMatch(/^mem:\/\/b\/x\.parquet: not a readable Parquet file \(.+\)$/);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('refuses a Parquet file without the candle columns, naming the missing ones', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'timestamp', data: new Float64Array([T0]), type: 'DOUBLE' },
        { name: 'open', data: new Float64Array([1]), type: 'DOUBLE' },
      ],
    });
    await expect(decodeCandles(new Uint8Array(buffer), 'other.parquet')).rejects.toThrow('other.parquet: not a candle file, missing column(s) high, low, close, volume');
    // Asking for present columns only is fine.
    const back = await decodeCandles(new Uint8Array(buffer), 'other.parquet', ['open']);
    expect(back.open[0]).toBe(1);
  });

  it('decodes a file of several row groups (as other writers make them) into the right rows', async () => {
    const n = 5;
    const ts = Array.from({ length: n }, (_, i) => T0 + i * H);
    const buffer = parquetWriteBuffer({
      rowGroupSize: 2,
      columnData: [
        { name: 'timestamp', data: BigInt64Array.from(ts.map((t) => BigInt(t))), type: 'INT64' },
        ...(['open', 'high', 'low', 'close', 'volume'] as const).map((name, k) => ({ name, data: Float64Array.from(ts.map((_, i) => 10 * k + i + 1)), type: 'DOUBLE' as const })),
      ],
    });
    const file = openCandleFile(new Uint8Array(buffer), 'groups.parquet');
    expect(file.metadata.row_groups.length).toBeGreaterThan(1);
    const out = emptyColumns(n + 2);
    out.timestamp.fill(-1);
    out.close.fill(-1);
    await decodeInto(file, out, 1);
    expect(Array.from(out.timestamp)).toEqual([-1, ...ts, -1]);
    expect(Array.from(out.close)).toEqual([-1, 31, 32, 33, 34, 35, -1]);
  });
});
