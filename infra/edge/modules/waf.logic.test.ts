import { describe, expect, it } from 'vitest';
import { PRIVATE_RANGES, WAF_DEFAULT_CAPACITY_LIMIT, buildWafRules, wafCapacity, wafLogGroupName } from './waf.logic.js';

const base = { metricPrefix: 'tradai-waf-dev', rateLimit: 2000, geoBlockCountries: [] as string[], privateRangesIpSetArn: 'arn:ipset' };

/** Rule statements are typed as Inputs; in tests they are plain values. */
const plain = <T>(v: unknown) => v as T;

describe('buildWafRules', () => {
  it('has the rate rule and the three managed groups without geo blocking', () => {
    const rules = buildWafRules(base);
    expect(rules.map((r) => r.name)).toEqual(['rate-limit', 'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet']);
  });

  it('adds a blocking geo rule first when countries are configured, de-duplicated', () => {
    const rules = buildWafRules({ ...base, geoBlockCountries: ['RU', 'KP', 'RU'] });
    expect(rules[0]!.name).toBe('geo-block');
    expect(plain<{ block: object }>(rules[0]!.action).block).toEqual({});
    expect(plain<{ geoMatchStatement: { countryCodes: string[] } }>(rules[0]!.statement).geoMatchStatement.countryCodes).toEqual(['RU', 'KP']);
  });

  it('rate-limits per IP over 5 minutes with the configured limit, exempting the private ranges', () => {
    const rate = buildWafRules({ ...base, rateLimit: 500 }).find((r) => r.name === 'rate-limit')!;
    const stmt = plain<{ rateBasedStatement: { limit: number; aggregateKeyType: string; evaluationWindowSec: number; scopeDownStatement: unknown } }>(rate.statement).rateBasedStatement;
    expect(stmt.limit).toBe(500);
    expect(stmt.aggregateKeyType).toBe('IP');
    expect(stmt.evaluationWindowSec).toBe(300);
    expect(stmt.scopeDownStatement).toEqual({ notStatement: { statement: { ipSetReferenceStatement: { arn: 'arn:ipset' } } } });
    expect(plain<{ block: object }>(rate.action).block).toEqual({});
  });

  it('uses AWS managed groups with their own actions, SizeRestrictions_BODY counted only', () => {
    const rules = buildWafRules(base).filter((r) => String(r.name).startsWith('AWSManaged'));
    for (const r of rules) {
      const stmt = plain<{ managedRuleGroupStatement: { vendorName: string; name: string } }>(r.statement).managedRuleGroupStatement;
      expect(stmt.vendorName).toBe('AWS');
      expect(stmt.name).toBe(r.name);
      expect(r.overrideAction).toEqual({ none: {} });
      expect(r.action).toBeUndefined();
    }
    const common = plain<{ managedRuleGroupStatement: { ruleActionOverrides?: unknown[] } }>(rules.find((r) => r.name === 'AWSManagedRulesCommonRuleSet')!.statement);
    expect(common.managedRuleGroupStatement.ruleActionOverrides).toEqual([{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]);
    const bad = plain<{ managedRuleGroupStatement: { ruleActionOverrides?: unknown[] } }>(rules.find((r) => r.name === 'AWSManagedRulesKnownBadInputsRuleSet')!.statement);
    expect(bad.managedRuleGroupStatement.ruleActionOverrides).toBeUndefined();
  });

  it('gives unique consecutive priorities and metrics on every rule', () => {
    const rules = buildWafRules({ ...base, geoBlockCountries: ['CN'] });
    expect(rules.map((r) => r.priority)).toEqual([0, 1, 2, 3, 4]);
    for (const r of rules) {
      expect(r.visibilityConfig).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
      expect(String(plain<{ metricName: string }>(r.visibilityConfig).metricName).startsWith('tradai-waf-dev-')).toBe(true);
    }
  });
});

describe('WAF limits and names', () => {
  it('stays within the default 1,500 WCU', () => {
    expect(wafCapacity(['CN'])).toBeLessThanOrEqual(WAF_DEFAULT_CAPACITY_LIMIT);
    expect(wafCapacity(['CN'])).toBe(wafCapacity([]) + 1);
  });

  it('names the log group with the prefix AWS requires', () => {
    expect(wafLogGroupName('tradai-waf-dev')).toBe('aws-waf-logs-tradai-waf-dev');
  });

  it('exempts exactly the RFC 1918 ranges', () => {
    expect(PRIVATE_RANGES).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
  });
});
