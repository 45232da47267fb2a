import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `filePath`, returning the boundary-rule messages. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries (eslint.config.js)', () => {
  it('forbids Pulumi in code shared with the runtime', async () => {
    expect(await boundaryErrors('libs/contracts/src/x.ts', "import * as pulumi from '@pulumi/pulumi';\nexport const x = pulumi;\n")).toEqual([
      expect.stringContaining('@pulumi/pulumi'),
    ]);
  });

  it('forbids runtime projects from importing infra libs or Pulumi', async () => {
    const errors = await boundaryErrors('apps/services/backend/x.ts', "import { SERVICES } from '@tradai/infra-shared';\nimport * as aws from '@pulumi/aws';\nexport const x = [SERVICES, aws];\n");
    expect(errors).toEqual([expect.stringMatching(/scope:runtime/), expect.stringContaining('@pulumi/aws')]);
  });

  it('lets stacks use infra-shared and contracts', async () => {
    expect(
      await boundaryErrors('infra/edge/x.ts', "import { SERVICES } from '@tradai/infra-shared';\nimport { LAMBDA_NAMES } from '@tradai/contracts';\nexport const x = [SERVICES, LAMBDA_NAMES];\n"),
    ).toEqual([]);
  });

  it('lets workflow tests import Lambda handlers, and only handlers, by path', async () => {
    const file = 'tests/workflows/src/x.test.ts';
    expect(await boundaryErrors(file, "export const h = () => import('../../../apps/lambdas/update-status/src/handler.js');\n")).toEqual([]);
    expect(await boundaryErrors(file, "export const r = () => import('../../../apps/lambdas/update-status/src/run.js');\n")).toEqual([
      expect.stringContaining('relative or absolute path'),
    ]);
  });

  it('lets workflow tests use the local platform harness by path', async () => {
    expect(await boundaryErrors('tests/workflows/src/x.test.ts', "export const p = () => import('../../../apps/platform/src/local-platform.js');\n")).toEqual([]);
  });

  it('lets the local platform import handlers and the stacks\' pure modules by path, and nothing else', async () => {
    const file = 'apps/platform/src/x.ts';
    for (const ok of ['../../lambdas/update-status/src/handler.js', '../../../infra/edge/modules/api_gateway.logic.js', '../../../infra/compute/modules/ecs_services.logic.js']) {
      expect(await boundaryErrors(file, `export const m = () => import('${ok}');\n`)).toEqual([]);
    }
    for (const banned of ['../../lambdas/update-status/src/run.js', '../../../infra/edge/modules/api_gateway.js']) {
      expect(await boundaryErrors(file, `export const m = () => import('${banned}');\n`)).toEqual([expect.stringContaining('relative or absolute path')]);
    }
  });

  it('lets only the trading services\' strategy catalogs import strategy modules by path', async () => {
    const ok = "export { maCrossover } from '../../../strategies/ma-crossover/src/strategy.js';\n";
    for (const svc of ['live-trading', 'dry-run-trading']) expect(await boundaryErrors(`apps/services/${svc}/src/strategies.ts`, ok), svc).toEqual([]);
    const outside = [expect.stringContaining('relative or absolute path')];
    expect(await boundaryErrors('apps/services/live-trading/src/app.ts', ok)).toEqual(outside);
    expect(await boundaryErrors('apps/services/backend/src/strategies.ts', ok)).toEqual(outside);
    expect(await boundaryErrors('apps/services/live-trading/src/strategies.ts', "export { FEATURES } from '../../../strategies/ml-classifier/src/features.js';\n")).toEqual(outside);
  });

  it('keeps the platform exception out of other projects', async () => {
    expect(await boundaryErrors('apps/services/backend/src/x.ts', "export const p = () => import('../../../platform/src/serve.js');\n")).toEqual([
      expect.stringContaining('relative or absolute path'),
    ]);
  });

  it('keeps the handler exception out of every other project', async () => {
    expect(await boundaryErrors('apps/lambdas/rollback/src/x.ts', "export const h = () => import('../../update-status/src/handler.js');\n")).toEqual([
      expect.stringContaining('relative or absolute path'),
    ]);
  });
});
