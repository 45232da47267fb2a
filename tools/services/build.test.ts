import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildService, parseNameArg } from './build.js';
import { serviceBuildOptions } from './build-options.js';

describe('serviceBuildOptions', () => {
  const o = serviceBuildOptions('data-collection', '/ws');

  it('bundles src/main.ts to an ESM main.mjs for Node 22, with nothing external', () => {
    expect(o.entryPoints).toEqual(['/ws/apps/services/data-collection/src/main.ts']);
    expect(o.outfile).toBe('/ws/dist/apps/services/data-collection/main.mjs');
    expect(o).toMatchObject({ bundle: true, format: 'esm', platform: 'node', target: 'node22', minify: true, sourcemap: true, metafile: true });
    expect(o.external).toBeUndefined();
    expect(o.plugins).toBeUndefined();
    expect(o.banner?.js).toContain('const require = __tradaiCreateRequire(import.meta.url)');
  });
});

describe('buildService', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  function workspace(main?: string): string {
    // Inside the workspace, so esbuild resolves packages from its node_modules.
    mkdirSync(join(process.cwd(), 'dist'), { recursive: true });
    const root = mkdtempSync(join(process.cwd(), 'dist', 'tmp-service-build-'));
    roots.push(root);
    writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { module: 'ESNext' } }));
    if (main !== undefined) {
      mkdirSync(join(root, 'apps/services/backend-api/src'), { recursive: true });
      writeFileSync(join(root, 'apps/services/backend-api/src/main.ts'), main);
    }
    return root;
  }

  it('refuses an unknown service and names a missing entry', async () => {
    await expect(buildService('nope', workspace())).rejects.toThrow('unknown service "nope"');
    await expect(buildService('backend-api', workspace())).rejects.toThrow('service backend-api: entry apps/services/backend-api/src/main.ts does not exist');
  });

  it('bundles the SDK and CJS deps so main.mjs runs from a folder with no node_modules', async () => {
    const root = workspace(
      [
        "import { S3Client } from '@aws-sdk/client-s3';",
        "import Fastify from 'fastify';",
        'const app = Fastify();',
        "app.get('/x', async () => ({ ok: true }));",
        "const res = await app.inject('/x');",
        "console.log(JSON.stringify({ s3: typeof new S3Client({ region: 'us-east-1' }).send, body: res.json() }));",
      ].join('\n'),
    );
    const r = await buildService('backend-api', root);
    const out = join(root, 'dist/apps/services/backend-api');
    const code = readFileSync(join(out, 'main.mjs'), 'utf8');
    expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(r.bytes).toBe(Buffer.byteLength(code));
    // Outside the workspace: any import left unbundled (SDK, fastify, their CJS deps) would fail to resolve here.
    const alone = mkdtempSync(join(tmpdir(), 'service-bundle-'));
    roots.push(alone);
    for (const f of ['main.mjs', 'main.mjs.map', 'package.json']) copyFileSync(join(out, f), join(alone, f));
    const run = spawnSync(process.execPath, [join(alone, 'main.mjs')], { encoding: 'utf8', cwd: alone });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ s3: 'function', body: { ok: true } });
  });

  it('parses --name', () => {
    expect(parseNameArg(['--name=data-collection'])).toBe('data-collection');
    expect(() => parseNameArg([])).toThrow('usage: tsx tools/services/build.ts --name=<service>');
  });
});
