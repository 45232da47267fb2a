/**
 * Bundles one Lambda: `npx tsx tools/lambda/build.ts --name=<lambda>` (the Nx `build` target).
 * apps/lambdas/<name>/src/handler.ts -> dist/apps/lambdas/<name>/{index.mjs, index.mjs.map, package.json}.
 * The output folder is the image build context (docker/lambda.Dockerfile), so only runtime files go there;
 * the esbuild metafile goes to dist/lambda-meta/<name>.json.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_NAMES } from '@tradai/contracts';
import { lambdaBuildOptions, lambdaPaths } from './build-options.js';

export interface LambdaBuildResult {
  readonly name: string;
  readonly outfile: string;
  /** Bytes of index.mjs according to the metafile. */
  readonly bytes: number;
  /** Largest inputs by bytes in the output, for size investigations. */
  readonly topInputs: readonly { path: string; bytes: number }[];
  readonly ms: number;
}

/** Bytes of `outfile` and its largest contributors, from an esbuild metafile. */
export function bundleSize(metafile: Metafile, outfile: string, root: string): { bytes: number; topInputs: { path: string; bytes: number }[] } {
  // Metafile paths are relative to esbuild's absWorkingDir (the workspace root).
  const key = Object.keys(metafile.outputs).find((k) => resolve(root, k) === resolve(root, outfile));
  if (!key) throw new Error(`metafile has no output ${outfile}`);
  const out = metafile.outputs[key]!;
  const topInputs = Object.entries(out.inputs)
    .map(([path, v]) => ({ path, bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 10);
  return { bytes: out.bytes, topInputs };
}

/** Builds Lambda `name` under workspace `root`; throws naming the missing handler file or unknown name. */
export async function buildLambda(name: string, root: string): Promise<LambdaBuildResult> {
  if (!(LAMBDA_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown Lambda "${name}"; expected one of: ${LAMBDA_NAMES.join(', ')}`);
  }
  const paths = lambdaPaths(name);
  if (!existsSync(join(root, paths.entry))) {
    throw new Error(`Lambda ${name}: handler ${paths.entry} does not exist (it must export \`handler\`)`);
  }
  const started = performance.now();
  rmSync(join(root, paths.outdir), { recursive: true, force: true });
  mkdirSync(join(root, paths.outdir), { recursive: true });
  const options = lambdaBuildOptions(name, root);
  const result = await build(options);
  // Lambda loads index.mjs as ESM by extension; package.json makes any other .js in the image ESM too.
  writeFileSync(join(root, paths.outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  mkdirSync(join(root, 'dist', 'lambda-meta'), { recursive: true });
  writeFileSync(join(root, 'dist', 'lambda-meta', `${name}.json`), JSON.stringify(result.metafile));
  const { bytes, topInputs } = bundleSize(result.metafile, options.outfile!, root);
  return { name, outfile: paths.outfile, bytes, topInputs, ms: performance.now() - started };
}

/** Reads `--name=<lambda>` from argv. */
export function parseNameArg(argv: readonly string[]): string {
  const arg = argv.find((a) => a.startsWith('--name='));
  const name = arg?.slice('--name='.length);
  if (!name) throw new Error('usage: tsx tools/lambda/build.ts --name=<lambda>');
  return name;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const r = await buildLambda(parseNameArg(process.argv.slice(2)), root);
  console.log(`${r.name}: ${r.outfile} ${(r.bytes / 1024).toFixed(1)} KB in ${r.ms.toFixed(0)} ms`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`lambda build failed: ${err.message}`);
    process.exit(1);
  });
}
