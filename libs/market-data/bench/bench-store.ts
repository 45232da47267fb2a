/**
 * Candle store benchmark: one year of 1m candles (525,600 rows) for one symbol, written to a temp
 * folder and read back into typed columns. Run: `npx tsx libs/market-data/bench/bench-store.ts`.
 * Targets (issue): read < 200 ms, write < 1 s, < 10 MB on disk.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SeriesKey } from '../src/candles.js';
import { generateCandles } from '../src/sample.js';
import { createCandleStore, localBlobs } from '../src/store/index.js';

const ROWS = 525_600;
const START = Date.UTC(2023, 0, 1);
const KEY: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const RUNS = 7;

async function dirSize(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    bytes += (await fs.stat(path.join(e.parentPath, e.name))).size;
    files++;
  }
  return { bytes, files };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall-clock and this process's CPU time of one call: CPU time stays meaningful on a busy machine. */
async function timed(f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const candles = generateCandles({ symbol: KEY.symbol, timeframe: '1m', start: START, count: ROWS, seed: 42 });
const writes: { wall: number; cpu: number }[] = [];
const reads: { wall: number; cpu: number }[] = [];
let size = { bytes: 0, files: 0 };
for (let run = 0; run < RUNS; run++) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'candle-bench-'));
  try {
    const store = createCandleStore({ blobs: localBlobs(dir) });
    writes.push(await timed(() => store.write(KEY, candles)));
    let back = candles;
    reads.push(await timed(async () => (back = await store.read(KEY, { start: START, end: START + ROWS * 60_000 }))));
    if (back.length !== ROWS || back.close[ROWS - 1] !== candles.close[ROWS - 1]) throw new Error('read back differs from what was written');
    size = await dirSize(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const row = (xs: { wall: number; cpu: number }[], target: string) => ({
  'median ms': Math.round(median(xs.map((x) => x.wall))),
  'best ms': Math.round(Math.min(...xs.map((x) => x.wall))),
  'median CPU ms': Math.round(median(xs.map((x) => x.cpu))),
  target,
});
console.log(`candle store on a local folder: ${ROWS.toLocaleString('en')} x 1m candles (one year, one symbol), ${RUNS} runs`);
console.log(`Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.table({
  write: row(writes, '< 1000 ms'),
  read: row(reads, '< 200 ms'),
});
console.log(`bytes on disk: ${size.bytes.toLocaleString('en')} (${(size.bytes / 1e6).toFixed(2)} MB in ${size.files} files; target < 10 MB)`);
