import type { ServiceEndpointName } from './services.js';

/*
 * The route table every party reads: API Gateway (edge stack), the ALB listener rules (compute),
 * each service's OpenAPI document and route set, and the local gateway. Shared code: no Pulumi,
 * no SDK.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'ANY';
/** A route goes to a service through the VPC Link + ALB, or straight to the backtest queue. */
export type RouteTarget = ServiceEndpointName | 'sqs:backtest';

/**
 * Cognito user groups (a user's `cognito:groups` claim). Each route lists every group it admits;
 * there is no implied hierarchy, so reading the table is enough to know who may call what.
 */
export const USER_GROUPS = ['viewer', 'trader', 'admin'] as const;
export type UserGroup = (typeof USER_GROUPS)[number];

/** Identifier of the Cognito resource server whose scopes M2M (client credentials) tokens carry. */
export const API_SCOPE_SERVER = 'tradai-api';
/** Scope names on {@link API_SCOPE_SERVER}; a token carries them as `tradai-api/<name>`. */
export const API_SCOPES = ['backtests.read', 'backtests.write', 'strategies.read', 'strategies.write', 'data.read', 'data.write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** `backtests.read` -> `tradai-api/backtests.read`: the string in a token's `scope` claim. */
export function scopeClaim(scope: ApiScope): string {
  return `${API_SCOPE_SERVER}/${scope}`;
}

/**
 * Who may call a route: a user token in any one of `groups`, or an M2M token with any one of
 * `scopes`. An empty list shuts that kind of caller out (e.g. model promotion is for people only).
 */
export interface RouteAccess {
  readonly groups: readonly UserGroup[];
  readonly scopes: readonly ApiScope[];
}

export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly target: RouteTarget;
  readonly auth: boolean;
  /** The authorization matrix row; undefined exactly when `auth` is false. */
  readonly access?: RouteAccess;
}

const READERS: readonly UserGroup[] = ['viewer', 'trader', 'admin'];
const TRADERS: readonly UserGroup[] = ['trader', 'admin'];
const ADMINS: readonly UserGroup[] = ['admin'];

/** Access row: user groups, then M2M scopes. */
const a = (groups: readonly UserGroup[], ...scopes: ApiScope[]): RouteAccess => ({ groups, scopes });
const PUBLIC = null;

const r = (method: HttpMethod, path: string, target: RouteTarget, access: RouteAccess | typeof PUBLIC): ApiRoute =>
  access ? { method, path, target, auth: true, access } : { method, path, target, auth: false };

/**
 * API_ROUTES: the 21 HTTP API routes of DESIGN.md plus the sync job status (22) and the authorization matrix. Only /health is
 * unauthenticated. Readers see, traders change strategies and run work, admins alone move models
 * in production; M2M clients (CI, strategy registration) get the backtest and strategy scopes, and
 * the scheduled data-collection-trigger Lambda starts data syncs with `data.write`.
 * Enforcement: API Gateway checks the scopes (infra/edge api_gateway.logic.ts routeScopes), every
 * service checks groups and scopes again (@tradai/service-runtime requireAccess).
 */
export const API_ROUTES: readonly ApiRoute[] = [
  r('GET', '/health', 'backend-api', PUBLIC),
  r('POST', '/api/v1/backtests', 'sqs:backtest', a(TRADERS, 'backtests.write')),
  r('GET', '/api/v1/backtests', 'backend-api', a(READERS, 'backtests.read')),
  r('GET', '/api/v1/backtests/{id}', 'backend-api', a(READERS, 'backtests.read')),
  r('GET', '/api/v1/backtests/{id}/results', 'backend-api', a(READERS, 'backtests.read')),
  r('DELETE', '/api/v1/backtests/{id}', 'backend-api', a(TRADERS, 'backtests.write')),
  r('GET', '/api/v1/strategies', 'strategy-service', a(READERS, 'strategies.read')),
  r('POST', '/api/v1/strategies', 'strategy-service', a(TRADERS, 'strategies.write')),
  r('GET', '/api/v1/strategies/{name}', 'strategy-service', a(READERS, 'strategies.read')),
  r('PUT', '/api/v1/strategies/{name}/config', 'strategy-service', a(TRADERS, 'strategies.write')),
  r('GET', '/api/v1/strategies/{name}/versions', 'strategy-service', a(READERS, 'strategies.read')),
  r('GET', '/api/v1/models', 'backend-api', a(READERS)),
  r('POST', '/api/v1/models/{name}/promote', 'backend-api', a(ADMINS)),
  r('POST', '/api/v1/models/{name}/rollback', 'backend-api', a(ADMINS)),
  r('GET', '/api/v1/deployments', 'backend-api', a(READERS)),
  r('GET', '/api/v1/trading/status', 'backend-api', a(READERS)),
  r('POST', '/api/v1/retraining/{strategy}', 'backend-api', a(TRADERS)),
  r('GET', '/api/v1/data/symbols', 'data-collection', a(READERS)),
  r('POST', '/api/v1/data/sync', 'data-collection', a(TRADERS, 'data.write')),
  // Not in the seed's 21: a long backfill answers 202 with this job's URL, which the client polls.
  r('GET', '/api/v1/data/sync/{jobId}', 'data-collection', a(READERS, 'data.read')),
  r('GET', '/api/v1/data/ohlcv/{symbol}', 'data-collection', a(READERS)),
  r('ANY', '/mlflow/{proxy+}', 'mlflow', a(TRADERS)),
];

/**
 * The API_ROUTES entry for `method` and `path` (the API Gateway template, `{name}`), or undefined.
 * Services look their routes up here so the access they enforce is the table's, not a copy.
 */
export function findRoute(method: HttpMethod, path: string, routes: readonly ApiRoute[] = API_ROUTES): ApiRoute | undefined {
  return routes.find((route) => route.method === method && route.path === path);
}

/** `POST /api/v1/backtests` -> the API Gateway route key. */
export function routeKey(route: ApiRoute): string {
  return `${route.method} ${route.path}`;
}

/** Fastify's path `/api/v1/backtests/:id` -> the API_ROUTES template `/api/v1/backtests/{id}`. */
export function routeTemplate(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The API_ROUTES template `/api/v1/strategies/{name}` -> Fastify's path `/api/v1/strategies/:name`. */
export function fastifyPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * ALB_PATH_PATTERNS: path-based routing per ALB service. An ALB rule accepts at most 5
 * condition values, so compute splits longer lists over several rules.
 */
export const ALB_PATH_PATTERNS: Readonly<Partial<Record<ServiceEndpointName, readonly string[]>>> = {
  'backend-api': [
    '/health',
    '/api/v1/backtests*',
    '/api/v1/models*',
    '/api/v1/deployments*',
    '/api/v1/trading*',
    '/api/v1/retraining*',
  ],
  'strategy-service': ['/api/v1/strategies*'],
  'data-collection': ['/api/v1/data*'],
  mlflow: ['/mlflow*'],
};

/** AWS limit: condition values per listener rule. */
export const ALB_MAX_VALUES_PER_RULE = 5;
