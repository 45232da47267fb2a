/**
 * Bundles one strategy image: `npx tsx tools/strategies/build.ts --name=<strategy>` (the Nx `build`
 * target of a `type:strategy` project). apps/strategies/<name>/src/main.ts ->
 * dist/apps/strategies/<name>/{main.mjs, main.mjs.map, package.json}. The output folder is the image
 * build context (docker/strategy.Dockerfile), so only runtime files go there; the esbuild metafile
 * goes to dist/strategy-meta/<name>.json.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleSize } from '../lambda/build.js';
import { strategyBuildOptions, strategyPaths } from './build-options.js';

export interface StrategyBuildResult {
  readonly name: string;
  readonly outfile: string;
  readonly bytes: number;
  readonly topInputs: readonly { path: string; bytes: number }[];
  readonly ms: number;
}

/** The strategy projects: folders of apps/strategies with a src/main.ts. */
export function strategyNames(root: string): string[] {
  const dir = join(root, 'apps', 'strategies');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** Builds strategy `name` under workspace `root`; throws naming the unknown strategy. */
export async function buildStrategy(name: string, root: string): Promise<StrategyBuildResult> {
  const known = strategyNames(root);
  if (!known.includes(name)) throw new Error(`unknown strategy "${name}": no apps/strategies/${name}/src/main.ts; expected one of: ${known.join(', ') || '(none)'}`);
  const paths = strategyPaths(name);
  const started = performance.now();
  rmSync(join(root, paths.outdir), { recursive: true, force: true });
  mkdirSync(join(root, paths.outdir), { recursive: true });
  const options = strategyBuildOptions(name, root);
  const result = await build(options);
  // main.mjs is ESM by extension; package.json makes any other .js in the image ESM too.
  writeFileSync(join(root, paths.outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  mkdirSync(join(root, 'dist', 'strategy-meta'), { recursive: true });
  writeFileSync(join(root, 'dist', 'strategy-meta', `${name}.json`), JSON.stringify(result.metafile));
  const { bytes, topInputs } = bundleSize(result.metafile, options.outfile!, root);
  return { name, outfile: paths.outfile, bytes, topInputs, ms: performance.now() - started };
}

/** Reads `--name=<strategy>` from argv. */
export function parseNameArg(argv: readonly string[]): string {
  const name = argv.find((a) => a.startsWith('--name='))?.slice('--name='.length);
  if (!name) throw new Error('usage: tsx tools/strategies/build.ts --name=<strategy>');
  return name;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const r = await buildStrategy(parseNameArg(process.argv.slice(2)), root);
  console.log(`${r.name}: ${r.outfile} ${(r.bytes / 1024).toFixed(1)} KB in ${r.ms.toFixed(0)} ms`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`strategy build failed: ${err.message}`);
    process.exit(1);
  });
}
