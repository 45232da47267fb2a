import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { GEO_BLOCK_DEFAULT, INTERFACE_ENDPOINTS_DEFAULT, tlsPlan, tlsWaiverWarning } from './network.js';
import { loadConfig } from './stack-config.js';

const API_DOMAIN = JSON.stringify({ domainName: 'api.tradai.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
const CERT = 'arn:aws:acm:eu-central-1:123456789012:certificate/abc-123';

describe('tlsPlan', () => {
  it('makes a managed certificate from tradai:apiDomain alone, for both stacks', () => {
    const cfg = loadConfig('prod', { apiDomain: API_DOMAIN });
    for (const layer of ['compute', 'edge'] as const) {
      expect(tlsPlan(cfg, layer)).toEqual({ kind: 'managed', domainName: 'api.tradai.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    }
  });

  it('keeps the hand-made certificate keys working', () => {
    expect(tlsPlan(loadConfig('prod', { certificateArn: CERT }), 'compute')).toEqual({ kind: 'imported', certificateArn: CERT });
    const edge = loadConfig('prod', { customDomain: JSON.stringify({ domainName: 'api.tradai.example.com', certificateArn: CERT }) });
    expect(tlsPlan(edge, 'edge')).toEqual({ kind: 'imported', domainName: 'api.tradai.example.com', certificateArn: CERT });
  });

  it('refuses prod without TLS unless tradai:allowNoTls, naming every key that fixes it', () => {
    const call = () => tlsPlan(loadConfig('prod'), 'compute');
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/^tradai:apiDomain: prod refuses to run without TLS: .*tradai:certificateArn.*tradai:allowNoTls true/);
    expect(() => tlsPlan(loadConfig('prod'), 'edge')).toThrow(/tradai:customDomain/);
    expect(tlsPlan(loadConfig('prod', { allowNoTls: 'true' }), 'edge')).toEqual({ kind: 'none', waived: true });
    expect(tlsWaiverWarning('prod')).toContain('remove tradai:allowNoTls');
  });

  it('lets dev and staging run on HTTP inside the VPC without a waiver', () => {
    expect(tlsPlan(loadConfig('dev'), 'compute')).toEqual({ kind: 'none', waived: false });
    expect(tlsPlan(loadConfig('staging'), 'edge')).toEqual({ kind: 'none', waived: false });
  });

  it('refuses apiDomain together with a hand-made certificate key', () => {
    expect(() => tlsPlan(loadConfig('prod', { apiDomain: API_DOMAIN, certificateArn: CERT }), 'compute')).toThrow('tradai:apiDomain: is set together with tradai:certificateArn');
  });
});

describe('network config keys', () => {
  it('validates apiDomain, consolidatedAmiId and interfaceEndpoints, naming the key', () => {
    expect(() => loadConfig('dev', { apiDomain: JSON.stringify({ domainName: 'api.tradai.example.com', hostedZoneId: 'zone' }) })).toThrow('tradai:apiDomain.hostedZoneId: must be a Route 53 hosted zone id');
    expect(() => loadConfig('dev', { apiDomain: JSON.stringify({ domainName: 'API', hostedZoneId: 'Z1' }) })).toThrow('tradai:apiDomain.domainName: must be a DNS name');
    expect(() => loadConfig('dev', { consolidatedAmiId: 'ami-xyz' })).toThrow('tradai:consolidatedAmiId: must be an AMI id');
    expect(loadConfig('dev', { consolidatedAmiId: 'ami-0123456789abcdef0' }).consolidatedAmiId).toBe('ami-0123456789abcdef0');
    expect(() => loadConfig('dev', { interfaceEndpoints: 'two-az' })).toThrow('tradai:interfaceEndpoints: must be one of multi-az, single-az, none');
  });

  it('defaults interface endpoints per environment: none in dev and staging, every AZ in prod', () => {
    expect(loadConfig('dev').interfaceEndpoints).toBe('none');
    expect(loadConfig('staging').interfaceEndpoints).toBe('none');
    expect(loadConfig('prod').interfaceEndpoints).toBe('multi-az');
    expect(loadConfig('dev', { interfaceEndpoints: 'single-az' }).interfaceEndpoints).toBe('single-az');
    expect(INTERFACE_ENDPOINTS_DEFAULT).toEqual({ dev: 'none', staging: 'none', prod: 'multi-az' });
  });

  it('blocks the sanctioned jurisdictions by default; [] turns geo blocking off', () => {
    expect(loadConfig('dev').geoBlockCountries).toEqual(['CU', 'IR', 'KP', 'SY']);
    expect(GEO_BLOCK_DEFAULT).toEqual(['CU', 'IR', 'KP', 'SY']);
    expect(loadConfig('prod', { geoBlockCountries: '[]' }).geoBlockCountries).toEqual([]);
  });
});
