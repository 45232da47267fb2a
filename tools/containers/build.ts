/**
 * Bundles one container image of ours: `npx tsx tools/containers/build.ts --kind=service|strategy --name=<name>`
 * (the Nx `build` target of `type:service` and `type:strategy` projects).
 * apps/<services|strategies>/<name>/src/main.ts -> dist/apps/<services|strategies>/<name>/{main.mjs, main.mjs.map, package.json}.
 * The output folder is the image build context (docker/service.Dockerfile, docker/strategy.Dockerfile),
 * so only runtime files go there; the esbuild metafile goes to dist/<kind>-meta/<name>.json.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { bundleSize } from '../lambda/build.js';
import { CONTAINER_DIRS, containerBuildOptions, containerPaths, isContainerKind, type ContainerKind } from './build-options.js';

export interface ContainerBuildResult {
  readonly name: string;
  readonly outfile: string;
  /** Bytes of main.mjs according to the metafile. */
  readonly bytes: number;
  readonly topInputs: readonly { path: string; bytes: number }[];
  readonly ms: number;
}

/** The projects of a kind that have something to bundle: folders with a src/main.ts (mlflow has none). */
export function containerNames(kind: ContainerKind, root: string): string[] {
  const dir = join(root, 'apps', CONTAINER_DIRS[kind]);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** Builds one image's bundle under workspace `root`; throws naming the unknown project and the ones that exist. */
export async function buildContainer(kind: ContainerKind, name: string, root: string): Promise<ContainerBuildResult> {
  const known = containerNames(kind, root);
  if (!known.includes(name)) {
    throw new Error(`unknown ${kind} "${name}": no apps/${CONTAINER_DIRS[kind]}/${name}/src/main.ts; expected one of: ${known.join(', ') || '(none)'}`);
  }
  const paths = containerPaths(kind, name);
  const started = performance.now();
  rmSync(join(root, paths.outdir), { recursive: true, force: true });
  mkdirSync(join(root, paths.outdir), { recursive: true });
  const options = containerBuildOptions(kind, name, root);
  const result = await build(options);
  // main.mjs is ESM by extension; package.json makes any other .js in the image ESM too.
  writeFileSync(join(root, paths.outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  mkdirSync(join(root, 'dist', `${kind}-meta`), { recursive: true });
  writeFileSync(join(root, 'dist', `${kind}-meta`, `${name}.json`), JSON.stringify(result.metafile));
  const { bytes, topInputs } = bundleSize(result.metafile, options.outfile!, root);
  return { name, outfile: paths.outfile, bytes, topInputs, ms: performance.now() - started };
}

const USAGE = 'usage: tsx tools/containers/build.ts --kind=service|strategy --name=<name> [--verbose]';

/** Reads `--kind` and `--name` from argv. */
export function parseBuildArgs(argv: readonly string[]): { kind: ContainerKind; name: string; verbose: boolean } {
  const { values } = parseArgs({ args: [...argv], options: { kind: { type: 'string' }, name: { type: 'string' }, verbose: { type: 'boolean', default: false } } });
  if (!values.kind || !isContainerKind(values.kind) || !values.name) throw new Error(USAGE);
  return { kind: values.kind, name: values.name, verbose: values.verbose ?? false };
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const args = parseBuildArgs(process.argv.slice(2));
  const r = await buildContainer(args.kind, args.name, root);
  console.log(`${r.name}: ${r.outfile} ${(r.bytes / 1024).toFixed(1)} KB in ${r.ms.toFixed(0)} ms`);
  if (args.verbose) for (const i of r.topInputs) console.log(`  ${(i.bytes / 1024).toFixed(1).padStart(8)} KB  ${i.path}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: Error) => {
    console.error(`container build failed: ${err.message}`);
    process.exit(1);
  });
}
