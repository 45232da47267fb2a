import { describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER, WAF_DEFAULT_CAPACITY_LIMIT, buildWafRules, clientIpRequestParameters, wafCapacity, wafLogGroupName, type WafRuleInput } from './waf.logic.js';

const base: WafRuleInput = { metricPrefix: 'tradai-waf-dev', rateLimit: 2000, geoBlockCountries: [] };

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

  it('rate-limits per client address over 5 minutes with the configured limit, with no exemption', () => {
    const rate = buildWafRules({ ...base, rateLimit: 500 }).find((r) => r.name === 'rate-limit')!;
    const stmt = plain<{ rateBasedStatement: Record<string, unknown> }>(rate.statement).rateBasedStatement;
    expect(stmt).toEqual({
      limit: 500,
      aggregateKeyType: 'FORWARDED_IP',
      forwardedIpConfig: { headerName: CLIENT_IP_HEADER, fallbackBehavior: 'NO_MATCH' },
      evaluationWindowSec: 300,
    });
    expect(plain<{ block: object }>(rate.action).block).toEqual({});
  });

  it('geo-matches the forwarded client address, not the VPC Link source', () => {
    const geo = buildWafRules({ ...base, geoBlockCountries: ['KP'] })[0]!;
    expect(plain<{ geoMatchStatement: { forwardedIpConfig: unknown } }>(geo.statement).geoMatchStatement.forwardedIpConfig).toEqual({ headerName: CLIENT_IP_HEADER, fallbackBehavior: 'NO_MATCH' });
  });

  it('has API Gateway overwrite the client header with the caller address (a client-sent value cannot survive)', () => {
    expect(clientIpRequestParameters()).toEqual({ 'overwrite:header.x-tradai-client-ip': '$context.identity.sourceIp' });
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
    expect(wafCapacity([])).toBe(2 + 25 + 200 + 700);
  });

  it('names the log group with the prefix AWS requires', () => {
    expect(wafLogGroupName('tradai-waf-dev')).toBe('aws-waf-logs-tradai-waf-dev');
  });
});
