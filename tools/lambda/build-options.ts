import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * The Lambda Node.js 22 runtime ships AWS SDK v3 (every `@aws-sdk/*` client and lib, including
 * `@aws-sdk/lib-dynamodb` and `@aws-sdk/util-dynamodb`, which Powertools idempotency imports), so
 * the SDK stays out of the bundle. Powertools itself and its non-SDK deps
 * (`@aws-lambda-powertools/*`, `@aws/lambda-invoke-store`) are not in the runtime and are bundled;
 * `@aws/*` is deliberately not external.
 */
export const LAMBDA_EXTERNALS = ['@aws-sdk/*'] as const;

/**
 * Loads `@aws-sdk/*` with `require()` instead of `import`, and drops unused ones.
 * - SDK v3 packages are CommonJS (`main` only); an ESM `import` of them makes Node scan each large
 *   CJS file for its export names (cjs-module-lexer) at init, a measurable share of cold start.
 *   `require` skips that, and resolves through NODE_PATH, which is how the Lambda runtime exposes its
 *   bundled SDK (/var/runtime/node_modules); ESM resolution ignores NODE_PATH.
 * - esbuild otherwise keeps every external import a bundled module makes, used or not, so a function
 *   that only reads DynamoDB would still load SNS and S3 through the shared library. The SDK
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
 * ESM output may contain CommonJS dependencies that call `require()` (Node built-ins); ESM has no
 * `require`, so the bundle defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tradaiCreateRequire } from 'node:module'; const require = __tradaiCreateRequire(import.meta.url);";

/** Paths of one Lambda build, relative to the workspace root. */
export function lambdaPaths(name: string): { entry: string; outdir: string; outfile: string } {
  const outdir = join('dist', 'apps', 'lambdas', name);
  return { entry: join('apps', 'lambdas', name, 'src', 'handler.ts'), outdir, outfile: join(outdir, 'index.mjs') };
}

/** esbuild options for Lambda `name` (pure: the caller checks the entry exists and runs the build). */
export function lambdaBuildOptions(name: string, root: string): BuildOptions & { metafile: true } {
  const { entry, outfile } = lambdaPaths(name);
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
    // Mappings only: the sources are in the repository, and the map ships in the image.
    sourcesContent: false,
    metafile: true,
    external: [...LAMBDA_EXTERNALS],
    plugins: [sdkRequirePlugin],
    // Prefer ESM entry points of dependencies (tree-shaking); `module` before `main`.
    mainFields: ['module', 'main'],
    tsconfig: join(root, 'tsconfig.base.json'),
    banner: { js: ESM_REQUIRE_BANNER },
    legalComments: 'none',
    logLevel: 'silent',
  };
}
