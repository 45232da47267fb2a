import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { bundleArtifactsPlugin, ESM_REQUIRE_BANNER } from '../lambda/build-options.js';

/**
 * Our container images on plain Node 22: the services (apps/services) and the strategy tasks
 * (apps/strategies). Unlike a Lambda, a container has no runtime-provided AWS SDK, so everything is
 * bundled (SDK, Fastify, ccxt, ml-*): the image needs no node_modules and its content tag covers
 * every byte that runs.
 */
export const CONTAINER_DIRS = { service: 'services', strategy: 'strategies' } as const;
export type ContainerKind = keyof typeof CONTAINER_DIRS;

/**
 * The esbuild options the `@nx/esbuild` executor has no option for (its `esbuildConfig`), for every
 * service and strategy bundle; entry, outfile, format, platform, target, minify and sourcemap are the
 * target's options (tools/nx-plugin). Nothing is external: `thirdParty` bundles every package.
 */
export function containerEsbuildConfig(): BuildOptions {
  return {
    outExtension: { '.js': '.mjs' },
    // Prefer ESM entry points of dependencies (tree-shaking); `module` before `main`.
    mainFields: ['module', 'main'],
    // Long-running processes: keep names so stack traces and pino's error serialiser stay readable.
    keepNames: true,
    sourcesContent: false,
    // CommonJS dependencies call require() (Node built-ins); ESM output has none of its own.
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'none',
    // dist/apps/services/<name> -> dist/service-meta/<name>.json, strategies -> dist/strategy-meta.
    plugins: [containerArtifactsPlugin],
  };
}

/** Sends each container's metafile to dist/<kind>-meta, the kind read from its output folder. */
const containerArtifactsPlugin: Plugin = {
  name: 'tradai-container-artifacts',
  setup(build) {
    const outfile = build.initialOptions.outfile ?? '';
    const kind = (Object.keys(CONTAINER_DIRS) as ContainerKind[]).find((k) => outfile.split(/[\\/]/).includes(CONTAINER_DIRS[k]));
    if (!kind) throw new Error(`container build: outfile ${outfile || '(none)'} is not under dist/apps/{${Object.values(CONTAINER_DIRS).join(',')}}`);
    if (kind === 'strategy') {
      // A strategy task renders the HTML report, whose chart library is read from a file at run time
      // (libs/strategy-sdk report/html.ts): ship the file beside main.mjs (docker/strategy.Dockerfile copies it).
      build.onEnd((result) => {
        if (result.errors.length) return;
        const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
        copyFileSync(join(dirname(pkg), 'dist', CHART_LIBRARY_FILE), join(resolve(build.initialOptions.absWorkingDir ?? process.cwd(), dirname(outfile)), CHART_LIBRARY_FILE));
      });
    }
    return bundleArtifactsPlugin(`${kind}-meta`).setup(build);
  },
};

/** The chart library's standalone build, as the report reads it (kept equal to CHART_LIBRARY_FILE in strategy-sdk). */
export const CHART_LIBRARY_FILE = 'lightweight-charts.standalone.production.js';
