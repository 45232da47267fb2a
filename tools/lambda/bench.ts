/**
 * Lambda bundle benchmark: `npx tsx tools/lambda/bench.ts`.
 * Builds all 18 bundles from cold (one process, in parallel, total wall time), then per function
 * reports bundle size and module init time: the median of 5 fresh `node` processes that import the
 * bundle with the function's environment set (dummy values for every variable the contract lists).
 * Targets: bundle < 200 KB, init < 150 ms, all builds < 10 s. Exits 1 if a target is missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENV, LAMBDA_ACCESS, LAMBDA_NAMES, lambdaEnvNames, type LambdaName } from '@tradai/contracts';
import { buildLambda, type LambdaBuildResult } from './build.js';

export const TARGETS = { bundleKb: 200, initMs: 150, totalBuildMs: 10_000 } as const;
const RUNS = 5;

/** A complete, harmless environment for `name`: settings at their defaults, other variables dummies. */
export function benchEnv(name: LambdaName): Record<string, string> {
  const settings = LAMBDA_ACCESS[name].settings ?? {};
  const env: Record<string, string> = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  for (const v of lambdaEnvNames(name)) {
    if (v in settings) env[v] = settings[v]!;
    else if (v === ENV.environment) env[v] = 'dev';
    else if (v.endsWith('_ARN')) env[v] = `arn:aws:bench:us-east-1:000000000000:${v.toLowerCase()}`;
    else if (v === ENV.mlflowTrackingUri) env[v] = 'http://127.0.0.1:5000/mlflow';
    else env[v] = `bench-${v.toLowerCase().replaceAll('_', '-')}`;
  }
  return env;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Milliseconds to import `file` in a fresh node process (node start-up excluded), with source maps
 * enabled as docker/lambda.Dockerfile enables them.
 */
export function measureInit(file: string, env: Record<string, string>): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const res = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`init failed: ${(res.stderr || res.stdout).trim().split('\n').slice(0, 3).join(' | ')}`);
  return Number(res.stdout);
}

/** The `@aws-sdk/*` packages a bundle loads (the build turns them into require calls). */
export function sdkPackages(code: string): string[] {
  return [...new Set([...code.matchAll(/"(@aws-sdk\/[a-z0-9-]+)"/g)].map((m) => m[1]!))].sort();
}

/** Milliseconds to require `packages` in a fresh node process: the SDK's share of a bundle's init. */
export function measureSdk(packages: readonly string[], cwd: string): number {
  const script =
    `import { createRequire } from 'node:module';const r=createRequire(${JSON.stringify(pathToFileURL(join(cwd, 'index.mjs')).href)});` +
    `const t=performance.now();for (const p of ${JSON.stringify(packages)}) r(p);process.stdout.write(String(performance.now()-t));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (res.status !== 0) throw new Error(`sdk load failed: ${res.stderr.trim().split('\n')[0]}`);
  return Number(res.stdout);
}

export interface BenchRow {
  readonly name: string;
  readonly kb?: number;
  readonly initMs?: number;
  /** Of initMs, the time spent loading the AWS SDK packages alone (median). */
  readonly sdkMs?: number;
  readonly sdk?: readonly string[];
  readonly error?: string;
  readonly ok: boolean;
}

/** Markdown table of the results. */
export function formatTable(rows: readonly BenchRow[], totalMs: number): string {
  const lines = [
    `load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (init times scale with machine load)`,
    `all builds: ${(totalMs / 1000).toFixed(2)} s (target < ${TARGETS.totalBuildMs / 1000} s) ${totalMs < TARGETS.totalBuildMs ? 'ok' : 'MISSED'}`,
    '',
    `| function | bundle KB (< ${TARGETS.bundleKb}) | init ms median of ${RUNS} (< ${TARGETS.initMs}) | of which AWS SDK ms | SDK clients | ok |`,
    '|---|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.kb?.toFixed(1) ?? '-'} | ${r.initMs?.toFixed(1) ?? '-'} | ${r.sdkMs?.toFixed(1) ?? '-'} | ${(r.sdk ?? []).map((p) => p.replace('@aws-sdk/', '')).join(' ')} | ${r.ok ? 'yes' : `NO${r.error ? `: ${r.error}` : ''}`} |`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const started = performance.now();
  const builds = await Promise.allSettled(LAMBDA_NAMES.map((n) => buildLambda(n, root)));
  const totalMs = performance.now() - started;
  const rows: BenchRow[] = LAMBDA_NAMES.map((name, i) => {
    const b = builds[i]!;
    if (b.status === 'rejected') return { name, ok: false, error: (b.reason as Error).message };
    const built: LambdaBuildResult = b.value;
    const kb = built.bytes / 1024;
    try {
      const file = join(root, built.outfile);
      const sdk = sdkPackages(readFileSync(file, 'utf8'));
      const initMs = median(Array.from({ length: RUNS }, () => measureInit(file, benchEnv(name))));
      const sdkMs = median(Array.from({ length: RUNS }, () => measureSdk(sdk, dirname(file))));
      return { name, kb, initMs, sdkMs, sdk, ok: kb < TARGETS.bundleKb && initMs < TARGETS.initMs };
    } catch (err) {
      return { name, kb, ok: false, error: (err as Error).message };
    }
  });
  const table = formatTable(rows, totalMs);
  console.log(table);
  mkdirSync(join(root, 'dist', 'bench'), { recursive: true });
  writeFileSync(join(root, 'dist', 'bench', 'lambdas.json'), JSON.stringify({ totalBuildMs: totalMs, targets: TARGETS, rows }, null, 2));
  if (totalMs >= TARGETS.totalBuildMs || rows.some((r) => !r.ok)) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`lambda bench failed: ${err.message}`);
    process.exit(1);
  });
}
