import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportFile, runCost, runCostCompare, runPolicy } from './reports.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A throwaway workspace holding the fixture plans where synth would write them. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'plan-reports-'));
  cpSync(join(here, '__fixtures__', 'plans'), join(root, 'dist', 'synth'), { recursive: true });
  return root;
}

describe('policy report', () => {
  it('passes dev (single-AZ RDS suppressed), writes policy.json and prints the suppressions', () => {
    const root = workspace();
    const result = runPolicy(root, 'dev');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Policy check, dev: \d+ rules .* 0 violations, 4 suppressed/);
    expect(result.stdout).toContain('SUPPRESSED');
    const json = JSON.parse(readFileSync(reportFile(root, 'dev', 'policy'), 'utf8'));
    expect(json.rules).toBeGreaterThanOrEqual(40);
    expect(json.violations).toEqual([]);
    expect(json.suppressed.map((s: { ruleId: string; name: string }) => `${s.ruleId} ${s.name}`).sort()).toEqual([
      'TRADAI-EC2-003 nat',
      'TRADAI-RDS-003 mlflow-db',
      'TRADAI-S3-004 s3-logs',
      'TRADAI-S3-005 s3-logs',
    ]);
    expect(json.suppressed[0].reason.length).toBeGreaterThan(20);
  });

  it('fails prod on the same single-AZ database, naming resource and property', () => {
    const root = workspace();
    const result = runPolicy(root, 'prod');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('policy (prod): 1 violation(s)');
    const json = JSON.parse(readFileSync(reportFile(root, 'prod', 'policy'), 'utf8'));
    expect(json.violations).toEqual([
      expect.objectContaining({ ruleId: 'TRADAI-RDS-003', layer: 'foundation', name: 'mlflow-db', property: 'multiAz', message: 'rds.Instance mlflow-db (tradai-mlflow-db-prod): multiAz is not true (single AZ)' }),
    ]);
  });

  it('stops with the missing plan and the command that writes it', () => {
    const root = workspace();
    const result = runPolicy(root, 'staging');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`policy (staging): ${join(root, 'dist/synth/staging/foundation.json')} does not exist: write the plans with \`npx nx run-many -t synth -c staging\``);
    expect(existsSync(reportFile(root, 'staging', 'policy'))).toBe(false);
  });

  it('refuses an unknown environment', () => {
    const result = runPolicy(workspace(), 'qa');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('unknown environment "qa"');
  });
});

describe('cost report', () => {
  it('writes cost.json with totals per layer and per resource, fixed and usage separated', () => {
    const root = workspace();
    const result = runCost(root, 'dev');
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(readFileSync(reportFile(root, 'dev', 'cost'), 'utf8'));
    expect(json).toMatchObject({ environment: 'dev', currency: 'USD', region: 'eu-central-1' });
    expect(Object.keys(json.byLayer)).toEqual(['persistent', 'foundation', 'compute', 'edge']);
    const sum = json.resources.reduce((s: number, l: { monthly: number }) => s + l.monthly, 0);
    expect(json.monthlyTotal).toBeCloseTo(sum, 1);
    for (const line of json.resources) expect(Object.keys(line)).toEqual(expect.arrayContaining(['layer', 'type', 'name', 'monthly', 'basis']));
    expect(json.resources.find((l: { name: string }) => l.name === 'consolidated-asg')).toMatchObject({ fixed: 20.38, usage: 0 });
    expect(json.comparisons.consolidation).toMatchObject({ mode: 'consolidated-ec2', saving: 41.79 });
    expect(json.comparisons.nat.natInstance.monthly).toBe(7.92);
    expect(json.seedCheck).toHaveLength(5);
    expect(result.stdout).toContain('FIXED COSTS');
    expect(result.stdout).toContain('USAGE-BASED COSTS');
    expect(result.stdout).toContain('ASSUMPTIONS');
  });

  it('compares dev with prod', () => {
    const result = runCostCompare(workspace(), 'dev', 'prod');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^dev \$[\d.]+ -> prod \$[\d.]+ per month/);
    expect(result.stdout).toContain('dev: consolidated-ec2');
  });

  it('stops with the missing plan', () => {
    const result = runCost(workspace(), 'staging');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('npx nx run-many -t synth -c staging');
  });
});

describe('the CLI scripts', () => {
  const tsx = (script: string, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(here, script), ...args], { encoding: 'utf8', cwd: join(here, '..', '..') });

  it('policy.ts exits non-zero on a violation and prints the table', () => {
    const root = workspace();
    const run = tsx('policy.ts', '--env=prod', `--root=${root}`);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/medium\s+TRADAI-RDS-003\s+foundation\s+rds.Instance mlflow-db\s+multiAz/);
  });

  it('cost.ts exits 0 and prints the estimate', () => {
    const root = workspace();
    const run = tsx('cost.ts', '--env=prod', `--root=${root}`);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Monthly cost estimate, prod/);
    expect(existsSync(reportFile(root, 'prod', 'cost'))).toBe(true);
  });
});
