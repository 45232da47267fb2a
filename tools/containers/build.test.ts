import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Plugin, PluginBuild } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferredTargets, runEsbuildTarget, scratchWorkspace } from '../lambda/run-build-target.js';
import { containerEsbuildConfig } from './build-options.js';

const WORKSPACE = resolve(import.meta.dirname, '..', '..');
/** Bundling the SDK (and fastify) from cold takes seconds, and much longer on a loaded 2-core machine. */
const BUILD_TIMEOUT = 180_000;

describe('containerEsbuildConfig', () => {
  it('keeps names, defines require, externalises nothing (no SDK in the image)', () => {
    const c = containerEsbuildConfig();
    expect(c).toMatchObject({ keepNames: true, outExtension: { '.js': '.mjs' }, sourcesContent: false });
    expect(c.external).toBeUndefined();
    expect(c.banner?.js).toContain('const require = __tradaiCreateRequire(import.meta.url)');
  });

  it('refuses an output folder that is neither a service nor a strategy', () => {
    const plugin = containerEsbuildConfig().plugins![0] as Plugin;
    const build = { initialOptions: { outfile: 'dist/apps/lambdas/x/index.mjs' } } as unknown as PluginBuild;
    expect(() => plugin.setup(build)).toThrow('container build: outfile dist/apps/lambdas/x/index.mjs is not under dist/apps/{services,strategies}');
  });
});

describe('service and strategy build targets through @nx/esbuild', () => {
  let ws: ReturnType<typeof scratchWorkspace>;
  const elsewhere: string[] = [];
  beforeAll(() => {
    ws = scratchWorkspace({
      'apps/services/backend/project.json': JSON.stringify({ name: 'backend', tags: ['type:service'] }),
      'apps/services/backend/src/main.ts': [
        "import { S3Client } from '@aws-sdk/client-s3';",
        "import Fastify from 'fastify';",
        'class BoomError extends Error {}',
        'const app = Fastify();',
        "app.get('/x', async () => ({ ok: true }));",
        "const res = await app.inject('/x');",
        "console.log(JSON.stringify({ s3: await new S3Client({ region: 'eu-west-1' }).config.region(), body: res.json(), name: BoomError.name }));",
      ].join('\n'),
      'apps/services/mlflow/project.json': JSON.stringify({ name: 'mlflow', tags: ['type:service'] }),
      'apps/strategies/demo/project.json': JSON.stringify({ name: 'strategy-demo', tags: ['type:strategy'] }),
      'apps/strategies/demo/src/main.ts': "console.log('demo');\n",
    });
  });
  afterAll(() => {
    ws.dispose();
    elsewhere.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('bundles fastify, the SDK and CJS deps so main.mjs runs from a folder with no node_modules', async () => {
    const build = (await inferredTargets(ws.root, 'apps/services/backend'))['build']!;
    expect(build).toMatchObject({
      executor: '@nx/esbuild:esbuild',
      options: { main: 'apps/services/backend/src/main.ts', outputPath: 'dist/apps/services/backend', outputFileName: 'main.mjs', thirdParty: true, esbuildConfig: 'tools/containers/esbuild.config.mjs' },
      outputs: ['{workspaceRoot}/dist/apps/services/backend', '{workspaceRoot}/dist/service-meta/backend.json'],
    });
    expect((await runEsbuildTarget(ws.root, 'backend', 'apps/services/backend', build))[0]!.success).toBe(true);
    const out = join(ws.root, 'dist/apps/services/backend');
    // Exactly what docker/service.Dockerfile copies.
    const copied = /^COPY (.+) \/app\/$/m.exec(readFileSync(join(WORKSPACE, 'docker/service.Dockerfile'), 'utf8'))![1]!.split(' ').sort();
    expect(readdirSync(out).sort()).toEqual(copied);
    expect(JSON.parse(readFileSync(join(ws.root, 'dist/service-meta/backend.json'), 'utf8')).outputs).toHaveProperty(['dist/apps/services/backend/main.mjs']);
    const alone = mkdtempSync(join(tmpdir(), 'container-bundle-'));
    elsewhere.push(alone);
    for (const f of readdirSync(out)) copyFileSync(join(out, f), join(alone, f));
    const run = spawnSync(process.execPath, [join(alone, 'main.mjs')], { encoding: 'utf8', cwd: alone, env: { PATH: process.env['PATH'] } });
    expect(run.stderr).toBe('');
    // keepNames: class names survive minification (error serialisers and logs print them).
    expect(JSON.parse(run.stdout)).toEqual({ s3: 'eu-west-1', body: { ok: true }, name: 'BoomError' });
  }, BUILD_TIMEOUT);

  it('builds a strategy into its own folder and metafile', async () => {
    const build = (await inferredTargets(ws.root, 'apps/strategies/demo'))['build']!;
    expect(build.options).toMatchObject({ main: 'apps/strategies/demo/src/main.ts', outputPath: 'dist/apps/strategies/demo' });
    expect((await runEsbuildTarget(ws.root, 'strategy-demo', 'apps/strategies/demo', build))[0]!.success).toBe(true);
    expect(spawnSync(process.execPath, [join(ws.root, 'dist/apps/strategies/demo/main.mjs')], { encoding: 'utf8' }).stdout.trim()).toBe('demo');
    expect(readdirSync(join(ws.root, 'dist/strategy-meta'))).toEqual(['demo.json']);
    // The HTML report's chart library ships beside main.mjs (the image has no node_modules).
    expect(readdirSync(join(ws.root, 'dist/apps/strategies/demo')).sort()).toEqual(['lightweight-charts.standalone.production.js', 'main.mjs', 'main.mjs.map', 'package.json']);
  }, BUILD_TIMEOUT);

  it('gives a service with nothing to bundle (mlflow) no build target', async () => {
    const targets = await inferredTargets(ws.root, 'apps/services/mlflow');
    expect(targets['build']).toBeUndefined();
    expect(targets['image']?.dependsOn).toEqual([]);
  });
});
