import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaEnvNames } from '@tradai/contracts';
import { describe, expect, it } from 'vitest';
import { benchEnv, formatTable, measureInit, measureSdk, median, sdkPackages } from './bench.js';

describe('bench helpers', () => {
  it('sets every variable the contract lists, settings at their defaults', () => {
    const env = benchEnv('check-retraining-needed');
    for (const v of lambdaEnvNames('check-retraining-needed')) expect(env[v]).toBeTruthy();
    expect(env.DRIFT_THRESHOLD).toBe('0.3');
    expect(env.AWS_REGION).toBe('us-east-1');
  });

  it('takes the median', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('measures module init in a child process and reports init errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    writeFileSync(join(dir, 'ok.mjs'), 'export const handler = () => process.env.X;');
    writeFileSync(join(dir, 'bad.mjs'), 'if (!process.env.NEEDED) throw new Error("missing NEEDED");');
    expect(measureInit(join(dir, 'ok.mjs'), {})).toBeGreaterThanOrEqual(0);
    expect(() => measureInit(join(dir, 'bad.mjs'), {})).toThrow(/missing NEEDED/);
    expect(measureInit(join(dir, 'bad.mjs'), { NEEDED: '1' })).toBeGreaterThanOrEqual(0);
  });

  it('finds the SDK packages a bundle requires and times loading them', () => {
    expect(sdkPackages('var a=r("@aws-sdk/lib-dynamodb"),b=r("@aws-sdk/client-dynamodb"),c=r("@aws-sdk/lib-dynamodb");')).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
    expect(measureSdk(['@aws-sdk/client-sns'], process.cwd())).toBeGreaterThan(0);
    expect(() => measureSdk(['@aws-sdk/not-a-client'], process.cwd())).toThrow(/sdk load failed/);
  });

  it('formats a table flagging misses', () => {
    const t = formatTable([{ name: 'a', kb: 10, initMs: 20, sdkMs: 15, sdk: ['@aws-sdk/client-sns'], ok: true }, { name: 'b', ok: false, error: 'no handler' }], 12_000);
    expect(t).toContain('all builds: 12.00 s (target < 10 s) MISSED');
    expect(t).toContain('| a | 10.0 | 20.0 | 15.0 | client-sns | yes |');
    expect(t).toContain('| b | - | - | - |  | NO: no handler |');
  });
});
