/**
 * `npm run bench:platform`: the local platform's speed, measured from outside through HTTP:
 * - serve: from spawning `main.ts` to its banner (and the start time it reports itself);
 * - one backtest, POST -> SUCCEEDED: ma-crossover, BTC/USDT, one year (2024) of 1-hour candles;
 * - 20 of those submitted at once: how many finish, and the total time.
 * Prints a table and writes dist/platform/bench.json. Numbers depend on the machine and its load:
 * the report records the load average next to them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { api, pollBacktest, servePlatform, TERMINAL } from '../src/client.js';

const YEAR = { strategy: 'ma-crossover', symbols: ['BTC/USDT'], timeframe: '1h', startDate: '2024-01-01T00:00:00Z', endDate: '2025-01-01T00:00:00Z' };
const CONCURRENT = 20;
const tag = Date.now().toString(36);

async function submitAndWait(base: string, token: string, requestId: string): Promise<{ ms: number; status: string; error?: string }> {
  const began = Date.now();
  const posted = await api(base, 'POST', '/api/v1/backtests', { token, body: { ...YEAR, requestId } });
  if (posted.status !== 200) throw new Error(`POST ${requestId}: ${posted.status} ${JSON.stringify(posted.body)}`);
  const done = await pollBacktest(base, token, `bt-${requestId}`, (s) => TERMINAL.includes(s), 900_000, 100);
  return { ms: Date.now() - began, status: done.status, ...(done.error ? { error: done.error } : {}) };
}

const root = findWorkspaceRoot(process.cwd());
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const loadBefore = load();
const p = await servePlatform({ logDir: join(mkdtempSync(join(tmpdir(), 'platform-bench-')), 'logs') });
const reported = Number(/ready in ([\d.]+) s/.exec(p.output())?.[1] ?? NaN) * 1000;
try {
  const one = await submitAndWait(p.url, p.userToken, `bench-one-${tag}`);
  const began = Date.now();
  const many = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => submitAndWait(p.url, p.userToken, `bench-${i}-${tag}`)));
  const total = Date.now() - began;
  const succeeded = many.filter((r) => r.status === 'SUCCEEDED').length;
  const sorted = many.map((r) => r.ms).sort((a, b) => a - b);
  const report = {
    machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: load() },
    serveReadyMs: { spawnToBanner: p.readyInMs, reportedByServe: reported },
    oneBacktest: { request: YEAR, ms: one.ms, status: one.status },
    concurrent: { count: CONCURRENT, succeeded, errors: many.flatMap((r) => (r.error ? [r.error] : [])), totalMs: total, fastestMs: sorted[0], medianMs: sorted[Math.floor(sorted.length / 2)], slowestMs: sorted.at(-1) },
  };
  console.log(`serve start -> ready        ${(p.readyInMs / 1000).toFixed(1)} s (spawn to banner; serve reports ${(reported / 1000).toFixed(1)} s)`);
  console.log(`1 backtest POST -> ${one.status.padEnd(9)} ${(one.ms / 1000).toFixed(1)} s (ma-crossover, BTC/USDT, 2024, 1h)`);
  console.log(`${CONCURRENT} at once: ${succeeded}/${CONCURRENT} SUCCEEDED  total ${(total / 1000).toFixed(1)} s (each: ${(sorted[0]! / 1000).toFixed(1)}..${(sorted.at(-1)! / 1000).toFixed(1)} s)`);
  for (const r of many.filter((m) => m.status !== 'SUCCEEDED')) console.log(`  ${r.status}: ${r.error ?? ''}`);
  console.log(`load average before/after: ${loadBefore} / ${load()} on ${cpus().length} CPUs`);
  mkdirSync(join(root, 'dist', 'platform'), { recursive: true });
  writeFileSync(join(root, 'dist', 'platform', 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  await p.interrupt();
}
