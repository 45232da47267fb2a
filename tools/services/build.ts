/**
 * Bundles one TypeScript service: `npx tsx tools/services/build.ts --name=<service>` (the Nx `build` target).
 * apps/services/<name>/src/main.ts -> dist/apps/services/<name>/{main.mjs, main.mjs.map, package.json}.
 * The output folder is the image build context (docker/service.Dockerfile); the esbuild metafile goes to
 * dist/service-meta/<name>.json.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ECR_REPOS } from '@tradai/infra-shared';
import { bundleSize } from '../lambda/build.js';
import { serviceBuildOptions, servicePaths } from './build-options.js';

export interface ServiceBuildResult {
  readonly name: string;
  readonly outfile: string;
  /** Bytes of main.mjs according to the metafile. */
  readonly bytes: number;
  readonly topInputs: readonly { path: string; bytes: number }[];
  readonly ms: number;
}

/** Builds service `name` under workspace `root`; throws naming the unknown service or the missing entry file. */
export async function buildService(name: string, root: string): Promise<ServiceBuildResult> {
  // Service projects are named by their image (ECR_REPOS): backend, not backend-api; mlflow is not ours to bundle.
  const images = ECR_REPOS.filter((r) => r !== 'mlflow');
  if (!(images as readonly string[]).includes(name)) {
    throw new Error(`unknown service "${name}"; expected one of: ${images.join(', ')}`);
  }
  const paths = servicePaths(name);
  if (!existsSync(join(root, paths.entry))) throw new Error(`service ${name}: entry ${paths.entry} does not exist`);
  const started = performance.now();
  rmSync(join(root, paths.outdir), { recursive: true, force: true });
  mkdirSync(join(root, paths.outdir), { recursive: true });
  const options = serviceBuildOptions(name, root);
  const result = await build(options);
  writeFileSync(join(root, paths.outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  mkdirSync(join(root, 'dist', 'service-meta'), { recursive: true });
  writeFileSync(join(root, 'dist', 'service-meta', `${name}.json`), JSON.stringify(result.metafile));
  const { bytes, topInputs } = bundleSize(result.metafile, options.outfile!, root);
  return { name, outfile: paths.outfile, bytes, topInputs, ms: performance.now() - started };
}

/** Reads `--name=<service>` from argv. */
export function parseNameArg(argv: readonly string[]): string {
  const name = argv.find((a) => a.startsWith('--name='))?.slice('--name='.length);
  if (!name) throw new Error('usage: tsx tools/services/build.ts --name=<service>');
  return name;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const r = await buildService(parseNameArg(process.argv.slice(2)), root);
  console.log(`${r.name}: ${r.outfile} ${(r.bytes / 1024).toFixed(1)} KB in ${r.ms.toFixed(0)} ms`);
  if (process.argv.includes('--verbose')) for (const i of r.topInputs) console.log(`  ${(i.bytes / 1024).toFixed(1).padStart(8)} KB  ${i.path}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`service build failed: ${err.message}`);
    process.exit(1);
  });
}
