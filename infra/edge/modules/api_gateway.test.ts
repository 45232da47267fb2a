import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, routeKey } from '@tradai/infra-shared';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { runInStack, setupStackTest, type PulumiMocks, type RecordedResource } from '@tradai/infra-shared/testing';

/** One scenario: prod, HTTPS listener, custom domain; the module on its own with plain inputs. */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
const QUEUE_ARN = 'arn:aws:sqs:eu-central-1:123456789012:tradai-backtest-queue-prod';
const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/tradai-backtest-queue-prod';
const DOMAIN = { domainName: 'api.tradai.example.com', certificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/abc-123' };

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-edge', stack: 'prod', config: { customDomain: JSON.stringify(DOMAIN) } });
  const { ApiGateway } = await import('./api_gateway.js');
  outputs = await runInStack(() => {
    const api = new ApiGateway('api', {
      cfg: stackConfig(),
      privateSubnetIds: ['subnet-a', 'subnet-b'],
      vpcLinkSecurityGroupIds: ['sg-alb'],
      albListeners: { https: 'arn:listener/https', http: 'arn:listener/http' },
      cognitoUserPoolEndpoint: 'cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool1',
      cognitoClientIds: ['webclient', 'm2mclient'],
      backtestQueueUrl: QUEUE_URL,
      backtestQueueArn: QUEUE_ARN,
      customDomain: DOMAIN,
    });
    return { endpoint: api.endpoint, id: api.api.id };
  });
  // Resources whose inputs wait on other resources may still be registering.
  await pulumi.runtime.disconnect();
});

const ofType = (t: string) => mocks.byType(`aws:apigatewayv2/${t}`);
const integrationName = (route: RecordedResource) => /^integrations\/(.+)$/.exec(String(route.inputs['target']))![1]!;

describe('ApiGateway routes', () => {
  it('creates the 22 routes of API_ROUTES', () => {
    const keys = ofType('route:Route').map((r) => r.inputs['routeKey']);
    expect(keys.sort()).toEqual(API_ROUTES.map(routeKey).sort());
  });

  it('guards every route with the JWT authorizer except GET /health', () => {
    const authorizer = ofType('authorizer:Authorizer')[0]!;
    for (const route of ofType('route:Route')) {
      if (route.inputs['routeKey'] === 'GET /health') {
        expect(route.inputs['authorizationType']).toBe('NONE');
        expect(route.inputs['authorizerId']).toBeUndefined();
      } else {
        expect(route.inputs['authorizationType']).toBe('JWT');
        // Mock ids are the physical name: the authorizer's name input.
        expect(route.inputs['authorizerId']).toBe(authorizer.inputs['name']);
      }
    }
  });

  it('sets each JWT route\'s authorizationScopes from its API_ROUTES access row', () => {
    const byKey = new Map(ofType('route:Route').map((r) => [r.inputs['routeKey'], r]));
    expect(byKey.get('POST /api/v1/strategies')!.inputs['authorizationScopes']).toEqual(['tradai-api/strategies.write', 'openid', 'aws.cognito.signin.user.admin']);
    expect(byKey.get('POST /api/v1/backtests')!.inputs['authorizationScopes']).toContain('tradai-api/backtests.write');
    // User-only: no M2M scope, so client-credentials tokens are refused at the gateway.
    expect(byKey.get('POST /api/v1/models/{name}/rollback')!.inputs['authorizationScopes']).toEqual(['openid', 'aws.cognito.signin.user.admin']);
    expect(byKey.get('GET /health')!.inputs['authorizationScopes']).toBeUndefined();
  });

  it('sends each route to the integration of its configured target', () => {
    const integrations = new Map(ofType('integration:Integration').map((i) => [i.name, i]));
    for (const r of API_ROUTES) {
      const route = ofType('route:Route').find((x) => x.inputs['routeKey'] === routeKey(r))!;
      const integration = integrations.get(integrationName(route))!;
      if (r.target === 'sqs:backtest') {
        expect(integration.inputs['integrationSubtype']).toBe('SQS-SendMessage');
      } else {
        expect(integration.name).toBe(`api-${r.target}`);
        expect(integration.inputs['connectionType']).toBe('VPC_LINK');
      }
    }
  });
});

describe('ApiGateway integrations', () => {
  it('reaches the HTTPS listener through the VPC Link, verifying the custom domain name', () => {
    const link = ofType('vpcLink:VpcLink')[0]!;
    expect(link.inputs).toMatchObject({ subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-alb'], name: 'tradai-vpc-link-prod' });
    const alb = ofType('integration:Integration').filter((i) => i.inputs['connectionType'] === 'VPC_LINK');
    expect(alb.map((i) => i.name).sort()).toEqual(['api-backend-api', 'api-data-collection', 'api-mlflow', 'api-strategy-service']);
    for (const i of alb) {
      expect(i.inputs).toMatchObject({
        integrationType: 'HTTP_PROXY',
        integrationMethod: 'ANY',
        integrationUri: 'arn:listener/https',
        connectionId: 'tradai-vpc-link-prod',
        payloadFormatVersion: '1.0',
        tlsConfig: { serverNameToVerify: DOMAIN.domainName },
      });
    }
  });

  it('posts backtests straight to SQS with the queue URL and the request body', () => {
    const sqs = mocks.find('aws:apigatewayv2/integration:Integration', 'api-sqs-backtest');
    expect(sqs.inputs).toMatchObject({
      integrationType: 'AWS_PROXY',
      integrationSubtype: 'SQS-SendMessage',
      payloadFormatVersion: '1.0',
      requestParameters: { QueueUrl: QUEUE_URL, MessageBody: '$request.body' },
    });
    const role = mocks.find('aws:iam/role:Role', 'api-sqs-role');
    expect(sqs.inputs['credentialsArn']).toBe(`arn:aws:iam::123456789012:role/${String(role.inputs['name'])}`);
  });

  it('lets only API Gateway assume the SQS role, which may only send to the backtest queue', () => {
    const role = mocks.find('aws:iam/role:Role', 'api-sqs-role');
    const trust = JSON.parse(String(role.inputs['assumeRolePolicy'])) as { Statement: { Principal: { Service: string | string[] }; Action: string | string[] }[] };
    expect(trust.Statement).toHaveLength(1);
    expect([trust.Statement[0]!.Principal.Service].flat()).toEqual(['apigateway.amazonaws.com']);
    const policies = mocks.byType('aws:iam/rolePolicy:RolePolicy');
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(String(policies[0]!.inputs['policy'])) as { Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[] };
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]!.Effect).toBe('Allow');
    expect([doc.Statement[0]!.Action].flat()).toEqual(['sqs:SendMessage']);
    expect([doc.Statement[0]!.Resource].flat()).toEqual([QUEUE_ARN]);
  });

  it('validates Cognito tokens for the web and M2M clients', () => {
    const authorizer = ofType('authorizer:Authorizer')[0]!;
    expect(authorizer.inputs).toMatchObject({
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool1', audiences: ['webclient', 'm2mclient'] },
    });
  });
});

describe('ApiGateway stage, CORS and domain', () => {
  it('auto-deploys $default with 100 rps default and 10 rps on POST /api/v1/backtests', () => {
    const stage = ofType('stage:Stage')[0]!;
    expect(stage.inputs).toMatchObject({ name: '$default', autoDeploy: true, defaultRouteSettings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 } });
    expect(stage.inputs['routeSettings']).toEqual([{ routeKey: 'POST /api/v1/backtests', throttlingRateLimit: 10, throttlingBurstLimit: 20 }]);
  });

  it('writes JSON access logs to a log group with the prod retention', () => {
    const stage = ofType('stage:Stage')[0]!;
    const settings = stage.inputs['accessLogSettings'] as { destinationArn: string; format: string };
    expect(settings.destinationArn).toBe('arn:aws:logs:eu-central-1:123456789012:log-group:/aws/apigateway/tradai-api-prod');
    expect(JSON.parse(settings.format)).toHaveProperty('requestId', '$context.requestId');
    expect(mocks.find('aws:cloudwatch/logGroup:LogGroup', 'api-access-logs').inputs['retentionInDays']).toBe(90);
  });

  it('has no CORS block in prod (no allowed origins)', () => {
    expect(ofType('api:Api')[0]!.inputs['corsConfiguration']).toBeUndefined();
  });

  it('maps the custom domain to the $default stage', () => {
    const domain = ofType('domainName:DomainName')[0]!;
    expect(domain.inputs).toMatchObject({
      domainName: DOMAIN.domainName,
      domainNameConfiguration: { certificateArn: DOMAIN.certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
    });
    const mapping = ofType('apiMapping:ApiMapping')[0]!;
    expect(mapping.inputs['domainName']).toBe(DOMAIN.domainName);
    expect(mapping.inputs['apiId']).toBe(outputs['id']);
  });

  it('tags resources and exposes the execute-api endpoint', () => {
    expect(ofType('api:Api')[0]!.inputs['tags']).toMatchObject({ Application: 'tradai', Environment: 'prod' });
    expect(outputs['endpoint']).toBe(`https://${String(outputs['id'])}.execute-api.eu-central-1.amazonaws.com`);
  });
});
