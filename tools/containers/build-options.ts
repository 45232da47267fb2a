import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../lambda/build-options.js';

/**
 * Our container images on plain Node 22: the services (apps/services) and the strategy tasks
 * (apps/strategies). Unlike a Lambda, a container has no runtime-provided AWS SDK, so everything is
 * bundled (SDK, Fastify, ccxt, ml-*): the image needs no node_modules and its content tag covers
 * every byte that runs.
 */
export const CONTAINER_DIRS = { service: 'services', strategy: 'strategies' } as const;
export type ContainerKind = keyof typeof CONTAINER_DIRS;

export function isContainerKind(value: string): value is ContainerKind {
  return Object.hasOwn(CONTAINER_DIRS, value);
}

/** Paths of one container build, relative to the workspace root. */
export function containerPaths(kind: ContainerKind, name: string): { entry: string; outdir: string; outfile: string } {
  const outdir = join('dist', 'apps', CONTAINER_DIRS[kind], name);
  return { entry: join('apps', CONTAINER_DIRS[kind], name, 'src', 'main.ts'), outdir, outfile: join(outdir, 'main.mjs') };
}

/** esbuild options for one container image (pure: the caller checks the entry exists and runs the build). */
export function containerBuildOptions(kind: ContainerKind, name: string, root: string): BuildOptions & { metafile: true } {
  const { entry, outfile } = containerPaths(kind, name);
  return {
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    // Long-running processes: keep names so stack traces and pino's error serialiser stay readable.
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    // Prefer ESM entry points of dependencies (tree-shaking); `module` before `main`.
    mainFields: ['module', 'main'],
    tsconfig: join(root, 'tsconfig.base.json'),
    // CommonJS dependencies call require() (Node built-ins); ESM output has none of its own.
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'none',
    logLevel: 'silent',
  };
}
