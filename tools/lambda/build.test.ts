import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferredTargets, runEsbuildTarget, scratchWorkspace } from './run-build-target.js';
import { LAMBDA_ESBUILD_CONFIG, lambdaEsbuildConfig, metafilePath, SDK_MODE_CONFIGURATION, sdkRequirePlugin, sideEffectFreePlugin } from './build-options.js';
import { bundledSdk } from './bench.js';

const WORKSPACE = resolve(import.meta.dirname, '..', '..');
/** Bundling the SDK (and fastify) from cold takes seconds, and much longer on a loaded 2-core machine. */
const BUILD_TIMEOUT = 180_000;

describe('lambdaEsbuildConfig', () => {
  it('bundled: nothing external, no SDK require plugin, ESM .mjs with require defined', () => {
    const c = lambdaEsbuildConfig('bundled');
    expect(c.external).toBeUndefined();
    expect(c.plugins).toEqual([sideEffectFreePlugin, expect.objectContaining({ name: 'tradai-bundle-artifacts' })]);
    expect(c.outExtension).toEqual({ '.js': '.mjs' });
    expect(c.banner?.js).toContain('const require = __tradaiCreateRequire(import.meta.url)');
  });

  it('runtime: the SDK external and required, Powertools still bundled', () => {
    const c = lambdaEsbuildConfig('runtime');
    expect(c.external).toEqual(['@aws-sdk/*']);
    expect(c.plugins).toContain(sdkRequirePlugin);
  });

  it('sends the metafile next to, not into, the image build context', () => {
    expect(metafilePath('lambda-meta', '/ws/dist/apps/lambdas/rollback/index.mjs')).toBe('/ws/dist/lambda-meta/rollback.json');
    expect(metafilePath('lambda-meta', 'dist/bench/runtime/apps/lambdas/rollback/index.mjs')).toBe('dist/bench/runtime/lambda-meta/rollback.json');
    expect(() => metafilePath('lambda-meta', 'dist/rollback/index.mjs')).toThrow('bundle dist/rollback/index.mjs: expected <dist>/apps/<kind>/<name>/<file>');
  });
});

describe('the build target (tools/nx-plugin) through @nx/esbuild', () => {
  // lib-dynamodb does not declare itself side-effect free: without sideEffectFreePlugin its commands
  // (and the DynamoDB client under them) stayed in every bundle that imported a module like this one.
  const SHARED =
    "import { SNSClient } from '@aws-sdk/client-sns';\nimport { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\n" +
    'export const makeSns = () => new SNSClient({});\nexport const makeDoc = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport const answer = 42;\n';
  const HANDLER =
    "import { S3Client } from '@aws-sdk/client-s3';\nimport { answer } from './shared.js';\n" +
    "export const handler = async () => ({ region: await new S3Client({ region: 'eu-west-1' }).config.region(), v: answer });\n";
  let ws: ReturnType<typeof scratchWorkspace>;
  const elsewhere: string[] = [];
  beforeAll(() => {
    ws = scratchWorkspace({
      'apps/lambdas/rollback/project.json': JSON.stringify({ name: 'rollback', tags: ['type:lambda', 'scope:runtime'] }),
      'apps/lambdas/rollback/tsconfig.json': '{}',
      'apps/lambdas/rollback/src/handler.ts': HANDLER,
      // A shared module that also uses a client this handler never touches.
      'apps/lambdas/rollback/src/shared.ts': SHARED,
      'apps/lambdas/ghost/project.json': JSON.stringify({ name: 'ghost', tags: ['type:lambda'] }),
    });
  });
  afterAll(() => {
    ws.dispose();
    elsewhere.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  const out = () => join(ws.root, 'dist/apps/lambdas/rollback');

  /** Runs the bundle's handler in plain Node from a folder with no node_modules above it, as the image does. */
  function runAlone(): { stdout: string; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-bundle-'));
    elsewhere.push(dir);
    for (const f of readdirSync(out())) copyFileSync(join(out(), f), join(dir, f));
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); console.log(JSON.stringify(await m.handler()));`;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: dir, env: { PATH: process.env['PATH'], AWS_REGION: 'us-east-1' } });
  }

  it('is the @nx/esbuild executor, cached, with the bundle folder and its metafile as outputs', async () => {
    const build = (await inferredTargets(ws.root, 'apps/lambdas/rollback'))['build']!;
    expect(build).toMatchObject({
      executor: '@nx/esbuild:esbuild',
      cache: true,
      options: { main: 'apps/lambdas/rollback/src/handler.ts', outputPath: 'dist/apps/lambdas/rollback', outputFileName: 'index.mjs', thirdParty: true, bundle: true, format: ['esm'], platform: 'node', target: 'node22', esbuildConfig: LAMBDA_ESBUILD_CONFIG.bundled },
      configurations: { [SDK_MODE_CONFIGURATION.runtime!]: { esbuildConfig: LAMBDA_ESBUILD_CONFIG.runtime } },
      outputs: ['{workspaceRoot}/dist/apps/lambdas/rollback', '{workspaceRoot}/dist/lambda-meta/rollback.json'],
    });
    // What the build reads must be in its inputs, or a change to it would replay a stale bundle.
    expect(build.inputs).toEqual(expect.arrayContaining(['production', '^production', '{workspaceRoot}/tools/lambda/build-options.ts', '{workspaceRoot}/tools/lambda/*.config.mjs']));
  });

  it('bundles the SDK clients the handler uses (tree-shaken), so the bundle runs with no node_modules', async () => {
    const build = (await inferredTargets(ws.root, 'apps/lambdas/rollback'))['build']!;
    expect(await runEsbuildTarget(ws.root, 'rollback', 'apps/lambdas/rollback', build)).toEqual([{ success: true, outfile: join(ws.root, 'dist/apps/lambdas/rollback/index.mjs') }]);
    // Exactly what docker/lambda.Dockerfile copies: nothing else lands in the image context.
    const copied = /^COPY (.+) \$\{LAMBDA_TASK_ROOT\}\/$/m.exec(readFileSync(join(WORKSPACE, 'docker/lambda.Dockerfile'), 'utf8'))![1]!.split(' ').sort();
    expect(readdirSync(out()).sort()).toEqual(copied);
    expect(JSON.parse(readFileSync(join(out(), 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    const meta = JSON.parse(readFileSync(join(ws.root, 'dist/lambda-meta/rollback.json'), 'utf8')) as Metafile;
    // Nothing is left to load at run time but Node built-ins.
    const externals = meta.outputs['dist/apps/lambdas/rollback/index.mjs']!.imports.filter((i) => i.external).map((i) => i.path);
    expect(externals.filter((p) => !p.startsWith('node:'))).toEqual([]);
    // Imported by a bundled module but unused: tree-shaken away (SNS, and DynamoDB through lib-dynamodb).
    expect(bundledSdk(meta, 'dist/apps/lambdas/rollback/index.mjs').clients).toEqual(['@aws-sdk/client-s3']);
    const run = runAlone();
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ region: 'eu-west-1', v: 42 });
  }, BUILD_TIMEOUT);

  it('runtime-sdk: requires only the clients it uses from the runtime', async () => {
    const build = (await inferredTargets(ws.root, 'apps/lambdas/rollback'))['build']!;
    expect((await runEsbuildTarget(ws.root, 'rollback', 'apps/lambdas/rollback', build, SDK_MODE_CONFIGURATION.runtime))[0]!.success).toBe(true);
    const code = readFileSync(join(out(), 'index.mjs'), 'utf8');
    // Loaded with require (CJS, NODE_PATH), not import; the unused SNS client is dropped.
    expect(code).toContain('("@aws-sdk/client-s3")');
    expect(code).not.toMatch(/from\s*"@aws-sdk/);
    expect(code).not.toContain('@aws-sdk/client-sns');
    expect(code).not.toContain('@aws-sdk/lib-dynamodb');
    // Without the runtime's SDK beside it the import fails, naming the package: it really is external.
    expect(runAlone().stderr).toContain("Cannot find module '@aws-sdk/client-s3'");
  }, BUILD_TIMEOUT);

  it('fails naming the missing handler file, and leaves no half-written bundle', async () => {
    const build = (await inferredTargets(ws.root, 'apps/lambdas/ghost'))['build']!;
    await expect(runEsbuildTarget(ws.root, 'ghost', 'apps/lambdas/ghost', build)).rejects.toThrow('apps/lambdas/ghost/src/handler.ts');
    expect(() => readdirSync(join(ws.root, 'dist/apps/lambdas/ghost'))).toThrow();
  }, BUILD_TIMEOUT);
});
