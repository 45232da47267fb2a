/**
 * Regenerates the shipped sample store in data/sample-store: binance BTC/USDT and ETH/USDT, 1h
 * candles for all of 2024 from the seeded generator, plus 1d candles aggregated from those hours
 * (so the two timeframes agree). Deterministic: same seeds, byte-identical files.
 * Run: `npx tsx libs/market-data/bench/make-sample-store.ts [outDir]`.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyColumns, TIMEFRAME_MS, type CandleColumns } from '../src/candles.js';
import { generateCandles } from '../src/sample.js';
import { createCandleStore, localBlobs } from '../src/store/index.js';

const SAMPLE_SERIES = [
  { symbol: 'BTC/USDT', seed: 2024_01, startPrice: 42_000, volatility: 0.55 },
  { symbol: 'ETH/USDT', seed: 2024_02, startPrice: 2_300, volatility: 0.65 },
] as const;
const START = Date.UTC(2024, 0, 1);
const END = Date.UTC(2025, 0, 1);

/** Aggregates consecutive complete groups of `per` candles (hours into days). */
function aggregate(c: CandleColumns, per: number): CandleColumns {
  const out = emptyColumns(Math.floor(c.length / per));
  for (let k = 0; k < out.length; k++) {
    const from = k * per;
    const to = from + per;
    out.timestamp[k] = c.timestamp[from];
    out.open[k] = c.open[from];
    out.close[k] = c.close[to - 1];
    out.high[k] = Math.max(...c.high.subarray(from, to));
    out.low[k] = Math.min(...c.low.subarray(from, to));
    // Sum in integer lots (1e-5) so the daily volume has no float noise.
    let lots = 0;
    for (let i = from; i < to; i++) lots += Math.round(c.volume[i] * 1e5);
    out.volume[k] = lots / 1e5;
  }
  return out;
}

const outDir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../data/sample-store'));
await fs.rm(path.join(outDir, 'ohlcv'), { recursive: true, force: true });
const store = createCandleStore({ blobs: localBlobs(outDir) });
for (const s of SAMPLE_SERIES) {
  const hours = generateCandles({ ...s, timeframe: '1h', start: START, count: (END - START) / TIMEFRAME_MS['1h'] });
  await store.write({ exchange: 'binance', symbol: s.symbol, timeframe: '1h' }, hours);
  await store.write({ exchange: 'binance', symbol: s.symbol, timeframe: '1d' }, aggregate(hours, 24));
}
for (const key of await store.list()) {
  const cov = await store.coverage(key);
  console.log(`${key.exchange} ${key.symbol} ${key.timeframe}: ${cov?.count} candles ${new Date(cov!.first).toISOString()} .. ${new Date(cov!.last).toISOString()}`);
}
console.log(`wrote ${outDir}`);
