import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from './engine.js';
import { PlanGraph } from './plan/graph.js';
import { formatPolicyReport } from './report.js';
import { goodBucket, res } from './rules/__fixtures__/builders.js';
import { RULES } from './rules/index.js';
import { SUPPRESSIONS, globMatch, suppresses } from './suppressions.js';

const db = (multiAz: boolean, env: string) =>
  res('aws:rds/instance:Instance', 'mlflow-db', {
    identifier: `tradai-mlflow-db-${env}`,
    engine: 'postgres',
    storageEncrypted: true,
    multiAz,
    deletionProtection: env === 'prod',
    backupRetentionPeriod: env === 'prod' ? 14 : 7,
    manageMasterUserPassword: true,
    enabledCloudwatchLogsExports: ['postgresql'],
  });
const nat = res('aws:ec2/instance:Instance', 'nat', { instanceType: 't4g.nano', associatePublicIpAddress: true, metadataOptions: { httpTokens: 'required' }, rootBlockDevice: { encrypted: true }, iamInstanceProfile: 'p', tags: { Name: 'tradai-nat-dev' } });

describe('evaluatePolicy', () => {
  it('suppresses single-AZ RDS in dev with the reason, and reports it in prod', () => {
    const dev = evaluatePolicy(new PlanGraph('dev', [db(false, 'dev')]));
    expect(dev.violations).toEqual([]);
    expect(dev.suppressed.map((s) => [s.ruleId, s.property])).toEqual([['TRADAI-RDS-003', 'multiAz']]);
    expect(dev.suppressed[0]!.reason).toContain('seed §3');

    const prod = evaluatePolicy(new PlanGraph('prod', [db(false, 'prod')]));
    expect(prod.violations.map((v) => v.ruleId)).toEqual(['TRADAI-RDS-003']);
    expect(prod.suppressed).toEqual([]);
  });

  it('applies env-aware rules only where they belong', () => {
    const noProtection = { ...db(true, 'prod'), inputs: { ...db(true, 'prod').inputs, deletionProtection: false, backupRetentionPeriod: 14 } };
    expect(evaluatePolicy(new PlanGraph('staging', [noProtection])).violations).toEqual([]);
    expect(evaluatePolicy(new PlanGraph('prod', [noProtection])).violations.map((v) => v.ruleId)).toEqual(['TRADAI-RDS-004']);
    const report = evaluatePolicy(new PlanGraph('dev', []));
    expect(report.rules).toBe(RULES.length);
    expect(report.rulesApplied).toBe(RULES.filter((r) => !r.environments || r.environments.includes('dev')).length);
    expect(report.rulesApplied).toBeLessThan(report.rules);
  });

  it('suppresses the NAT instance public IP by its Name tag, but not another instance', () => {
    const other = { ...nat, name: 'bastion', inputs: { ...nat.inputs, tags: { Name: 'tradai-bastion-dev' } } };
    const report = evaluatePolicy(new PlanGraph('dev', [nat, other]));
    expect(report.suppressed.map((s) => `${s.ruleId} ${s.name}`)).toEqual(['TRADAI-EC2-003 nat']);
    expect(report.violations.map((v) => `${v.ruleId} ${v.name} ${v.property}`)).toEqual(['TRADAI-EC2-003 bastion associatePublicIpAddress']);
  });

  it('lists suppressions that matched nothing, for the environment only', () => {
    const report = evaluatePolicy(new PlanGraph('prod', []));
    const unused = report.unusedSuppressions.map((s) => s.ruleId);
    expect(unused).toContain('TRADAI-EC2-003');
    // The RDS multi-AZ suppression is dev/staging only: not even listed as unused in prod.
    expect(unused).not.toContain('TRADAI-RDS-003');
  });

  it('suppresses versioning only on the buckets S3_BUCKET_CONFIG keeps unversioned', () => {
    const results = goodBucket('results', 'dev', ['versioning']);
    const configs = goodBucket('configs', 'dev', ['versioning']);
    const report = evaluatePolicy(new PlanGraph('dev', [...results, ...configs]));
    expect(report.suppressed.filter((s) => s.ruleId === 'TRADAI-S3-004').map((s) => s.name)).toEqual(['results']);
    expect(report.violations.filter((v) => v.ruleId === 'TRADAI-S3-004').map((v) => v.name)).toEqual(['configs']);
  });

  it('orders violations by severity and names rule and resource when a check throws', () => {
    const boom = { ...RULES[0]!, id: 'TRADAI-X-001', check: () => { throw new Error('kaput'); } };
    expect(() => evaluatePolicy(new PlanGraph('dev', goodBucket()), [boom], [])).toThrow('rule TRADAI-X-001 failed on aws:s3/bucket:Bucket configs: kaput');
    const v = evaluatePolicy(new PlanGraph('dev', [...goodBucket('configs', 'dev', ['pab', 'lifecycle'])]), RULES, []).violations;
    expect(v.map((x) => x.severity)).toEqual(['high', 'low']);
  });

  it('every suppression has a rule that exists and a reason', () => {
    for (const s of SUPPRESSIONS) {
      expect(RULES.some((r) => r.id === s.ruleId), s.ruleId).toBe(true);
      expect(s.reason.length).toBeGreaterThan(20);
    }
  });
});

describe('suppression matching', () => {
  it('globs match whole names only', () => {
    expect(globMatch('*nat*', 'tradai-nat-dev')).toBe(true);
    expect(globMatch('tradai-logs-*', 'tradai-logs-dev')).toBe(true);
    expect(globMatch('tradai-logs-*', 'x-tradai-logs-dev')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
  });

  it('needs rule, type, environment and name to match', () => {
    const s = { ruleId: 'R', types: ['t'], name: 'n*', environments: ['dev' as const], reason: 'why' };
    expect(suppresses(s, 'R', 'dev', { type: 't', name: 'nat', inputs: {} })).toBe(true);
    expect(suppresses(s, 'R', 'prod', { type: 't', name: 'nat', inputs: {} })).toBe(false);
    expect(suppresses(s, 'Q', 'dev', { type: 't', name: 'nat', inputs: {} })).toBe(false);
    expect(suppresses(s, 'R', 'dev', { type: 'u', name: 'nat', inputs: {} })).toBe(false);
    expect(suppresses(s, 'R', 'dev', { type: 't', name: 'x', inputs: { name: 'nat-physical' } })).toBe(true);
  });
});

describe('formatPolicyReport', () => {
  it('prints the summary, the violations and the suppressions with reasons', () => {
    const report = evaluatePolicy(new PlanGraph('dev', [nat, db(false, 'dev'), ...goodBucket('configs', 'dev', ['policy'])]));
    const text = formatPolicyReport(report);
    expect(text).toMatch(/^Policy check, dev: \d+ rules \(\d+ apply here\) on 9 resources: 1 violation, 2 suppressed/);
    expect(text).toContain('VIOLATIONS');
    expect(text).toMatch(/high\s+TRADAI-S3-002\s+persistent\s+s3.Bucket configs\s+policy/);
    expect(text).toContain('SUPPRESSED');
    expect(text).toContain('NAT instance: needs a public address');
  });
});
