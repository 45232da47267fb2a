import { describe, expect, it } from 'vitest';
import { API_ROUTES, ConfigError, type ApiRoute } from '@tradai/infra-shared';
import {
  ACCESS_LOG_FORMAT,
  albPatternMatches,
  albServiceForPath,
  albTargets,
  apiGatewayTrustPolicy,
  assertRoutesReachTargets,
  chooseListener,
  corsConfiguration,
  jwtIssuer,
  planRoutes,
  routeScopes,
  routeSlug,
  USER_TOKEN_SCOPES,
  samplePath,
  sqsSendMessageParameters,
  sqsSendPolicy,
  stageThrottling,
} from './api_gateway.logic.js';

describe('planRoutes', () => {
  const plans = planRoutes();

  it('keeps all 22 routes, only /health unauthenticated', () => {
    expect(plans).toHaveLength(22);
    expect(plans.filter((p) => p.authorizationType === 'NONE').map((p) => p.routeKey)).toEqual(['GET /health']);
    expect(plans.filter((p) => p.authorizationType === 'JWT')).toHaveLength(21);
  });

  it('sends the backtest submission to SQS and every other route to its service', () => {
    expect(plans.find((p) => p.routeKey === 'POST /api/v1/backtests')!.target).toBe('sqs:backtest');
    expect(plans.find((p) => p.routeKey === 'GET /api/v1/backtests')!.target).toBe('backend-api');
    expect(plans.find((p) => p.routeKey === 'ANY /mlflow/{proxy+}')!.target).toBe('mlflow');
    expect(plans.filter((p) => p.target === 'sqs:backtest')).toHaveLength(1);
  });

  it('keeps only the SQS route when the ALB is skipped', () => {
    expect(planRoutes(API_ROUTES, false).map((p) => p.routeKey)).toEqual(['POST /api/v1/backtests']);
  });

  it('refuses a duplicated route key', () => {
    const dup: ApiRoute[] = [API_ROUTES[0]!, { ...API_ROUTES[0]! }];
    expect(() => planRoutes(dup)).toThrow('GET /health is defined twice');
  });

  it('lists the ALB services some route targets, once each', () => {
    expect(albTargets(plans).sort()).toEqual(['backend-api', 'data-collection', 'mlflow', 'strategy-service']);
  });

  it('derives unique logical-name slugs', () => {
    expect(routeSlug('ANY /mlflow/{proxy+}')).toBe('any-mlflow-proxy');
    expect(routeSlug('GET /api/v1/backtests/{id}/results')).toBe('get-api-v1-backtests-id-results');
    expect(new Set(plans.map((p) => routeSlug(p.routeKey))).size).toBe(22);
  });
});

describe('routeScopes (the M2M half of the authorization matrix)', () => {
  const plans = planRoutes();
  const scopesOf = (key: string) => plans.find((p) => p.routeKey === key)!.authorizationScopes;

  it('admits user tokens and M2M tokens with the route scope on strategy writes', () => {
    expect(scopesOf('PUT /api/v1/strategies/{name}/config')).toEqual(['tradai-api/strategies.write', 'openid', 'aws.cognito.signin.user.admin']);
    expect(scopesOf('GET /api/v1/strategies')).toEqual(['tradai-api/strategies.read', ...USER_TOKEN_SCOPES]);
  });

  it('shuts M2M clients out of user-only routes (model promotion) by listing only user-token scopes', () => {
    expect(scopesOf('POST /api/v1/models/{name}/promote')).toEqual([...USER_TOKEN_SCOPES]);
    for (const p of plans) if (p.authorizationType === 'JWT') expect(p.authorizationScopes.length, p.routeKey).toBeGreaterThan(0);
  });

  it('lists no scopes on the public route and only scopes for an M2M-only route', () => {
    expect(scopesOf('GET /health')).toEqual([]);
    const m2mOnly: ApiRoute = { method: 'GET', path: '/api/v1/x', target: 'backend-api', auth: true, access: { groups: [], scopes: ['backtests.read'] } };
    expect(routeScopes(m2mOnly)).toEqual(['tradai-api/backtests.read']);
  });

  it('refuses an authenticated route that admits nobody', () => {
    const nobody: ApiRoute = { method: 'GET', path: '/api/v1/x', target: 'backend-api', auth: true, access: { groups: [], scopes: [] } };
    expect(() => routeScopes(nobody)).toThrow('API_ROUTES: GET /api/v1/x requires auth but admits no group or scope');
    expect(() => routeScopes({ ...nobody, access: undefined })).toThrow(/admits no group or scope/);
  });
});

describe('ALB path routing consistency', () => {
  it('matches ALB wildcards like the ALB does', () => {
    expect(albPatternMatches('/api/v1/backtests*', '/api/v1/backtests/id/results')).toBe(true);
    expect(albPatternMatches('/health', '/healthz')).toBe(false);
    expect(albPatternMatches('/mlflow*', '/api/mlflow')).toBe(false);
    expect(albPatternMatches('/a?c', '/abc')).toBe(true);
  });

  it('turns route templates into concrete paths', () => {
    expect(samplePath('/mlflow/{proxy+}')).toBe('/mlflow/proxy/path');
    expect(samplePath('/api/v1/strategies/{name}/config')).toBe('/api/v1/strategies/name/config');
  });

  it('every ALB route reaches the service API_ROUTES names through the listener rules', () => {
    expect(() => assertRoutesReachTargets()).not.toThrow();
    expect(albServiceForPath('/api/v1/data/ohlcv/BTC')).toBe('data-collection');
  });

  it('names a route whose path the listener sends elsewhere', () => {
    const wrong: ApiRoute[] = [{ method: 'GET', path: '/api/v1/models', target: 'strategy-service', auth: true }];
    expect(() => assertRoutesReachTargets(wrong)).toThrow('GET /api/v1/models targets strategy-service, but ALB_PATH_PATTERNS send /api/v1/models to backend-api');
  });

  it('reports paths no rule matches and paths two services claim', () => {
    expect(() => albServiceForPath('/nowhere')).toThrow('no listener rule matches /nowhere');
    expect(() => albServiceForPath('/x', { 'backend-api': ['/x*'], mlflow: ['/x'] })).toThrow('matches the rules of backend-api and mlflow');
  });
});

describe('stage throttling', () => {
  it('defaults to 100 rps with a burst, 10 rps on the backtest submission', () => {
    const t = stageThrottling(planRoutes());
    expect(t.defaultRouteSettings.throttlingRateLimit).toBe(100);
    expect(t.defaultRouteSettings.throttlingBurstLimit).toBeGreaterThanOrEqual(100);
    expect(t.routeSettings).toEqual([{ routeKey: 'POST /api/v1/backtests', throttlingRateLimit: 10, throttlingBurstLimit: 20 }]);
  });

  it('only sets route throttling for routes the API has', () => {
    const onlyHealth = planRoutes([API_ROUTES[0]!]);
    expect(stageThrottling(onlyHealth).routeSettings).toEqual([]);
  });
});

describe('CORS', () => {
  it('has no CORS block without allowed origins (staging, prod)', () => {
    expect(corsConfiguration([])).toBeUndefined();
  });

  it('allows the configured origins with the methods the routes use', () => {
    const cors = corsConfiguration(['*'])!;
    expect(cors.allowOrigins).toEqual(['*']);
    expect(cors.allowMethods.sort()).toEqual(['DELETE', 'GET', 'OPTIONS', 'POST', 'PUT']);
    expect(cors.allowHeaders).toContain('authorization');
    expect(cors.allowCredentials).toBe(false);
  });
});

describe('integration details', () => {
  it('sends the raw request body to the queue', () => {
    expect(sqsSendMessageParameters('https://sqs/q')).toEqual({ QueueUrl: 'https://sqs/q', MessageBody: '$request.body' });
  });

  it('logs JSON with the request id, route, status and the authorizer error', () => {
    const fields = JSON.parse(ACCESS_LOG_FORMAT) as Record<string, string>;
    expect(fields['requestId']).toBe('$context.requestId');
    expect(fields['routeKey']).toBe('$context.routeKey');
    expect(fields['status']).toBe('$context.status');
    expect(fields['authorizerError']).toBe('$context.authorizer.error');
  });

  it('builds the Cognito issuer from the pool endpoint', () => {
    expect(jwtIssuer('cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc123')).toBe('https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc123');
    expect(jwtIssuer('https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc123')).toBe('https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc123');
    expect(() => jwtIssuer('example.com')).toThrow('is not a Cognito user pool endpoint');
  });
});

describe('chooseListener', () => {
  it('uses the HTTPS listener and verifies the custom domain on its certificate', () => {
    expect(chooseListener({ https: 'arn:https', http: 'arn:http' }, 'api.tradai.example.com')).toEqual({ listenerArn: 'arn:https', serverNameToVerify: 'api.tradai.example.com' });
  });

  it('falls back to the HTTP listener when there is no certificate', () => {
    expect(chooseListener({ http: 'arn:http' }, undefined)).toEqual({ listenerArn: 'arn:http' });
  });

  it('refuses HTTPS without a name to verify, naming the key', () => {
    expect(() => chooseListener({ https: 'arn:https', http: 'arn:http' }, undefined)).toThrow(ConfigError);
    expect(() => chooseListener({ https: 'arn:https' }, undefined)).toThrow('tradai:apiDomain');
  });

  it('refuses a compute stack without listeners, naming tradai:skipAlb', () => {
    expect(() => chooseListener({}, undefined)).toThrow('tradai:skipAlb');
  });
});

describe('SQS integration role policies', () => {
  it('trusts API Gateway only', () => {
    const trust = apiGatewayTrustPolicy();
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: ['sts:AssumeRole'] });
  });

  it('allows sqs:SendMessage on the one queue and nothing else', () => {
    const doc = sqsSendPolicy('arn:aws:sqs:eu-central-1:123456789012:tradai-backtest-queue-dev').build();
    expect(doc.Statement).toEqual([
      { Sid: 'ApiSqsSendSendMessage', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['arn:aws:sqs:eu-central-1:123456789012:tradai-backtest-queue-dev'] },
    ]);
    expect(() => sqsSendPolicy('not-an-arn').build()).toThrow('is not an ARN');
  });
});
