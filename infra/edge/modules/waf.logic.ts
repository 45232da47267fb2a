import type * as aws from '@pulumi/aws';

type WebAclRule = aws.types.input.wafv2.WebAclRule;

/**
 * AWS managed rule groups, in evaluation order (cheap reputation check first). Capacities (WCU)
 * are AWS's published values; a web ACL may use 1,500 WCU before it costs extra.
 */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', capacity: 25, why: 'known malicious sources (bots, scanners)' },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', capacity: 200, why: 'exploit payloads, including Log4j (CVE-2021-44228) JNDI lookups' },
  { name: 'AWSManagedRulesCommonRuleSet', capacity: 700, why: 'OWASP top-10 style attacks' },
] as const;

/**
 * Common rule set rules that only count: MLflow artifact uploads and strategy configs exceed the
 * 8 KB body limit SizeRestrictions_BODY enforces, and they arrive through the ALB this ACL guards.
 */
export const COUNT_ONLY_COMMON_RULES = ['SizeRestrictions_BODY'] as const;

/** WCU of the rate-based rule (2; no scope-down) and the geo rule (1). */
const RATE_RULE_WCU = 2;
const GEO_RULE_WCU = 1;
export const WAF_DEFAULT_CAPACITY_LIMIT = 1500;

/**
 * Why the rate and geo rules key on a header rather than the source IP: the WebACL guards the
 * internal ALB (WAFv2 cannot attach to an HTTP API), whose every request comes from the VPC Link's
 * private ENIs. Keyed on the source IP, all API users share a handful of 10.x addresses and geo
 * matching sees no country. So every VPC Link integration overwrites this header with the
 * caller's address as API Gateway saw it (`$context.identity.sourceIp`), and the rules read it
 * (forwardedIPConfig). `overwrite` replaces whatever a client sent, so it cannot be spoofed through
 * the API; X-Forwarded-For itself is reserved in HTTP API parameter mapping, hence a header of ours.
 * Chosen over a CloudFront distribution in front of the API: no second entry point to lock down,
 * no us-east-1 (CLOUDFRONT-scope) WebACL, and no CloudFront charges.
 */
export const CLIENT_IP_HEADER = 'X-Tradai-Client-Ip';

/** The API Gateway parameter mapping that sets CLIENT_IP_HEADER on every VPC Link request. */
export function clientIpRequestParameters(): Record<string, string> {
  return { [`overwrite:header.${CLIENT_IP_HEADER.toLowerCase()}`]: '$context.identity.sourceIp' };
}

/**
 * WAF reads the client address from CLIENT_IP_HEADER. A request without it did not come through API
 * Gateway (something inside the VPC calling the ALB): NO_MATCH leaves it to the managed rules rather
 * than blocking or counting it under one shared key.
 */
export const FORWARDED_IP_CONFIG = { headerName: CLIENT_IP_HEADER, fallbackBehavior: 'NO_MATCH' } as const;

export interface WafRuleInput {
  /** Prefix of every CloudWatch metric name (`tradai-waf-dev`). */
  readonly metricPrefix: string;
  /** Requests per 5 minutes per source IP (tradai:wafRateLimit). */
  readonly rateLimit: number;
  /** ISO 3166 alpha-2 codes to block (tradai:geoBlockCountries); no rule when empty. */
  readonly geoBlockCountries: readonly string[];
}

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/**
 * The web ACL's rules, priorities in evaluation order: geo block (when configured), per-IP rate
 * limit, then the managed groups. Pure, so the rule set is tested without Pulumi.
 */
export function buildWafRules(input: WafRuleInput): WebAclRule[] {
  const rules: WebAclRule[] = [];
  const countries = [...new Set(input.geoBlockCountries)];
  if (countries.length > 0) {
    rules.push({
      name: 'geo-block',
      priority: rules.length,
      action: { block: {} },
      statement: { geoMatchStatement: { countryCodes: countries, forwardedIpConfig: { ...FORWARDED_IP_CONFIG } } },
      visibilityConfig: visibility(`${input.metricPrefix}-geo-block`),
    });
  }
  rules.push({
    name: 'rate-limit',
    priority: rules.length,
    action: { block: {} },
    statement: {
      rateBasedStatement: {
        limit: input.rateLimit,
        aggregateKeyType: 'FORWARDED_IP',
        forwardedIpConfig: { ...FORWARDED_IP_CONFIG },
        evaluationWindowSec: 300,
      },
    },
    visibilityConfig: visibility(`${input.metricPrefix}-rate-limit`),
  });
  for (const group of MANAGED_RULE_GROUPS) {
    const countOnly = group.name === 'AWSManagedRulesCommonRuleSet' ? COUNT_ONLY_COMMON_RULES : [];
    rules.push({
      name: group.name,
      priority: rules.length,
      // Managed groups carry their own block actions; `none` keeps them.
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: group.name,
          ...(countOnly.length ? { ruleActionOverrides: countOnly.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
        },
      },
      visibilityConfig: visibility(`${input.metricPrefix}-${group.name}`),
    });
  }
  return rules;
}

/** WCU the rule set needs; must stay within the web ACL's default 1,500. */
export function wafCapacity(geoBlockCountries: readonly string[]): number {
  return (geoBlockCountries.length ? GEO_RULE_WCU : 0) + RATE_RULE_WCU + MANAGED_RULE_GROUPS.reduce((n, g) => n + g.capacity, 0);
}

/** AWS requires a WAF logging log group's name to start with `aws-waf-logs-`. */
export function wafLogGroupName(webAclName: string): string {
  return `aws-waf-logs-${webAclName}`;
}
