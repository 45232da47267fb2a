import { outputKeys, parseLayerOutputs } from '@tradai/infra-shared';
import { fixtureOutputs, runProgram, setupStackTest, upstreamFixtures, type PulumiMocks } from '@tradai/infra-shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useImageWorkspace } from './test-support.js';

/** prod with TLS from configuration alone: tradai:apiDomain (a domain and its Route 53 zone). */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
let restore: () => void;
const API_DOMAIN = { domainName: 'api.tradai.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

beforeAll(async () => {
  restore = useImageWorkspace();
  mocks = await setupStackTest({ project: 'tradai-compute', stack: 'prod', config: { apiDomain: JSON.stringify(API_DOMAIN) }, stackOutputs: upstreamFixtures('compute', 'prod') });
  outputs = await runProgram(() => import('./index.js'));
});
afterAll(() => restore());

const foundation = fixtureOutputs('foundation', 'prod');

describe('compute (prod) with tradai:apiDomain', () => {
  it('requests an ACM certificate for the domain, validated by DNS in the configured hosted zone', () => {
    const [cert] = mocks.byType('aws:acm/certificate:Certificate');
    expect(cert!.inputs).toMatchObject({ domainName: API_DOMAIN.domainName, validationMethod: 'DNS' });
    const [record] = mocks.byType('aws:route53/record:Record');
    expect(record!.inputs).toMatchObject({ zoneId: API_DOMAIN.hostedZoneId, type: 'CNAME', ttl: 300, allowOverwrite: true });
    // The record ACM asked for: under the domain, pointing into acm-validations.aws.
    expect(String(record!.inputs['name'])).toMatch(new RegExp(`^_\\w+\\.${API_DOMAIN.domainName.replace(/\./g, '\\.')}\\.$`));
    expect((record!.inputs['records'] as string[])[0]).toMatch(/\.acm-validations\.aws\.$/);
    const [validation] = mocks.byType('aws:acm/certificateValidation:CertificateValidation');
    expect(validation!.inputs['validationRecordFqdns']).toEqual([String(record!.inputs['name']).replace(/\.$/, '')]);
  });

  it('serves the validated certificate on the HTTPS listener (TLS 1.2+), the rules on it, HTTP redirecting', () => {
    const [validation] = mocks.byType('aws:acm/certificateValidation:CertificateValidation');
    const https = mocks.find('aws:lb/listener:Listener', 'alb-https').inputs;
    expect(https).toMatchObject({ protocol: 'HTTPS', port: 443, certificateArn: validation!.inputs['certificateArn'] });
    expect(String(https['sslPolicy'])).toMatch(/^ELBSecurityPolicy-TLS13/);
    expect(mocks.find('aws:lb/listener:Listener', 'alb-http').inputs['defaultActions']).toEqual([{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }]);
    for (const rule of mocks.byType('aws:lb/listenerRule:ListenerRule')) expect(rule.inputs['listenerArn']).toBe(outputs['alb_https_listener_arn']);
  });

  it('exports alb_https_listener_arn (seed section 10) and the certificate edge serves on the custom domain', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('compute').filter((k) => k !== 'consolidated_asg_name').sort());
    expect(() => parseLayerOutputs('compute', outputs)).not.toThrow();
    expect(outputs['alb_https_listener_arn']).toMatch(/listener\/app\//);
    // The validated ARN: edge's domain waits for issuance like the listener does.
    expect(outputs['api_certificate_arn']).toBe(mocks.byType('aws:acm/certificateValidation:CertificateValidation')[0]!.inputs['certificateArn']);
    expect(String(outputs['api_certificate_arn'])).toMatch(/^arn:aws:acm:eu-central-1:123456789012:certificate\//);
  });

  it('keeps the internal ALB in the private subnets', () => {
    expect(mocks.byType('aws:lb/loadBalancer:LoadBalancer')[0]!.inputs).toMatchObject({ internal: true, subnets: foundation.private_subnet_ids });
  });
});
