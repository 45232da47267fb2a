import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * How a Lambda bundle gets the AWS SDK v3:
 * - `bundled` (the default build): the clients the function uses are bundled and tree-shaken, as
 *   AWS recommends for SDK v3. Measured with `npm run bench:lambdas` (dist/bench/lambdas.md, 7 runs,
 *   2026-12-02): median init CPU over the 18 functions 295 ms against 335 ms with the runtime SDK,
 *   lower for 17 of 18 (Node compiles one minified ESM file instead of resolving and compiling
 *   hundreds of CommonJS files); bundles 400-610 KB.
 * - `runtime` (Nx configuration `runtime-sdk`, kept so the comparison can be re-run): every
 *   `@aws-sdk/*` import stays external and resolves to the SDK the Node.js 22 runtime ships.
 */
export type SdkMode = 'bundled' | 'runtime';
export const SDK_MODES: readonly SdkMode[] = ['runtime', 'bundled'];

/** The Nx configuration of a Lambda's `build` target that selects each mode (default build = bundled). */
export const SDK_MODE_CONFIGURATION: Readonly<Record<SdkMode, string | undefined>> = { bundled: undefined, runtime: 'runtime-sdk' };

/**
 * The esbuild config file the `@nx/esbuild` executor loads for each mode (workspace-relative).
 * They are `.mjs` shims over this module: Nx loads a `.ts` config with Node's type stripping, which
 * cannot follow this workspace's `./x.js` imports of `.ts` files, so the shims load it through tsx.
 */
export const LAMBDA_ESBUILD_CONFIG: Readonly<Record<SdkMode, string>> = {
  bundled: 'tools/lambda/esbuild.config.mjs',
  runtime: 'tools/lambda/esbuild.runtime-sdk.config.mjs',
};

/**
 * In `runtime` mode the SDK is not bundled. Powertools and its non-SDK deps (`@aws-lambda-powertools/*`,
 * `@aws/lambda-invoke-store`) are not in the runtime, so `@aws/*` is deliberately not external.
 */
export const LAMBDA_EXTERNALS = ['@aws-sdk/*'] as const;

/**
 * `runtime` mode: loads `@aws-sdk/*` with `require()` instead of `import`, and drops unused ones.
 * - SDK v3 packages are CommonJS (`main` only); an ESM `import` of them makes Node scan each large
 *   CJS file for its export names (cjs-module-lexer) at init. `require` skips that, and resolves
 *   through NODE_PATH, which is how the runtime exposes its SDK (/var/runtime/node_modules); ESM
 *   resolution ignores NODE_PATH.
 * - esbuild otherwise keeps every external import a bundled module makes, used or not. The SDK
 *   declares `"sideEffects": false`, so unused ones may go.
 * Each SDK import becomes a tiny CJS module `module.exports = require("<pkg>")` whose require stays
 * external (served by the createRequire banner).
 */
export const sdkRequirePlugin: Plugin = {
  name: 'aws-sdk-require',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\// }, (args) =>
      args.namespace === 'aws-sdk-cjs'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'aws-sdk-cjs', sideEffects: false },
    );
    build.onLoad({ filter: /.*/, namespace: 'aws-sdk-cjs' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Packages whose modules have no side effects at import but do not say so (`"sideEffects": false`):
 * esbuild must then keep every module of theirs a bundled file imports, used or not. lib-dynamodb's
 * commands are classes extending the client's, so a function that never touches DynamoDB, but
 * imports a shared module that does, carried the whole DynamoDB client. Every other `@aws-sdk/*` and
 * `@smithy/*` package declares its side effects (some have real ones: endpoint registries), and esbuild
 * honours that.
 */
export const UNDECLARED_PURE_PACKAGES = ['@aws-sdk/lib-dynamodb'] as const;

/** `bundled` mode: marks every module of UNDECLARED_PURE_PACKAGES side-effect free, so unused ones are dropped. */
export const sideEffectFreePlugin: Plugin = {
  name: 'side-effect-free-packages',
  setup(build) {
    const inPackage = new RegExp(`[\\\\/]node_modules[\\\\/](${UNDECLARED_PURE_PACKAGES.map((p) => p.replace('/', '[\\\\/]')).join('|')})[\\\\/]`);
    const bare = new RegExp(`^(${UNDECLARED_PURE_PACKAGES.join('|')})(/|$)`);
    const again = Symbol('resolving');
    // Relative imports too: the package's own files import each other that way.
    build.onResolve({ filter: new RegExp(`^(\\.|${UNDECLARED_PURE_PACKAGES.join('|')})`) }, async (args) => {
      if (args.pluginData === again) return undefined;
      if (!bare.test(args.path) && !inPackage.test(args.importer)) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, namespace: args.namespace, pluginData: again });
      if (r.errors.length > 0) return { errors: r.errors };
      return { path: r.path, namespace: r.namespace, external: r.external, suffix: r.suffix, sideEffects: false };
    });
  },
};

/**
 * ESM output may contain CommonJS dependencies that call `require()` (Node built-ins; the SDK in
 * `runtime` mode); ESM has no `require`, so the bundle defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tradaiCreateRequire } from 'node:module'; const require = __tradaiCreateRequire(import.meta.url);";

/**
 * Where a bundle's metafile goes: `<base>/apps/<kind dir>/<name>/<file>` -> `<base>/<metaDir>/<name>.json`,
 * outside the output folder, which is the image build context (hashed into the tag).
 */
export function metafilePath(metaDir: string, outfile: string): string {
  const outdir = dirname(outfile);
  const base = dirname(dirname(dirname(outdir)));
  if (basename(dirname(dirname(outdir))) !== 'apps') throw new Error(`bundle ${outfile}: expected <dist>/apps/<kind>/<name>/<file>`);
  return join(base, metaDir, `${basename(outdir)}.json`);
}

/**
 * What the image needs beside the bundle, written when a build succeeds:
 * - `package.json` `{ "type": "module" }` next to the bundle, so any other `.js` in the image is ESM too;
 * - the esbuild metafile in `dist/<metaDir>/<name>.json` (metafilePath; size investigations, bench), not in the
 *   output folder: the executor's own `metafile` option writes meta.json into the image context.
 */
export function bundleArtifactsPlugin(metaDir: string): Plugin {
  return {
    name: 'tradai-bundle-artifacts',
    setup(build) {
      // The executor passes `metafile: false` unless its own option is set; ask for it here.
      build.initialOptions.metafile = true;
      build.onEnd((result) => {
        if (result.errors.length > 0 || !result.metafile) return;
        const { outfile, absWorkingDir } = build.initialOptions;
        if (!outfile) throw new Error(`${metaDir}: the build has no single outfile (set outputFileName and bundle: true)`);
        const out = resolve(absWorkingDir ?? process.cwd(), outfile);
        writeFileSync(join(dirname(out), 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
        const meta = metafilePath(metaDir, out);
        mkdirSync(dirname(meta), { recursive: true });
        writeFileSync(meta, JSON.stringify(result.metafile));
      });
    },
  };
}

/**
 * The esbuild options the `@nx/esbuild` executor has no option for (its `esbuildConfig`); entry,
 * outfile, format, platform, target, minify and sourcemap are the target's options (tools/nx-plugin).
 */
export function lambdaEsbuildConfig(mode: SdkMode): BuildOptions {
  return {
    // Lambda loads the handler as ESM by its extension.
    outExtension: { '.js': '.mjs' },
    // Prefer ESM entry points of dependencies (tree-shaking); `module` before `main`.
    mainFields: ['module', 'main'],
    // Mappings only: the sources are in the repository, and the map ships in the image.
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'none',
    ...(mode === 'runtime' ? { external: [...LAMBDA_EXTERNALS] } : {}),
    plugins: [mode === 'runtime' ? sdkRequirePlugin : sideEffectFreePlugin, bundleArtifactsPlugin('lambda-meta')],
  };
}

/** Paths of one Lambda build, relative to the workspace root. */
export function lambdaPaths(name: string): { entry: string; outdir: string; outfile: string } {
  const outdir = join('dist', 'apps', 'lambdas', name);
  return { entry: join('apps', 'lambdas', name, 'src', 'handler.ts'), outdir, outfile: join(outdir, 'index.mjs') };
}
