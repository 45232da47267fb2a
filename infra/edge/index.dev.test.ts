import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { GEO_BLOCK_DEFAULT, LAMBDA_NAMES, outputKeys } from '@tradai/infra-shared';
import { fixtureOutputs, setupStackTest, upstreamFixtures, runProgram, type PulumiMocks } from '@tradai/infra-shared/testing';

let mocks: PulumiMocks;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  // Dev has no certificate, so compute has no HTTPS listener (the fixture carries one: drop it).
  const stackOutputs = upstreamFixtures('edge', 'dev');
  delete stackOutputs['organization/tradai-compute/dev']!['alb_https_listener_arn'];
  mocks = await setupStackTest({ project: 'tradai-edge', stack: 'dev', stackOutputs });
  outputs = await runProgram(() => import('./index.js'));
  await pulumi.runtime.disconnect();
});

const foundation = fixtureOutputs('foundation', 'dev');
const compute = fixtureOutputs('compute', 'dev');

describe('tradai-edge dev', () => {
  it('exports exactly the edge keys of the contract', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('edge').sort());
    expect(outputs['api_gateway_endpoint']).toMatch(/^https:\/\/\w+\.execute-api\.eu-central-1\.amazonaws\.com$/);
    expect(Object.keys(outputs['lambda_error_alarm_arns'] as object).sort()).toEqual([...LAMBDA_NAMES].sort());
    expect(outputs['dashboard_url']).toContain('#dashboards/dashboard/tradai-operations-dev');
  });

  it('creates the seed resources: 22 routes (the seed 21 + sync job status), 24 alarms + composite, WAF, dashboard', () => {
    const counts = mocks.countsByType();
    expect(counts['aws:apigatewayv2/api:Api']).toBe(1);
    expect(counts['aws:apigatewayv2/route:Route']).toBe(22);
    expect(counts['aws:apigatewayv2/vpcLink:VpcLink']).toBe(1);
    expect(counts['aws:apigatewayv2/authorizer:Authorizer']).toBe(1);
    expect(counts['aws:cloudwatch/metricAlarm:MetricAlarm']).toBe(24);
    expect(counts['aws:cloudwatch/compositeAlarm:CompositeAlarm']).toBe(1);
    expect(counts['aws:wafv2/webAcl:WebAcl']).toBe(1);
    expect(counts['aws:wafv2/webAclAssociation:WebAclAssociation']).toBe(1);
    expect(counts['aws:cloudwatch/dashboard:Dashboard']).toBe(1);
    // No custom domain configured in dev.
    expect(counts['aws:apigatewayv2/domainName:DomainName']).toBeUndefined();
  });

  it('allows any origin in dev (CORS_ALLOWED_ORIGINS)', () => {
    const api = mocks.byType('aws:apigatewayv2/api:Api')[0]!;
    expect(api.inputs['name']).toBe('tradai-api-dev');
    expect((api.inputs['corsConfiguration'] as { allowOrigins: string[] }).allowOrigins).toEqual(['*']);
  });

  it('reaches the ALB over its HTTP listener (no certificate), one integration per ALB service', () => {
    const integrations = mocks.byType('aws:apigatewayv2/integration:Integration').filter((i) => i.inputs['connectionType'] === 'VPC_LINK');
    expect(integrations).toHaveLength(4);
    for (const i of integrations) {
      expect(i.inputs['integrationUri']).toBe(compute.alb_http_listener_arn);
      expect(i.inputs['tlsConfig']).toBeUndefined();
    }
  });

  it('places the VPC Link in the private subnets with the ALB security group', () => {
    const link = mocks.byType('aws:apigatewayv2/vpcLink:VpcLink')[0]!;
    expect(link.inputs['subnetIds']).toEqual(foundation.private_subnet_ids);
    expect(link.inputs['securityGroupIds']).toEqual([foundation.alb_security_group_id]);
  });

  it('associates the WebACL with the ALB, blocking the documented default countries when none are configured', () => {
    const assoc = mocks.byType('aws:wafv2/webAclAssociation:WebAclAssociation')[0]!;
    expect(assoc.inputs['resourceArn']).toBe(compute.alb_arn);
    const acl = mocks.byType('aws:wafv2/webAcl:WebAcl')[0]!;
    const geo = (acl.inputs['rules'] as { name: string; statement: { geoMatchStatement?: { countryCodes: string[] } } }[]).find((r) => r.name === 'geo-block');
    expect(geo?.statement.geoMatchStatement?.countryCodes).toEqual([...GEO_BLOCK_DEFAULT]);
  });

  it('forwards the caller address to the ALB in the header the WAF rate and geo rules key on', () => {
    const acl = mocks.byType('aws:wafv2/webAcl:WebAcl')[0]!;
    const rules = acl.inputs['rules'] as { name: string; statement: Record<string, { forwardedIpConfig?: { headerName: string } }> }[];
    const header = rules.find((r) => r.name === 'rate-limit')!.statement['rateBasedStatement']!.forwardedIpConfig!.headerName;
    expect(rules.find((r) => r.name === 'geo-block')!.statement['geoMatchStatement']!.forwardedIpConfig!.headerName).toBe(header);
    const integrations = mocks.byType('aws:apigatewayv2/integration:Integration').filter((i) => i.inputs['connectionType'] === 'VPC_LINK');
    for (const i of integrations) expect(i.inputs['requestParameters']).toEqual({ [`overwrite:header.${header.toLowerCase()}`]: '$context.identity.sourceIp' });
  });

  it('keeps logs for the dev retention (30 days)', () => {
    for (const lg of mocks.byType('aws:cloudwatch/logGroup:LogGroup')) expect(lg.inputs['retentionInDays']).toBe(30);
  });

  it('shows the consolidated instance on the dashboard', () => {
    const body = JSON.parse(mocks.byType('aws:cloudwatch/dashboard:Dashboard')[0]!.inputs['dashboardBody'] as string) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] };
    const ec2 = body.widgets.find((w) => w.properties.title?.startsWith('Consolidated EC2'));
    expect(ec2!.properties.metrics![0]).toContain(compute.consolidated_asg_name);
  });
});
