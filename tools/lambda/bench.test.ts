import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { lambdaEnvNames } from '@tradai/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { benchEnv, bundledSdk, formatReport, measureInit, measureSdk, median, parseBenchArgs, sdkPackages, TARGETS, type BenchReport, type ModeResult } from './bench.js';

describe('bench helpers', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('sets every variable the contract lists, settings at their defaults', () => {
    const env = benchEnv('check-retraining-needed');
    for (const v of lambdaEnvNames('check-retraining-needed')) expect(env[v]).toBeTruthy();
    expect(env.DRIFT_THRESHOLD).toBe('0.3');
    expect(env.AWS_REGION).toBe('us-east-1');
  });

  it('takes the median, and refuses none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of no values');
  });

  it('measures module init in a child process and reports init errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'ok.mjs'), 'export const handler = () => process.env.X;');
    writeFileSync(join(dir, 'bad.mjs'), 'if (!process.env.NEEDED) throw new Error("missing NEEDED");');
    // A module that burns CPU at import: both clocks see it.
    writeFileSync(join(dir, 'busy.mjs'), 'const end = Date.now() + 60; while (Date.now() < end);');
    expect(measureInit(join(dir, 'ok.mjs'), {}).wallMs).toBeGreaterThanOrEqual(0);
    const busy = measureInit(join(dir, 'busy.mjs'), {});
    expect(busy.wallMs).toBeGreaterThanOrEqual(60);
    expect(busy.cpuMs).toBeGreaterThan(0);
    expect(() => measureInit(join(dir, 'bad.mjs'), {})).toThrow(/missing NEEDED/);
    expect(measureInit(join(dir, 'bad.mjs'), { NEEDED: '1' }).cpuMs).toBeGreaterThan(0);
  });

  it('finds the SDK packages a runtime-SDK bundle requires and times loading them', () => {
    expect(sdkPackages('var a=r("@aws-sdk/lib-dynamodb"),b=r("@aws-sdk/client-dynamodb"),c=r("@aws-sdk/lib-dynamodb");')).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
    expect(measureSdk(['@aws-sdk/client-sns'], process.cwd())).toBeGreaterThan(0);
    expect(() => measureSdk(['@aws-sdk/not-a-client'], process.cwd())).toThrow(/sdk load failed/);
  });

  it('sums the SDK bytes inside a bundle and names the clients that made it in', () => {
    const meta = {
      inputs: {},
      outputs: {
        'dist/apps/lambdas/x/index.mjs': {
          bytes: 1000,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@aws-sdk/client-sfn/dist-es/index.js': { bytesInOutput: 300 },
            'node_modules/@aws-sdk/client-sns/dist-es/index.js': { bytesInOutput: 0 },
            'node_modules/@smithy/smithy-client/dist-es/index.js': { bytesInOutput: 200 },
            'node_modules/@aws-sdk/core/dist-es/index.js': { bytesInOutput: 50 },
            'node_modules/zod/index.js': { bytesInOutput: 400 },
            'apps/lambdas/x/src/handler.ts': { bytesInOutput: 50 },
          },
        },
      },
    } as unknown as Metafile;
    expect(bundledSdk(meta, 'dist/apps/lambdas/x/index.mjs')).toEqual({ bytes: 550, clients: ['@aws-sdk/client-sfn'] });
    expect(() => bundledSdk(meta, 'dist/apps/lambdas/y/index.mjs')).toThrow('metafile has no output dist/apps/lambdas/y/index.mjs');
  });

  it('parses --modes, --runs and --skip-build, and refuses fewer than 7 runs', () => {
    expect(parseBenchArgs([])).toEqual({ modes: ['runtime', 'bundled'], runs: 7, skipBuild: false });
    expect(parseBenchArgs(['--modes=bundled,runtime', '--runs=9', '--skip-build'])).toEqual({ modes: ['runtime', 'bundled'], runs: 9, skipBuild: true });
    expect(parseBenchArgs(['--modes=bundled'])).toEqual({ modes: ['bundled'], runs: 7, skipBuild: false });
    expect(() => parseBenchArgs(['--runs=5'])).toThrow('--runs must be an integer >= 7 (got 5)');
    expect(() => parseBenchArgs(['--modes=lambda'])).toThrow('--modes: unknown lambda; expected a comma list of runtime, bundled');
  });

  it('formats both modes side by side with the change, flagging misses of the default build', () => {
    const mode = (kb: number, initMs: number, extra: Partial<ModeResult> = {}): ModeResult => ({ kb, sdkKb: 0, sdk: ['@aws-sdk/client-sns'], initMs, cpuMs: initMs / 2, initRuns: [initMs], ok: kb < 1024 && initMs < 150, ...extra });
    const report: BenchReport = {
      date: '2026-12-02T08:00:00.000Z',
      loadavg: [1, 2, 3],
      runs: 7,
      defaultMode: 'bundled',
      targets: TARGETS,
      buildMs: { runtime: 20_000, bundled: 30_000 },
      rows: [
        { name: 'a', modes: { runtime: mode(100, 200, { sdkMs: 150 }), bundled: mode(500, 100, { sdkKb: 400 }) } },
        { name: 'b', modes: { runtime: mode(100, 100, { sdkMs: 80 }), bundled: mode(1100, 120) } },
        { name: 'c', modes: {}, error: 'init failed: boom' },
      ],
    };
    const md = formatReport(report);
    expect(md).toContain('| function | runtime SDK KB (< 200) | runtime SDK init ms (< 150) | runtime SDK init CPU ms | SDK bundled KB (< 1024) | SDK bundled init ms (< 150) | SDK bundled init CPU ms | of which SDK KB | runtime SDK load ms | init change | CPU change | SDK clients | default ok |');
    expect(md).toContain('| a | 100.0 | 200.0 | 100.0 | 500.0 | 100.0 | 50.0 | 400.0 | 150.0 | -50 % | -50 % | client-sns | yes |');
    expect(md).toContain('| b | 100.0 | 100.0 | 50.0 | 1100.0 | 120.0 | 60.0 | 0.0 | 80.0 | 20 % | 20 % | client-sns | NO |');
    expect(md).toContain('| c | - | - | - | - | - | - | - | - | - | - | - | NO: init failed: boom |');
    expect(md).toContain('- runtime SDK: all 18 builds 20.0 s (@nx/esbuild executor, 2 at a time); over the functions, median init 150.0 ms (max 200.0), CPU 75.0 ms (max 100.0)');
    // Every row has as many cells as the header.
    const cells = (line: string) => line.split('|').length;
    const lines = md.split('\n').filter((l) => l.startsWith('|'));
    expect(new Set(lines.map(cells)).size).toBe(1);
  });
});
