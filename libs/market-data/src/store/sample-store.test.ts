import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SeriesKey } from '../candles.js';
import { generateCandles } from '../sample.js';
import { localBlobs } from './local-blobs.js';
import { createCandleStore } from './store.js';

// The shipped sample store (data/sample-store) must stay what the README says regenerates it.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../data/sample-store');
const store = createCandleStore({ blobs: localBlobs(ROOT) });
const Y2024 = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1) };

describe('data/sample-store', () => {
  it('holds binance BTC/USDT and ETH/USDT, 1h and 1d, all of 2024 without gaps', async () => {
    const keys = await store.list('binance');
    expect(keys.map((k) => `${k.symbol} ${k.timeframe}`)).toEqual(['BTC/USDT 1h', 'BTC/USDT 1d', 'ETH/USDT 1h', 'ETH/USDT 1d']);
    for (const key of keys) {
      const cov = await store.coverage(key);
      expect(cov?.count).toBe(key.timeframe === '1h' ? 8784 : 366);
      expect(cov?.first).toBe(Y2024.start);
      expect(await store.gaps(key, Y2024)).toEqual([]);
    }
  });

  it('is the seeded generator output documented in the README (BTC/USDT 1h, seed 202401)', async () => {
    const key: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
    const stored = await store.read(key, Y2024);
    const expected = generateCandles({ symbol: 'BTC/USDT', timeframe: '1h', start: Y2024.start, count: 8784, seed: 2024_01, startPrice: 42_000, volatility: 0.55 });
    expect(Array.from(stored.close)).toEqual(Array.from(expected.close));
    expect(Array.from(stored.volume)).toEqual(Array.from(expected.volume));
    const daily = await store.read({ ...key, timeframe: '1d' }, Y2024);
    expect(daily.open[1]).toBe(expected.open[24]);
    expect(daily.close[1]).toBe(expected.close[47]);
  });
});
