import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../lambda/build-options.js';

/**
 * Strategy images run on plain Node 22 (ECS Fargate), which has no AWS SDK of its own: everything
 * is bundled, `@aws-sdk/*` included, so the image is the bundle plus `node`.
 */

/** Paths of one strategy build, relative to the workspace root. */
export function strategyPaths(name: string): { entry: string; outdir: string; outfile: string } {
  const outdir = join('dist', 'apps', 'strategies', name);
  return { entry: join('apps', 'strategies', name, 'src', 'main.ts'), outdir, outfile: join(outdir, 'main.mjs') };
}

/** esbuild options for strategy `name` (pure: the caller checks the entry exists and runs the build). */
export function strategyBuildOptions(name: string, root: string): BuildOptions & { metafile: true } {
  const { entry, outfile } = strategyPaths(name);
  return {
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    // Prefer ESM entry points of dependencies (tree-shaking); `module` before `main`.
    mainFields: ['module', 'main'],
    tsconfig: join(root, 'tsconfig.base.json'),
    // CommonJS dependencies (ml-*, parts of the SDK) call require(); ESM output has none of its own.
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'none',
    logLevel: 'silent',
  };
}
