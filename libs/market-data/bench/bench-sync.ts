/**
 * Incremental hourly sync of 20 symbols against the fake exchange on 127.0.0.1, the job the
 * data-collection service runs every hour: each store is filled up to an hour ago, then one sync
 * fetches the one new closed candle per symbol. Run: npx tsx libs/market-data/bench/bench-sync.ts
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeExchange } from '@tradai/testing-tools';
import { createCcxtSource } from '../src/source/index.js';
import { createCandleStore, localBlobs } from '../src/store/index.js';
import { memorySeriesStore, syncMany, type SeriesStore } from '../src/sync/index.js';

const HOUR = 3_600_000;
const SYMBOLS = Array.from({ length: 20 }, (_, i) => (i === 0 ? 'BTC/USDT' : i === 1 ? 'ETH/USDT' : `C${String(i).padStart(2, '0')}/USDT`));
const NOW = Date.UTC(2025, 5, 1, 0, 5);
const HISTORY_DAYS = 30;

const fake = await startFakeExchange({ now: NOW - HOUR, symbols: SYMBOLS });
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-sync-'));
const rows: Record<string, string | number>[] = [];
try {
  const stores: [string, () => SeriesStore][] = [
    ['memory', () => memorySeriesStore()],
    ['parquet folder', () => createCandleStore({ blobs: localBlobs(path.join(dir, String(rows.length))) })],
  ];
  for (const [storeName, makeStore] of stores) {
    for (const [limitName, rateLimitMs] of [['rateLimit 50 ms (binance)', undefined], ['rateLimit 1 ms', 1]] as const) {
      const store = makeStore();
      fake.setNow(NOW - HOUR);
      let now = NOW - HOUR;
      const source = createCcxtSource({ exchange: 'binance', apiOrigin: fake.url, rateLimitMs, now: () => now });
      // Fill: 30 days up to an hour ago.
      await syncMany({ store, source, symbols: SYMBOLS, timeframes: ['1h'], since: NOW - HISTORY_DAYS * 24 * HOUR, now, concurrency: 4 });
      now = NOW;
      fake.setNow(NOW);
      fake.clearRequests();
      const t = performance.now();
      const outcomes = await syncMany({ store, source, symbols: SYMBOLS, timeframes: ['1h'], now, concurrency: 4 });
      const ms = performance.now() - t;
      const failed = outcomes.filter((o) => !o.ok).length;
      const fetched = outcomes.reduce((n, o) => n + (o.ok ? o.result.fetched : 0), 0);
      rows.push({ store: storeName, limiter: limitName, series: outcomes.length, failed, fetched, requests: fake.requests.length, 'wall ms': Math.round(ms) });
      await source.close?.();
    }
  }
} finally {
  await fake.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
console.log(`incremental hourly sync, ${SYMBOLS.length} symbols, store filled with ${HISTORY_DAYS} days up to an hour ago, concurrency 4`);
console.table(rows);
