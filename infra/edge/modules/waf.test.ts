import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';

/** One scenario: staging with geo blocking and a custom rate limit, associated with an ALB. */
let mocks: PulumiMocks;
const ALB_ARN = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/tradai-alb-staging/0123';

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-edge', stack: 'staging', config: { geoBlockCountries: '["KP","IR"]', wafRateLimit: '750' } });
  const { Waf } = await import('./waf.js');
  await runInStack(() => {
    const waf = new Waf('waf', { cfg: stackConfig(), albArn: ALB_ARN });
    return { arn: waf.webAcl.arn };
  });
  await pulumi.runtime.disconnect();
});

type Rule = { name: string; priority: number; statement: Record<string, Record<string, unknown>>; action?: object; overrideAction?: object };
const acl = () => mocks.byType('aws:wafv2/webAcl:WebAcl')[0]!;
const rules = () => acl().inputs['rules'] as Rule[];

describe('Waf', () => {
  it('is a regional WebACL that allows by default, with metrics and sampling on', () => {
    expect(acl().inputs).toMatchObject({
      name: 'tradai-waf-staging',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'tradai-waf-staging' },
    });
  });

  it('blocks the configured countries first', () => {
    const geo = rules()[0]!;
    expect(geo.name).toBe('geo-block');
    expect(geo.statement['geoMatchStatement']!['countryCodes']).toEqual(['KP', 'IR']);
    expect(geo.action).toEqual({ block: {} });
  });

  it('rate-limits with tradai:wafRateLimit per forwarded client address, exempting no source range', () => {
    const rate = rules().find((r) => r.name === 'rate-limit')!;
    expect(rate.statement['rateBasedStatement']).toMatchObject({ limit: 750, aggregateKeyType: 'FORWARDED_IP', forwardedIpConfig: { headerName: 'X-Tradai-Client-Ip' } });
    expect(rate.statement['rateBasedStatement']!['scopeDownStatement']).toBeUndefined();
    expect(mocks.byType('aws:wafv2/ipSet:IpSet')).toHaveLength(0);
  });

  it('uses the common, known-bad-inputs (Log4j) and IP reputation managed groups', () => {
    const managed = rules().filter((r) => r.statement['managedRuleGroupStatement']).map((r) => r.statement['managedRuleGroupStatement']!['name']);
    expect(managed.sort()).toEqual(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    expect(new Set(rules().map((r) => r.priority)).size).toBe(rules().length);
  });

  it('logs to an aws-waf-logs- group with the env retention, redacting the Authorization header', () => {
    const logGroup = mocks.byType('aws:cloudwatch/logGroup:LogGroup')[0]!;
    expect(logGroup.inputs['name']).toBe('aws-waf-logs-tradai-waf-staging');
    expect(logGroup.inputs['retentionInDays']).toBe(30);
    const logging = mocks.byType('aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration')[0]!;
    expect(logging.inputs['logDestinationConfigs']).toEqual(['arn:aws:logs:eu-central-1:123456789012:log-group:aws-waf-logs-tradai-waf-staging']);
    expect(logging.inputs['resourceArn']).toMatch(/:regional\/webacl\/tradai-waf-staging\//);
    expect(logging.inputs['redactedFields']).toEqual([{ singleHeader: { name: 'authorization' } }]);
  });

  it('is associated with the ALB only (an HTTP API stage cannot take a WebACL)', () => {
    const assoc = mocks.byType('aws:wafv2/webAclAssociation:WebAclAssociation');
    expect(assoc).toHaveLength(1);
    expect(assoc[0]!.inputs['resourceArn']).toBe(ALB_ARN);
  });
});
