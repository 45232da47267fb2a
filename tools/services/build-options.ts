import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../lambda/build-options.js';

/** Paths of one service build, relative to the workspace root. */
export function servicePaths(name: string): { entry: string; outdir: string; outfile: string } {
  const outdir = join('dist', 'apps', 'services', name);
  return { entry: join('apps', 'services', name, 'src', 'main.ts'), outdir, outfile: join(outdir, 'main.mjs') };
}

/**
 * esbuild options for service `name` (pure). Unlike a Lambda, a container has no runtime-provided
 * AWS SDK, so everything is bundled (SDK, Fastify, ccxt): the image needs no node_modules and its
 * content tag covers every byte that runs. The createRequire banner serves the CommonJS
 * dependencies' `require()` of Node built-ins.
 */
export function serviceBuildOptions(name: string, root: string): BuildOptions & { metafile: true } {
  const { entry, outfile } = servicePaths(name);
  return {
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    // Long-running servers: keep names so stack traces and pino's error serialiser stay readable.
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    mainFields: ['module', 'main'],
    tsconfig: join(root, 'tsconfig.base.json'),
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'none',
    logLevel: 'silent',
  };
}
