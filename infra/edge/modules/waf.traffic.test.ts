import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER, buildWafRules, clientIpRequestParameters, type WafRuleInput } from './waf.logic.js';

/**
 * Would the WebACL's rules match real API traffic? The path is: client -> HTTP API (parameter
 * mapping of the VPC Link integration) -> VPC Link ENI (private source address) -> ALB + WebACL.
 * These helpers model the two documented behaviours involved, reading the rules buildWafRules
 * makes, so a rule that keys on the wrong address fails here:
 * - HTTP API parameter mapping `overwrite:header.<name>` = `$context.identity.sourceIp`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html);
 * - WAF's aggregate key: the source IP (`IP`) or the first address in the configured header
 *   (`FORWARDED_IP`; a missing or invalid one applies fallbackBehavior), an optional scope-down.
 */

interface ClientRequest {
  readonly clientIp: string;
  readonly headers: Readonly<Record<string, string>>;
}
interface AlbRequest {
  readonly sourceIp: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The request as the ALB receives it from a VPC Link ENI after the integration's parameter mapping. */
function throughApiGateway(req: ClientRequest, vpcLinkIp: string, mapping: Record<string, string>): AlbRequest {
  const headers: Record<string, string> = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [key, value] of Object.entries(mapping)) {
    const m = /^overwrite:header\.(.+)$/.exec(key);
    if (!m || value !== '$context.identity.sourceIp') throw new Error(`mapping ${key}=${value} is outside this model`);
    headers[m[1]!.toLowerCase()] = req.clientIp;
  }
  return { sourceIp: vpcLinkIp, headers };
}

const inCidr = (ip: string, cidr: string) => {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const block = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / block) === Math.floor(n(base!) / block);
};

type ForwardedIpConfig = { headerName: string; fallbackBehavior: 'MATCH' | 'NO_MATCH' };
type RateStatement = {
  limit: number;
  aggregateKeyType: 'IP' | 'FORWARDED_IP';
  forwardedIpConfig?: ForwardedIpConfig;
  scopeDownStatement?: { notStatement: { statement: { ipSetReferenceStatement: { arn: string } } } };
};

/** The address WAF keys on, or undefined when the request is not counted. */
function rateKey(stmt: RateStatement, req: AlbRequest, ipSets: Record<string, string[]>): string | undefined {
  const scope = stmt.scopeDownStatement?.notStatement.statement.ipSetReferenceStatement.arn;
  if (scope && (ipSets[scope] ?? []).some((c) => inCidr(req.sourceIp, c))) return undefined;
  if (stmt.aggregateKeyType === 'IP') return req.sourceIp;
  const cfg = stmt.forwardedIpConfig!;
  const first = req.headers[cfg.headerName.toLowerCase()]?.split(',')[0]?.trim();
  if (first && isIP(first)) return first;
  return cfg.fallbackBehavior === 'MATCH' ? '<fallback>' : undefined;
}

/** How many of `requests` (all within one 5-minute window) the rate rule blocks. */
function blocked(stmt: RateStatement, requests: readonly AlbRequest[], ipSets: Record<string, string[]> = {}): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const r of requests) {
    const key = rateKey(stmt, r, ipSets);
    if (key === undefined) continue;
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c > stmt.limit) n++;
  }
  return n;
}

const input: WafRuleInput = { metricPrefix: 'tradai-waf-prod', rateLimit: 2000, geoBlockCountries: ['KP'] };
const rateStatement = () => (buildWafRules(input).find((r) => r.name === 'rate-limit')!.statement as unknown as { rateBasedStatement: RateStatement }).rateBasedStatement;
const VPC_LINK_ENIS = ['10.0.10.23', '10.0.11.57'];

/** `count` requests from `clientIp` through API Gateway, spread over both VPC Link ENIs. */
const traffic = (clientIp: string, count: number, headers: (i: number) => Record<string, string> = () => ({})) =>
  Array.from({ length: count }, (_, i) => throughApiGateway({ clientIp, headers: headers(i) }, VPC_LINK_ENIS[i % 2]!, clientIpRequestParameters()));

describe('WAF rate rule against API traffic arriving through the VPC Link', () => {
  it('blocks one client above the limit and leaves another client alone', () => {
    const flood = traffic('198.51.100.7', 2500);
    const quiet = traffic('203.0.113.9', 300);
    expect(blocked(rateStatement(), [...flood, ...quiet])).toBe(500);
    expect(blocked(rateStatement(), quiet)).toBe(0);
  });

  it('cannot be dodged by sending a different client header on every request (API Gateway overwrites it)', () => {
    const spoofing = traffic('198.51.100.7', 2500, (i) => ({ [CLIENT_IP_HEADER]: `192.0.2.${i % 250}` }));
    expect(blocked(rateStatement(), spoofing)).toBe(500);
  });

  it('does not lump different clients together under the VPC Link addresses', () => {
    const many = Array.from({ length: 100 }, (_, c) => traffic(`198.51.100.${c + 1}`, 100)).flat();
    expect(many).toHaveLength(10_000);
    expect(blocked(rateStatement(), many)).toBe(0);
  });

  it('would have caught the old rule: keyed on the source IP with the private ranges exempt, it never fires', () => {
    const old: RateStatement = {
      limit: 2000,
      aggregateKeyType: 'IP',
      scopeDownStatement: { notStatement: { statement: { ipSetReferenceStatement: { arn: 'arn:private' } } } },
    };
    const ipSets = { 'arn:private': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] };
    expect(blocked(old, traffic('198.51.100.7', 2500), ipSets)).toBe(0);
    expect(blocked(rateStatement(), traffic('198.51.100.7', 2500))).toBe(500);
  });

  it('geo-matches on the same forwarded address', () => {
    const geo = buildWafRules(input)[0]!;
    expect(geo.name).toBe('geo-block');
    const cfg = (geo.statement as unknown as { geoMatchStatement: { forwardedIpConfig: ForwardedIpConfig } }).geoMatchStatement.forwardedIpConfig;
    const [req] = traffic('175.45.176.10', 1); // an address of North Korea's 175.45.176.0/22
    expect(req!.headers[cfg.headerName.toLowerCase()]).toBe('175.45.176.10');
    expect(req!.sourceIp.startsWith('10.')).toBe(true);
  });
});
