import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeriesKey } from '../candles.js';
import { generateCandles } from '../sample.js';
import { localBlobs, type LocalFs } from './local-blobs.js';
import { createCandleStore } from './store.js';

const KEY: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
const START = Date.UTC(2024, 0, 1);
const RANGE = { start: START, end: Date.UTC(2025, 0, 1) };
const PART = 'ohlcv/exchange=binance/symbol=BTC-USDT/timeframe=1h/year=2024/part.parquet';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-blobs-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const realFs: LocalFs = { writeFile: (f, b) => fs.writeFile(f, b), rename: (a, b) => fs.rename(a, b) };

describe('localBlobs', () => {
  it('puts, gets and lists by folder prefix; a missing key is undefined', async () => {
    const blobs = localBlobs(dir);
    await blobs.put('a/b/c.bin', new Uint8Array([1, 2, 3]));
    await blobs.put('a/d.bin', new Uint8Array([4]));
    expect(Array.from((await blobs.get('a/b/c.bin'))!)).toEqual([1, 2, 3]);
    expect(await blobs.get('a/nope.bin')).toBeUndefined();
    expect((await blobs.list('a/')).sort()).toEqual(['a/b/c.bin', 'a/d.bin']);
    expect(await blobs.list('a/b/')).toEqual(['a/b/c.bin']);
    expect(await blobs.list('zzz/')).toEqual([]);
    await expect(blobs.put('../escape.bin', new Uint8Array())).rejects.toThrow(/escapes/);
  });

  it('a crash between the temp write and the rename leaves the old file intact and readable', async () => {
    const store = createCandleStore({ blobs: localBlobs(dir) });
    const v1 = generateCandles({ timeframe: '1h', start: START, count: 24, seed: 1 });
    await store.write(KEY, v1);

    // The temp file is fully written, then the rename never happens.
    let tempSeen = '';
    const crashing: LocalFs = {
      writeFile: async (file, bytes) => {
        tempSeen = file;
        await realFs.writeFile(file, bytes);
      },
      rename: () => Promise.reject(new Error('simulated crash before rename')),
    };
    const crashingStore = createCandleStore({ blobs: localBlobs(dir, crashing) });
    const v2 = generateCandles({ timeframe: '1h', start: START, count: 48, seed: 2 });
    await expect(crashingStore.write(KEY, v2)).rejects.toThrow(/simulated crash/);

    expect(path.dirname(tempSeen)).toBe(path.dirname(path.join(dir, PART))); // same folder, so rename is atomic
    const back = await store.read(KEY, RANGE);
    expect(Array.from(back.close)).toEqual(Array.from(v1.close));
    expect(await store.coverage(KEY)).toEqual({ first: START, last: START + 23 * 3_600_000, count: 24 });
  });

  it('readers ignore a half-written temp file left by a killed writer', async () => {
    const blobs = localBlobs(dir);
    const store = createCandleStore({ blobs });
    const v1 = generateCandles({ timeframe: '1h', start: START, count: 24, seed: 1 });
    await store.write(KEY, v1);
    // What a writer killed mid-write leaves behind: a truncated temp file next to the real one.
    const full = await fs.readFile(path.join(dir, PART));
    const folder = path.dirname(path.join(dir, PART));
    await fs.writeFile(path.join(folder, '.part.parquet.deadbeef0000.tmp'), full.subarray(0, full.length / 2));

    expect(await blobs.list('')).toEqual([PART]);
    expect(await store.list()).toEqual([KEY]);
    expect(Array.from((await store.read(KEY, RANGE)).close)).toEqual(Array.from(v1.close));
    expect((await store.coverage(KEY))?.count).toBe(24);
    expect(await store.gaps(KEY, RANGE)).toEqual([]);
    // And the next write still succeeds and replaces the file atomically.
    const v2 = generateCandles({ timeframe: '1h', start: START + 24 * 3_600_000, count: 24, seed: 2 });
    await store.write(KEY, v2);
    expect((await store.coverage(KEY))?.count).toBe(48);
  });

  it('a real write leaves no temp file behind', async () => {
    const store = createCandleStore({ blobs: localBlobs(dir) });
    await store.write(KEY, generateCandles({ timeframe: '1h', start: START, count: 5, seed: 1 }));
    const files = await fs.readdir(dir, { recursive: true });
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a corrupt partition file', () => {
  it('fails reads and writes with an error naming the file, and a write changes nothing', async () => {
    const blobs = localBlobs(dir);
    const store = createCandleStore({ blobs });
    await blobs.put(PART, new TextEncoder().encode('not parquet'));
    const candles = generateCandles({ timeframe: '1h', start: START, count: 3, seed: 1 });
    await expect(store.read(KEY, RANGE)).rejects.toThrow(/year=2024\/part\.parquet: not a readable Parquet file/);
    await expect(store.write(KEY, candles)).rejects.toThrow(/not a readable Parquet file/);
    expect(new TextDecoder().decode(await blobs.get(PART))).toBe('not parquet');
  });
});

describe('localBlobs edge cases', () => {
  it('lists only temp files (dot-named, ending in .tmp) as hidden, at the top level too', async () => {
    const blobs = localBlobs(dir);
    await blobs.put('a/.cfg.tmpl', new Uint8Array([1]));
    await blobs.put('a/x.tmp', new Uint8Array([2]));
    await fs.writeFile(path.join(dir, '.stray.abc.tmp'), 'x');
    await fs.writeFile(path.join(dir, 'a', '.half.tmp'), 'x');
    expect((await blobs.list('')).sort()).toEqual(['a/.cfg.tmpl', 'a/x.tmp']);
  });

  it('rethrows a read error other than a missing file', async () => {
    const blobs = localBlobs(dir);
    await fs.mkdir(path.join(dir, 'folder'));
    await expect(blobs.get('folder')).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('lists nothing under a prefix that is a file', async () => {
    const blobs = localBlobs(dir);
    await blobs.put('a/b.bin', new Uint8Array([1]));
    expect(await blobs.list('a/b.bin/')).toEqual([]);
  });

  it('rethrows a listing error other than a missing folder', async () => {
    await fs.symlink('loop', path.join(dir, 'loop'));
    await expect(localBlobs(dir).list('loop/')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('reports the write error when the temp file was never created', async () => {
    const failing: LocalFs = { writeFile: () => Promise.reject(new Error('disk full')), rename: realFs.rename };
    await expect(localBlobs(dir, failing).put('a/b.bin', new Uint8Array([1]))).rejects.toThrow('disk full');
    expect(await fs.readdir(path.join(dir, 'a'))).toEqual([]);
  });
});
