/**
 * Lambda cold-start benchmark: `npm run bench:lambdas [-- --modes=runtime,bundled --runs=7 --skip-build]`.
 * For each SDK mode (build-options.ts: `runtime` = the runtime's AWS SDK, `bundled` = the clients
 * bundled and tree-shaken), builds all 18 bundles with their real `build` target (the options
 * tools/nx-plugin infers, the `@nx/esbuild` executor, the mode's configuration) into
 * dist/bench/<mode>/ (wall time recorded), then measures module init: fresh `node` processes that
 * import the bundle with the function's environment set, the modes alternated run by run so machine
 * load hits both alike; the median of `--runs` (>= 7) per function and mode, wall and CPU time.
 * Writes dist/bench/lambdas.json and dist/bench/lambdas.md; exits 1 if the default build misses a target.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Metafile } from 'esbuild';
import { ENV, LAMBDA_ACCESS, LAMBDA_NAMES, lambdaEnvNames, type LambdaName } from '@tradai/contracts';
import { metafilePath, SDK_MODE_CONFIGURATION, SDK_MODES, type SdkMode } from './build-options.js';
import { inferredTargets, runEsbuildTarget } from './run-build-target.js';

/** The mode the `build` target produces by default (no configuration). */
export const DEFAULT_MODE: SdkMode = 'bundled';

/**
 * Init under 150 ms for every function (issue 15). Size: 1 MB when the SDK is in the bundle; with the
 * SDK external, 200 KB (our code, Powertools and zod only).
 */
export const TARGETS: Readonly<Record<SdkMode, { readonly bundleKb: number; readonly initMs: number }>> = {
  runtime: { bundleKb: 200, initMs: 150 },
  bundled: { bundleKb: 1024, initMs: 150 },
};
export const MIN_RUNS = 7;

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
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Time to import `file` in a fresh node process (node start-up excluded), with source maps enabled as
 * docker/lambda.Dockerfile enables them: wall milliseconds (what a cold start waits) and CPU
 * milliseconds of the process (user + system; far less sensitive to other load on a shared machine).
 */
export function measureInit(file: string, env: Record<string, string>): { wallMs: number; cpuMs: number } {
  const script =
    `const c=process.cpuUsage();const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});` +
    `const w=performance.now()-t;const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([w,(u.user+u.system)/1000]));`;
  const res = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`init failed: ${(res.stderr || res.stdout).trim().split('\n').slice(0, 3).join(' | ')}`);
  const [wallMs, cpuMs] = JSON.parse(res.stdout) as [number, number];
  return { wallMs, cpuMs };
}

/** The `@aws-sdk/*` packages a runtime-SDK bundle requires (the build turns the imports into require calls). */
export function sdkPackages(code: string): string[] {
  return [...new Set([...code.matchAll(/"(@aws-sdk\/[a-z0-9-]+)"/g)].map((m) => m[1]!))].sort();
}

/** Milliseconds to require `packages` in a fresh node process from `dir`: the SDK's share of a runtime-SDK bundle's init. */
export function measureSdk(packages: readonly string[], dir: string): number {
  const script =
    `import { createRequire } from 'node:module';const r=createRequire(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});` +
    `const t=performance.now();for (const p of ${JSON.stringify(packages)}) r(p);process.stdout.write(String(performance.now()-t));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (res.status !== 0) throw new Error(`sdk load failed: ${res.stderr.trim().split('\n')[0]}`);
  return Number(res.stdout);
}

/** The AWS SDK packages that end up inside a bundle (`@aws-sdk`, `@smithy`, `@aws-crypto`), and their bytes in it. */
const SDK_INPUT = /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\/([^/]+)\//;
export function bundledSdk(metafile: Metafile, outfile: string): { bytes: number; clients: string[] } {
  const out = Object.entries(metafile.outputs).find(([k]) => k === outfile || k.endsWith(`/${outfile}`))?.[1];
  if (!out) throw new Error(`metafile has no output ${outfile} (outputs: ${Object.keys(metafile.outputs).join(', ')})`);
  let bytes = 0;
  const clients = new Set<string>();
  for (const [path, v] of Object.entries(out.inputs)) {
    const m = SDK_INPUT.exec(path);
    if (!m) continue;
    bytes += v.bytesInOutput;
    if (m[1] === '@aws-sdk' && (m[2]!.startsWith('client-') || m[2]!.startsWith('lib-')) && v.bytesInOutput > 0) clients.add(`@aws-sdk/${m[2]}`);
  }
  return { bytes, clients: [...clients].sort() };
}

export interface ModeResult {
  readonly kb: number;
  /** KB of the bundle that is AWS SDK code (bundled mode). */
  readonly sdkKb: number;
  /** The SDK clients the function loads: required from the runtime, or bundled. */
  readonly sdk: readonly string[];
  /** Median wall time of the import. */
  readonly initMs: number;
  /** Median CPU time of the import. */
  readonly cpuMs: number;
  readonly initRuns: readonly number[];
  /** Runtime mode: of initMs, the time spent loading the SDK packages alone (median). */
  readonly sdkMs?: number;
  readonly ok: boolean;
}

export interface BenchRow {
  readonly name: string;
  readonly modes: Partial<Record<SdkMode, ModeResult>>;
  readonly error?: string;
}

export interface BenchReport {
  readonly date: string;
  readonly loadavg: readonly number[];
  readonly runs: number;
  readonly defaultMode: SdkMode;
  readonly targets: typeof TARGETS;
  /** Wall time of building the 18 Lambdas through the executor, per mode. */
  readonly buildMs: Partial<Record<SdkMode, number>>;
  readonly rows: readonly BenchRow[];
}

const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
const change = (now: number | undefined, before: number | undefined) => (now === undefined || before === undefined ? '-' : `${(((now - before) / before) * 100).toFixed(0)} %`);

/** Markdown: one row per function, the modes side by side, and the change of the default against the other. */
export function formatReport(report: BenchReport): string {
  const modes = SDK_MODES.filter((m) => report.rows.some((r) => r.modes[m]));
  const label: Record<SdkMode, string> = { runtime: 'runtime SDK', bundled: 'SDK bundled' };
  const other = modes.find((m) => m !== report.defaultMode);
  const head = [
    '| function |',
    ...modes.map((m) => ` ${label[m]} KB (< ${report.targets[m].bundleKb}) | ${label[m]} init ms (< ${report.targets[m].initMs}) | ${label[m]} init CPU ms |`),
    ...(modes.includes('bundled') ? [' of which SDK KB |'] : []),
    ...(modes.includes('runtime') ? [' runtime SDK load ms |'] : []),
    ...(other && modes.includes(report.defaultMode) ? [` init change | CPU change |`] : []),
    ' SDK clients | default ok |',
  ].join('');
  const cols = head.split('|').length - 2;
  const rows = report.rows.map((r) => {
    if (r.error) return `| ${r.name} |${' - |'.repeat(cols - 2)} NO: ${r.error} |`;
    const d = r.modes[report.defaultMode];
    const o = other ? r.modes[other] : undefined;
    const cells = [
      r.name,
      ...modes.flatMap((m) => [fmt(r.modes[m]?.kb), fmt(r.modes[m]?.initMs), fmt(r.modes[m]?.cpuMs)]),
      ...(modes.includes('bundled') ? [fmt(r.modes.bundled?.sdkKb)] : []),
      ...(modes.includes('runtime') ? [fmt(r.modes.runtime?.sdkMs)] : []),
      ...(other && modes.includes(report.defaultMode) ? [change(d?.initMs, o?.initMs), change(d?.cpuMs, o?.cpuMs)] : []),
      (d ?? o)?.sdk.map((p) => p.replace('@aws-sdk/', '')).join(' ') ?? '',
      d ? (d.ok ? 'yes' : 'NO') : '-',
    ];
    return `| ${cells.join(' | ')} |`;
  });
  const med = (m: SdkMode, key: 'initMs' | 'cpuMs') => {
    const v = report.rows.flatMap((r) => (r.modes[m] ? [r.modes[m]![key]] : []));
    return v.length ? `${median(v).toFixed(1)} ms (max ${Math.max(...v).toFixed(1)})` : '-';
  };
  return [
    `# Lambda cold start (${report.date})`,
    '',
    `Default build: ${label[report.defaultMode]}. Init: median of ${report.runs} fresh node processes per function and mode, modes alternated.`,
    `Load average at the end: ${report.loadavg.map((l) => l.toFixed(2)).join(' ')} (init times scale with machine load; compare columns, not runs).`,
    ...modes.map((m) => `- ${label[m]}: all 18 builds ${report.buildMs[m] === undefined ? '-' : `${(report.buildMs[m]! / 1000).toFixed(1)} s`} (@nx/esbuild executor, 2 at a time); over the functions, median init ${med(m, 'initMs')}, CPU ${med(m, 'cpuMs')}`),
    '',
    head,
    `|---|${'---:|'.repeat(cols - 3)}---|---|`,
    ...rows,
    '',
  ].join('\n');
}

/**
 * Builds every Lambda in `mode` with its real `build` target (options from tools/nx-plugin, the
 * `@nx/esbuild` executor) into dist/bench/<mode>/apps/lambdas/<name>, two at a time; returns the wall
 * time. Not into dist/apps: other runs on this machine rebuild that folder at any moment.
 */
async function buildMode(root: string, mode: SdkMode): Promise<number> {
  const configuration = SDK_MODE_CONFIGURATION[mode];
  const started = performance.now();
  const queue = [...LAMBDA_NAMES];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const projectRoot = `apps/lambdas/${name}`;
      const target = (await inferredTargets(root, projectRoot))['build'];
      if (!target) throw new Error(`${name}: no build target inferred`);
      const redirected = { ...target, options: { ...target.options, outputPath: benchPaths(mode, name).outdir } };
      const results = await runEsbuildTarget(root, name, projectRoot, redirected, configuration);
      if (!results.every((r) => r.success)) throw new Error(`${name}: build (${mode} SDK) failed`);
    }
  };
  await Promise.all([worker(), worker()]);
  return performance.now() - started;
}

/** Where the bench keeps each mode's build of `name` (workspace-relative). */
export function benchPaths(mode: SdkMode, name: string): { outdir: string; outfile: string; meta: string } {
  const outdir = join('dist', 'bench', mode, 'apps', 'lambdas', name);
  const outfile = join(outdir, 'index.mjs');
  return { outdir, outfile, meta: metafilePath('lambda-meta', outfile) };
}

export function parseBenchArgs(argv: readonly string[]): { modes: SdkMode[]; runs: number; skipBuild: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: { modes: { type: 'string', default: SDK_MODES.join(',') }, runs: { type: 'string', default: String(MIN_RUNS) }, 'skip-build': { type: 'boolean', default: false } },
  });
  const modes = values.modes!.split(',').map((m) => m.trim());
  const bad = modes.filter((m) => !(SDK_MODES as readonly string[]).includes(m));
  if (bad.length || modes.length === 0) throw new Error(`--modes: unknown ${bad.join(', ') || '(empty)'}; expected a comma list of ${SDK_MODES.join(', ')}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < MIN_RUNS) throw new Error(`--runs must be an integer >= ${MIN_RUNS} (got ${values.runs})`);
  return { modes: SDK_MODES.filter((m) => modes.includes(m)), runs, skipBuild: values['skip-build'] ?? false };
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const { modes, runs, skipBuild } = parseBenchArgs(process.argv.slice(2));
  const buildMs: Partial<Record<SdkMode, number>> = {};
  // --skip-build re-measures the copies a previous run left in dist/bench/<mode>.
  for (const mode of skipBuild ? [] : modes) {
    console.log(`building 18 Lambdas (${mode} SDK) ...`);
    buildMs[mode] = await buildMode(root, mode);
  }
  const rows: BenchRow[] = LAMBDA_NAMES.map((name) => {
    try {
      const dir = (m: SdkMode) => join(root, benchPaths(m, name).outdir);
      const env = benchEnv(name);
      const times: Record<SdkMode, { wallMs: number; cpuMs: number }[]> = { runtime: [], bundled: [] };
      // Alternate the modes run by run: load on this shared machine drifts over minutes.
      for (let i = 0; i < runs; i++) for (const m of modes) times[m].push(measureInit(join(dir(m), 'index.mjs'), env));
      const result = Object.fromEntries(
        modes.map((m) => {
          const file = join(dir(m), 'index.mjs');
          const kb = statSync(file).size / 1024;
          const meta = JSON.parse(readFileSync(join(root, benchPaths(m, name).meta), 'utf8')) as Metafile;
          const inBundle = bundledSdk(meta, benchPaths(m, name).outfile);
          const required = sdkPackages(readFileSync(file, 'utf8'));
          const sdkMs = m === 'runtime' ? median(Array.from({ length: runs }, () => measureSdk(required, dir(m)))) : undefined;
          const initMs = median(times[m].map((t) => t.wallMs));
          const cpuMs = median(times[m].map((t) => t.cpuMs));
          const initRuns = times[m].map((t) => Math.round(t.wallMs * 10) / 10);
          const r: ModeResult = { kb, sdkKb: inBundle.bytes / 1024, sdk: m === 'runtime' ? required : inBundle.clients, initMs, cpuMs, initRuns, sdkMs, ok: kb < TARGETS[m].bundleKb && initMs < TARGETS[m].initMs };
          return [m, r];
        }),
      );
      console.log(`${name}: ${modes.map((m) => `${m} ${result[m]!.initMs.toFixed(1)} ms (CPU ${result[m]!.cpuMs.toFixed(1)})`).join(', ')}`);
      return { name, modes: result };
    } catch (err) {
      return { name, modes: {}, error: (err as Error).message };
    }
  });
  const report: BenchReport = { date: new Date().toISOString(), loadavg: loadavg(), runs, defaultMode: DEFAULT_MODE, targets: TARGETS, buildMs, rows };
  const md = formatReport(report);
  console.log(md);
  mkdirSync(join(root, 'dist', 'bench'), { recursive: true });
  writeFileSync(join(root, 'dist', 'bench', 'lambdas.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(root, 'dist', 'bench', 'lambdas.md'), md);
  const measured = modes.includes(DEFAULT_MODE) ? DEFAULT_MODE : modes[0]!;
  if (rows.some((r) => r.error || !r.modes[measured]?.ok)) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`lambda bench failed: ${err.message}`);
    process.exit(1);
  });
}
