import {
  ALB_PATH_PATTERNS,
  AssumeRolePolicyBuilder,
  PolicyBuilder,
  type PolicyDocument,
  API_ROUTES,
  API_THROTTLING,
  ConfigError,
  routeKey,
  type ApiRoute,
  type RouteTarget,
  type ServiceName,
} from '@tradai/infra-shared';
import { scopeClaim } from '@tradai/contracts';

/** The route target that is not behind the ALB: API Gateway sends it straight to SQS. */
export const SQS_BACKTEST_TARGET = 'sqs:backtest' satisfies RouteTarget;

/** How one route is wired: which integration it targets and whether the JWT authorizer guards it. */
export interface RoutePlan {
  readonly routeKey: string;
  /** `sqs:backtest` or the ALB service the route reaches through the VPC Link. */
  readonly target: RouteTarget;
  readonly authorizationType: 'JWT' | 'NONE';
  /** Scopes of which the token must carry one (empty: any valid token; only for NONE). */
  readonly authorizationScopes: readonly string[];
}

/**
 * Scopes Cognito puts in every user access token of this pool: `openid` from the hosted-UI code
 * flow (the web client allows openid/email/profile), `aws.cognito.signin.user.admin` from SRP
 * sign-in. A client-credentials token can carry neither (M2M clients get only resource-server
 * scopes), so listing them on a route admits users and no M2M client.
 */
export const USER_TOKEN_SCOPES = ['openid', 'aws.cognito.signin.user.admin'] as const;

/**
 * The route's `authorizationScopes` from its API_ROUTES access row. The JWT authorizer accepts a
 * token carrying any one listed scope, so it enforces the M2M half of the matrix exactly: a
 * client token must hold one of the route's scopes. It cannot check the user half: groups are in
 * `cognito:groups`, a claim API Gateway never reads. So a route open to some group admits every
 * user access token here (USER_TOKEN_SCOPES), and the service checks the group (requireAccess in
 * @tradai/service-runtime). Two targets have no service behind them to do so: POST
 * /api/v1/backtests goes straight to SQS and /mlflow/{proxy+} to the upstream MLflow image, so on
 * those two any signed-in user passes. Scopes also turn ID tokens away (they carry no `scope`):
 * callers send access tokens, which is what the services verify too.
 */
export function routeScopes(route: ApiRoute): string[] {
  if (!route.auth) return [];
  const access = route.access;
  if (!access || access.groups.length + access.scopes.length === 0) throw new Error(`API_ROUTES: ${routeKey(route)} requires auth but admits no group or scope`);
  return [...access.scopes.map(scopeClaim), ...(access.groups.length > 0 ? USER_TOKEN_SCOPES : [])];
}

/**
 * The routes of API_ROUTES, in order, with their target and authorization. With `albAvailable`
 * false (tradai:skipAlb) only routes that need no ALB are kept: the backtest submission goes
 * straight to SQS and keeps working; every service route would have nothing to reach.
 */
export function planRoutes(routes: readonly ApiRoute[] = API_ROUTES, albAvailable = true): RoutePlan[] {
  const seen = new Set<string>();
  return routes
    .filter((r) => albAvailable || r.target === SQS_BACKTEST_TARGET)
    .map((r) => {
      const key = routeKey(r);
      if (seen.has(key)) throw new Error(`API_ROUTES: route ${key} is defined twice`);
      seen.add(key);
      return { routeKey: key, target: r.target, authorizationType: r.auth ? 'JWT' : 'NONE', authorizationScopes: routeScopes(r) } as const;
    });
}

/** The ALB services some route targets, in first-use order: one VPC Link integration each. */
export function albTargets(routes: readonly RoutePlan[]): ServiceName[] {
  return [...new Set(routes.map((r) => r.target).filter((t): t is ServiceName => t !== SQS_BACKTEST_TARGET))];
}

/**
 * Logical-name friendly route id: `POST /api/v1/backtests` -> `post-api-v1-backtests`,
 * `/mlflow/{proxy+}` -> `any-mlflow-proxy`. Unique per route key.
 */
export function routeSlug(key: string): string {
  return key
    .toLowerCase()
    .replace(/[{}+]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** ALB path-pattern match: `*` is any run of characters, `?` exactly one (case-sensitive, whole path). */
export function albPatternMatches(pattern: string, path: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(path);
}

/** A concrete request path for a route template: `{id}` -> `id`, `{proxy+}` -> `proxy/path`. */
export function samplePath(template: string): string {
  return template.replace(/\{([^}+]+)\+\}/g, '$1/path').replace(/\{([^}]+)\}/g, '$1');
}

/**
 * The ALB service a request path lands on, from ALB_PATH_PATTERNS. Every route through the VPC
 * Link hits the same listener, so its configured target is only true if the listener rules send
 * its path there: a route whose path no pattern (or two services' patterns) match is an error.
 */
export function albServiceForPath(path: string, patterns: Readonly<Partial<Record<ServiceName, readonly string[]>>> = ALB_PATH_PATTERNS): ServiceName {
  const matches = (Object.entries(patterns) as [ServiceName, readonly string[]][])
    .filter(([, list]) => list.some((p) => albPatternMatches(p, path)))
    .map(([service]) => service);
  if (matches.length === 0) throw new Error(`ALB_PATH_PATTERNS: no listener rule matches ${path}; the ALB would answer it with its default action`);
  if (matches.length > 1) throw new Error(`ALB_PATH_PATTERNS: ${path} matches the rules of ${matches.join(' and ')}; listener rule order would decide`);
  return matches[0]!;
}

/** Checks every ALB-bound route reaches, through the listener rules, the service API_ROUTES names. */
export function assertRoutesReachTargets(routes: readonly ApiRoute[] = API_ROUTES): void {
  for (const r of routes) {
    if (r.target === SQS_BACKTEST_TARGET) continue;
    const service = albServiceForPath(samplePath(r.path));
    if (service !== r.target) {
      throw new Error(`API_ROUTES: ${routeKey(r)} targets ${r.target}, but ALB_PATH_PATTERNS send ${r.path} to ${service}`);
    }
  }
}

/** Stage throttling: the default for every route and the tighter per-route limits (API_THROTTLING). */
export function stageThrottling(routes: readonly RoutePlan[]) {
  const keys = new Set(routes.map((r) => r.routeKey));
  const known = new Set(API_ROUTES.map(routeKey));
  const unknown = Object.keys(API_THROTTLING.routes).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`API_THROTTLING.routes: ${unknown.join(', ')} is not a route of API_ROUTES`);
  return {
    defaultRouteSettings: {
      throttlingRateLimit: API_THROTTLING.default.rateLimit,
      throttlingBurstLimit: API_THROTTLING.default.burstLimit,
      // Per-route metrics are billed per route and metric; the dashboard and alarms use API-level ones.
      detailedMetricsEnabled: false,
    },
    // A route setting for a route the API does not have is rejected by API Gateway.
    routeSettings: Object.entries(API_THROTTLING.routes)
      .filter(([key]) => keys.has(key))
      .map(([key, limits]) => ({ routeKey: key, throttlingRateLimit: limits.rateLimit, throttlingBurstLimit: limits.burstLimit })),
  };
}

/**
 * HTTP API CORS configuration, or undefined (no CORS block) when no origin is allowed: then
 * browsers refuse cross-origin calls, which is what an empty origin list means.
 */
export function corsConfiguration(origins: readonly string[], routes: readonly ApiRoute[] = API_ROUTES) {
  if (origins.length === 0) return undefined;
  const methods = [...new Set(routes.map((r) => r.method).filter((m) => m !== 'ANY')), 'OPTIONS'];
  return {
    allowOrigins: [...origins],
    allowMethods: methods,
    allowHeaders: ['authorization', 'content-type'],
    // Tokens travel in the Authorization header, not cookies; credentials with `*` are refused by browsers anyway.
    allowCredentials: false,
    maxAge: 3600,
  };
}

/** JSON access-log line per request (HTTP API `$context` variables). */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  principal: '$context.authorizer.claims.sub',
});

/**
 * Parameters of the `SQS-SendMessage` integration: the queue, and the request body as the message
 * (backtest-consumer validates it, so nothing is parsed here).
 */
export function sqsSendMessageParameters<T>(queueUrl: T): { QueueUrl: T; MessageBody: string } {
  return { QueueUrl: queueUrl, MessageBody: '$request.body' };
}

/** `https://<cognito_user_pool_endpoint>`: the issuer Cognito puts in its tokens. */
export function jwtIssuer(userPoolEndpoint: string): string {
  const host = userPoolEndpoint.replace(/^https:\/\//, '');
  if (!/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[\w-]+_\w+$/.test(host)) {
    throw new Error(`cognito_user_pool_endpoint "${userPoolEndpoint}" is not a Cognito user pool endpoint (cognito-idp.<region>.amazonaws.com/<pool id>)`);
  }
  return `https://${host}`;
}

/** Which ALB listener the VPC Link integrations use, and whether they speak TLS to it. */
export interface ListenerChoice {
  readonly listenerArn: string;
  /** Server name API Gateway verifies on the ALB certificate; set only for the HTTPS listener. */
  readonly serverNameToVerify?: string;
}

/**
 * The HTTPS listener when compute has one (a certificate is configured), else the HTTP listener.
 * Private integrations speak plain HTTP unless a TLS config with a server name is given (the
 * provider drops an empty one), so HTTPS needs a name the ALB certificate covers: the custom
 * domain's. The HTTP listener redirects to HTTPS when a certificate exists, so falling back to it
 * would send every client a redirect: that case is an error naming the keys to set.
 */
export function chooseListener(
  listeners: { readonly https?: string; readonly http?: string },
  customDomain: string | undefined,
): ListenerChoice {
  if (listeners.https) {
    if (!customDomain) {
      throw new ConfigError(
        'tradai:apiDomain',
        'compute has an HTTPS listener (tradai:apiDomain or tradai:certificateArn is set there), so API Gateway must verify a name on the ALB certificate: set the same tradai:apiDomain in the edge stack, or tradai:customDomain to a domain the hand-made certificate covers',
      );
    }
    return { listenerArn: listeners.https, serverNameToVerify: customDomain };
  }
  if (listeners.http) return { listenerArn: listeners.http };
  throw new ConfigError(
    'tradai:skipAlb',
    'tradai-compute exports no ALB listener (alb_https_listener_arn / alb_http_listener_arn), so the 20 service routes have nothing to reach: deploy compute with its ALB, or set tradai:skipAlb true in the edge stack to serve only POST /api/v1/backtests',
  );
}

/**
 * Trust policy of the SQS integration role. No aws:SourceAccount condition: API Gateway does not
 * document setting it when it assumes an integration role, and a role cannot be passed across
 * accounts anyway.
 */
export function apiGatewayTrustPolicy(): PolicyDocument {
  return AssumeRolePolicyBuilder.forService('apigateway.amazonaws.com').build();
}

/** The SQS integration may send to the backtest queue and nothing else (not even read its attributes). */
export function sqsSendPolicy(queueArn: string): PolicyBuilder {
  return new PolicyBuilder('api-sqs-send').allow('SendMessage', ['sqs:SendMessage'], [queueArn]);
}
