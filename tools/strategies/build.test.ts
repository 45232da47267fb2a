import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStrategy, parseNameArg, strategyNames } from './build.js';
import { strategyBuildOptions } from './build-options.js';

describe('strategyBuildOptions', () => {
  const o = strategyBuildOptions('ma-crossover', '/ws');

  it('bundles main.ts to an ESM main.mjs for Node 22, with nothing external (no SDK in the image)', () => {
    expect(o.entryPoints).toEqual(['/ws/apps/strategies/ma-crossover/src/main.ts']);
    expect(o.outfile).toBe('/ws/dist/apps/strategies/ma-crossover/main.mjs');
    expect(o).toMatchObject({ bundle: true, format: 'esm', platform: 'node', target: 'node22', minify: true, sourcemap: true, metafile: true });
    expect(o.external).toBeUndefined();
    expect(o.banner?.js).toContain('const require = __tradaiCreateRequire(import.meta.url)');
  });
});

describe('buildStrategy', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  function workspace(main?: string): string {
    // Inside the workspace, so the build resolves @aws-sdk from its node_modules.
    mkdirSync(join(process.cwd(), 'dist'), { recursive: true });
    const root = mkdtempSync(join(process.cwd(), 'dist', 'tmp-strategy-build-'));
    roots.push(root);
    writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { module: 'ESNext' } }));
    if (main !== undefined) {
      mkdirSync(join(root, 'apps/strategies/demo/src'), { recursive: true });
      writeFileSync(join(root, 'apps/strategies/demo/src/main.ts'), main);
    }
    return root;
  }

  it('writes a self-contained main.mjs that runs outside the workspace (AWS SDK bundled)', async () => {
    const root = workspace(
      "import { S3Client } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({ region: 'eu-west-1' });\nconsole.log(`ok ${await s3.config.region()}`);\n",
    );
    expect(strategyNames(root)).toEqual(['demo']);
    const r = await buildStrategy('demo', root);
    expect(r.outfile).toBe('dist/apps/strategies/demo/main.mjs');
    expect(r.bytes).toBeGreaterThan(50_000);
    expect(JSON.parse(readFileSync(join(root, 'dist/apps/strategies/demo/package.json'), 'utf8'))).toEqual({ type: 'module' });
    // The image holds only the bundle: run it from a folder with no node_modules anywhere above.
    const image = mkdtempSync(join(tmpdir(), 'strategy-image-'));
    roots.push(image);
    copyFileSync(join(root, r.outfile), join(image, 'main.mjs'));
    const run = spawnSync(process.execPath, ['main.mjs'], { cwd: image, encoding: 'utf8', env: { PATH: process.env['PATH'] } });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ok eu-west-1');
  });

  it('refuses a strategy that has no main.ts, listing the ones that do', async () => {
    const root = workspace('console.log(1);\n');
    await expect(buildStrategy('ghost', root)).rejects.toThrow('unknown strategy "ghost": no apps/strategies/ghost/src/main.ts; expected one of: demo');
    expect(() => parseNameArg([])).toThrow(/usage: tsx tools\/strategies\/build.ts --name=<strategy>/);
    expect(parseNameArg(['--name=ml-classifier'])).toBe('ml-classifier');
  });
});
