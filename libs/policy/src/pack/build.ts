/**
 * Builds the CrossGuard policy pack: `npx nx run policy:policy-pack` (or `npm run policy-pack`)
 * writes dist/policy-pack/ with PulumiPolicy.yaml, package.json and index.js, the esbuild bundle of
 * ./index.ts with the rule library inside. `pulumi preview|up --policy-pack dist/policy-pack` runs
 * it; tools/pulumi passes it on every preview, up and deploy.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { RULES } from '../rules/index.js';

/** The folder `--policy-pack` points at. */
export const policyPackDir = (root: string) => join(root, 'dist', 'policy-pack');

/**
 * @pulumi/pulumi and @pulumi/policy stay outside the bundle: Pulumi's policy host loads the pack
 * with its own copy of @pulumi/pulumi, and the two must be the same instance. The pack lives under
 * the workspace, so Node resolves them from its node_modules.
 */
export const PACK_EXTERNALS = ['@pulumi/pulumi', '@pulumi/policy'];

/** Writes the pack; returns its folder and the bundle size. */
export async function buildPolicyPack(root: string, dir = policyPackDir(root)): Promise<{ dir: string; bytes: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'libs', 'policy', 'src', 'pack', 'index.ts')],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    // The policy host `require`s the pack.
    format: 'cjs',
    external: PACK_EXTERNALS,
    tsconfig: join(root, 'tsconfig.base.json'),
    metafile: true,
    logLevel: 'error',
  });
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const pkg = {
    name: 'tradai-policy-pack',
    version: '1.0.0',
    description: `TradAI's ${RULES.length} policy rules (the same library the offline policy report runs)`,
    // The workspace is ESM ("type": "module"); the pack is CommonJS.
    type: 'commonjs',
    main: 'index.js',
    dependencies: Object.fromEntries(PACK_EXTERNALS.map((p) => [p, rootPkg.devDependencies[p]])),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(dir, 'PulumiPolicy.yaml'), `runtime: nodejs\ndescription: ${pkg.description}\n`);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { dir, bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { dir, bytes } = await buildPolicyPack(findWorkspaceRoot());
  console.log(`policy pack: ${RULES.length} rules -> ${dir} (index.js ${(bytes / 1024).toFixed(0)} KB)`);
}
