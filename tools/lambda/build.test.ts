import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLambda, bundleSize, parseNameArg } from './build.js';
import { lambdaBuildOptions } from './build-options.js';

describe('lambdaBuildOptions', () => {
  const o = lambdaBuildOptions('update-status', '/ws');

  it('bundles the handler to an ESM index.mjs for Node 22', () => {
    expect(o.entryPoints).toEqual(['/ws/apps/lambdas/update-status/src/handler.ts']);
    expect(o.outfile).toBe('/ws/dist/apps/lambdas/update-status/index.mjs');
    expect(o).toMatchObject({ bundle: true, format: 'esm', platform: 'node', target: 'node22', minify: true, sourcemap: true, metafile: true });
    expect(o.tsconfig).toBe('/ws/tsconfig.base.json');
  });

  it('keeps only the runtime-provided SDK external, not Powertools', () => {
    expect(o.external).toEqual(['@aws-sdk/*']);
  });

  it('defines require for CommonJS dependencies in ESM', () => {
    expect(o.banner?.js).toContain("createRequire as __tradaiCreateRequire } from 'node:module'");
    expect(o.banner?.js).toContain('const require = __tradaiCreateRequire(import.meta.url)');
  });
});

describe('buildLambda', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  function workspace(handler?: string): string {
    // Inside the workspace, so the bundle's require('@aws-sdk/...') resolves from its node_modules.
    mkdirSync(join(process.cwd(), 'dist'), { recursive: true });
    const root = mkdtempSync(join(process.cwd(), 'dist', 'tmp-lambda-build-'));
    roots.push(root);
    writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { module: 'ESNext' } }));
    if (handler !== undefined) {
      mkdirSync(join(root, 'apps/lambdas/rollback/src'), { recursive: true });
      writeFileSync(join(root, 'apps/lambdas/rollback/src/handler.ts'), handler);
      // A shared module that also uses a client this handler never touches.
      writeFileSync(
        join(root, 'apps/lambdas/rollback/src/shared.ts'),
        "import { SNSClient } from '@aws-sdk/client-sns';\nexport const makeSns = () => new SNSClient({});\nexport const answer = 42;\n",
      );
    }
    return root;
  }

  it('names the missing handler file', async () => {
    await expect(buildLambda('rollback', workspace())).rejects.toThrow('Lambda rollback: handler apps/lambdas/rollback/src/handler.ts does not exist');
  });

  it('refuses an unknown Lambda name', async () => {
    await expect(buildLambda('nope', workspace())).rejects.toThrow('unknown Lambda "nope"');
  });

  it('writes index.mjs, its map, package.json type module, and reports the size', async () => {
    const root = workspace(
      "import { S3Client } from '@aws-sdk/client-s3';\nimport { answer } from './shared.js';\nexport const handler = async () => ({ ok: new S3Client({}) !== undefined, v: answer });\n",
    );
    const r = await buildLambda('rollback', root);
    const out = join(root, 'dist/apps/lambdas/rollback');
    const code = readFileSync(join(out, 'index.mjs'), 'utf8');
    // The SDK stays external and is loaded with require (CJS, NODE_PATH), not import.
    expect(code).toContain('("@aws-sdk/client-s3")');
    expect(code).not.toMatch(/from\s*"@aws-sdk/);
    // Imported by a bundled module but unused: dropped, so the runtime does not load it at init.
    expect(code).not.toContain('@aws-sdk/client-sns');
    expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(readFileSync(join(out, 'index.mjs.map'), 'utf8')).toContain('"sources"');
    expect(r.bytes).toBe(Buffer.byteLength(code));
    // Run it in plain Node (not through vitest's resolver), as the runtime would.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(join(out, 'index.mjs')).href)}); console.log(JSON.stringify(await m.handler()));`], {
      encoding: 'utf8',
      env: { ...process.env, AWS_REGION: 'us-east-1' },
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, v: 42 });
  });
});

describe('helpers', () => {
  it('reads the size of one output from a metafile', () => {
    const meta = { inputs: {}, outputs: { 'dist/x/index.mjs': { bytes: 1234, inputs: { 'a.ts': { bytesInOutput: 10 }, 'b.ts': { bytesInOutput: 20 } }, imports: [], exports: [] } } };
    expect(bundleSize(meta as never, '/ws/dist/x/index.mjs', '/ws')).toEqual({ bytes: 1234, topInputs: [{ path: 'b.ts', bytes: 20 }, { path: 'a.ts', bytes: 10 }] });
  });

  it('parses --name', () => {
    expect(parseNameArg(['--name=rollback'])).toBe('rollback');
    expect(() => parseNameArg([])).toThrow('usage: tsx tools/lambda/build.ts --name=<lambda>');
  });
});
