/**
 * Bundles a stack program for the Pulumi CLI: `tsx tools/pulumi/bundle.ts --layer=compute`.
 * Path aliases are resolved into the bundle; npm packages stay external so the program and the
 * engine share one @pulumi/pulumi instance from node_modules.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { LAYERS, findWorkspaceRoot, type Layer } from '@tradai/infra-shared';

export function bundleOptions(root: string, layer: Layer): BuildOptions {
  return {
    entryPoints: [join(root, 'infra', layer, 'index.ts')],
    outfile: join(root, 'dist', 'infra', layer, 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.base.json'),
    sourcemap: true,
    logLevel: 'warning',
  };
}

export async function bundleLayer(root: string, layer: Layer): Promise<string> {
  const options = bundleOptions(root, layer);
  await build(options);
  // Pulumi decides ESM vs CommonJS from the nearest package.json.
  writeFileSync(join(root, 'dist', 'infra', layer, 'package.json'), `${JSON.stringify({ type: 'module', main: 'index.mjs' }, null, 2)}\n`);
  return options.outfile!;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { layer: { type: 'string' } } });
  const layer = values.layer as Layer;
  if (!LAYERS.includes(layer)) {
    console.error(`bundle: --layer must be one of ${LAYERS.join(', ')}`);
    process.exit(2);
  }
  const root = findWorkspaceRoot();
  mkdirSync(join(root, 'dist', 'infra', layer), { recursive: true });
  console.log(`bundled ${await bundleLayer(root, layer)}`);
}
