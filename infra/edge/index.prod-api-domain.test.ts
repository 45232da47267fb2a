import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputKeys } from '@tradai/infra-shared';
import { fixtureOutputs, runProgram, setupStackTest, upstreamFixtures, type PulumiMocks } from '@tradai/infra-shared/testing';

/** prod with TLS from configuration alone: tradai:apiDomain, compute's DNS-validated certificate. */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
const API_DOMAIN = { domainName: 'api.tradai.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/11111111-2222-4333-8444-555555555555';

beforeAll(async () => {
  const stackOutputs = upstreamFixtures('edge', 'prod');
  stackOutputs['organization/tradai-compute/prod']!['api_certificate_arn'] = CERTIFICATE_ARN;
  mocks = await setupStackTest({ project: 'tradai-edge', stack: 'prod', config: { apiDomain: JSON.stringify(API_DOMAIN) }, stackOutputs });
  outputs = await runProgram(() => import('./index.js'));
  await pulumi.runtime.disconnect();
});

const compute = fixtureOutputs('compute', 'prod');

describe('tradai-edge prod with tradai:apiDomain', () => {
  it('still exports exactly the edge keys', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('edge').sort());
  });

  it('reaches the ALB over HTTPS, the VPC Link verifying the API domain on the certificate', () => {
    const alb = mocks.byType('aws:apigatewayv2/integration:Integration').filter((i) => i.inputs['connectionType'] === 'VPC_LINK');
    expect(alb).toHaveLength(4);
    for (const i of alb) expect(i.inputs).toMatchObject({ integrationUri: compute.alb_https_listener_arn, tlsConfig: { serverNameToVerify: API_DOMAIN.domainName } });
  });

  it('serves the custom domain with compute\'s certificate (TLS 1.2+), mapped to the stage', () => {
    const domain = mocks.byType('aws:apigatewayv2/domainName:DomainName');
    expect(domain).toHaveLength(1);
    expect(domain[0]!.inputs).toMatchObject({
      domainName: API_DOMAIN.domainName,
      domainNameConfiguration: { certificateArn: CERTIFICATE_ARN, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
    });
    expect(mocks.byType('aws:apigatewayv2/apiMapping:ApiMapping')[0]!.inputs['domainName']).toBe(API_DOMAIN.domainName);
  });

  it('gives the domain its alias record in the configured hosted zone', () => {
    const records = mocks.byType('aws:route53/record:Record');
    expect(records).toHaveLength(1);
    expect(records[0]!.inputs).toMatchObject({ zoneId: API_DOMAIN.hostedZoneId, name: API_DOMAIN.domainName, type: 'A' });
    const [alias] = records[0]!.inputs['aliases'] as { name: string; zoneId: string }[];
    expect(alias!.name).toMatch(/^d-\w+\.execute-api\.eu-central-1\.amazonaws\.com$/);
    expect(alias!.zoneId).toBe('Z1U9ULNL0V5AJ3');
  });
});
