import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildContainer, containerNames, parseBuildArgs } from './build.js';
import { containerBuildOptions } from './build-options.js';

describe('containerBuildOptions', () => {
  it.each([
    ['service', 'data-collection', 'services'],
    ['strategy', 'ma-crossover', 'strategies'],
  ] as const)('%s: bundles src/main.ts to an ESM main.mjs for Node 22, with nothing external (no SDK in the image)', (kind, name, dir) => {
    const o = containerBuildOptions(kind, name, '/ws');
    expect(o.entryPoints).toEqual([`/ws/apps/${dir}/${name}/src/main.ts`]);
    expect(o.outfile).toBe(`/ws/dist/apps/${dir}/${name}/main.mjs`);
    expect(o).toMatchObject({ bundle: true, format: 'esm', platform: 'node', target: 'node22', minify: true, sourcemap: true, metafile: true });
    expect(o.external).toBeUndefined();
    expect(o.plugins).toBeUndefined();
    expect(o.banner?.js).toContain('const require = __tradaiCreateRequire(import.meta.url)');
  });
});

describe('buildContainer', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  function workspace(files: Record<string, string> = {}): string {
    // Inside the workspace, so esbuild resolves packages from its node_modules.
    mkdirSync(join(process.cwd(), 'dist'), { recursive: true });
    const root = mkdtempSync(join(process.cwd(), 'dist', 'tmp-container-build-'));
    roots.push(root);
    writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { module: 'ESNext' } }));
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), source);
    }
    return root;
  }

  it('bundles the SDK and CJS deps so main.mjs runs from a folder with no node_modules', async () => {
    const root = workspace({
      'apps/services/backend/src/main.ts': [
        "import { S3Client } from '@aws-sdk/client-s3';",
        "import Fastify from 'fastify';",
        'const app = Fastify();',
        "app.get('/x', async () => ({ ok: true }));",
        "const res = await app.inject('/x');",
        "console.log(JSON.stringify({ s3: await new S3Client({ region: 'eu-west-1' }).config.region(), body: res.json() }));",
      ].join('\n'),
    });
    const r = await buildContainer('service', 'backend', root);
    expect(r.outfile).toBe('dist/apps/services/backend/main.mjs');
    const out = join(root, 'dist/apps/services/backend');
    expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(r.bytes).toBe(Buffer.byteLength(readFileSync(join(out, 'main.mjs'), 'utf8')));
    // Outside the workspace: any import left unbundled (SDK, fastify, their CJS deps) would fail to resolve here.
    const alone = mkdtempSync(join(tmpdir(), 'container-bundle-'));
    roots.push(alone);
    for (const f of ['main.mjs', 'main.mjs.map', 'package.json']) copyFileSync(join(out, f), join(alone, f));
    const run = spawnSync(process.execPath, [join(alone, 'main.mjs')], { encoding: 'utf8', cwd: alone, env: { PATH: process.env['PATH'] } });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ s3: 'eu-west-1', body: { ok: true } });
  });

  it('builds strategies the same way, into their own folder', async () => {
    const root = workspace({ 'apps/strategies/demo/src/main.ts': "console.log('demo');\n" });
    const r = await buildContainer('strategy', 'demo', root);
    expect(r.outfile).toBe('dist/apps/strategies/demo/main.mjs');
    expect(spawnSync(process.execPath, [join(root, r.outfile)], { encoding: 'utf8' }).stdout.trim()).toBe('demo');
  });

  it('refuses a project without a main.ts, listing the ones that have one', async () => {
    const root = workspace({ 'apps/strategies/demo/src/main.ts': 'console.log(1);\n', 'apps/services/mlflow/requirements.txt': 'mlflow\n' });
    expect(containerNames('strategy', root)).toEqual(['demo']);
    expect(containerNames('service', root)).toEqual([]);
    await expect(buildContainer('strategy', 'ghost', root)).rejects.toThrow('unknown strategy "ghost": no apps/strategies/ghost/src/main.ts; expected one of: demo');
    await expect(buildContainer('service', 'mlflow', root)).rejects.toThrow('unknown service "mlflow": no apps/services/mlflow/src/main.ts; expected one of: (none)');
  });

  it('parses --kind and --name, naming the usage otherwise', () => {
    expect(parseBuildArgs(['--kind=strategy', '--name=ml-classifier'])).toEqual({ kind: 'strategy', name: 'ml-classifier', verbose: false });
    expect(() => parseBuildArgs(['--name=x'])).toThrow('usage: tsx tools/containers/build.ts --kind=service|strategy --name=<name>');
    expect(() => parseBuildArgs(['--kind=lambda', '--name=x'])).toThrow('usage:');
  });
});
