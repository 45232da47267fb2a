import type { ServiceEndpointName } from './services.js';

/*
 * The route table every party reads: API Gateway (edge stack), the ALB listener rules (compute),
 * each service's OpenAPI document and route set, and the local gateway. Shared code: no Pulumi,
 * no SDK.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'ANY';
/** A route goes to a service through the VPC Link + ALB, or straight to the backtest queue. */
export type RouteTarget = ServiceEndpointName | 'sqs:backtest';

export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly target: RouteTarget;
  readonly auth: boolean;
}

const r = (method: HttpMethod, path: string, target: RouteTarget, auth = true): ApiRoute => ({ method, path, target, auth });

/** API_ROUTES: the 21 HTTP API routes (DESIGN.md). Only /health is unauthenticated. */
export const API_ROUTES: readonly ApiRoute[] = [
  r('GET', '/health', 'backend-api', false),
  r('POST', '/api/v1/backtests', 'sqs:backtest'),
  r('GET', '/api/v1/backtests', 'backend-api'),
  r('GET', '/api/v1/backtests/{id}', 'backend-api'),
  r('GET', '/api/v1/backtests/{id}/results', 'backend-api'),
  r('DELETE', '/api/v1/backtests/{id}', 'backend-api'),
  r('GET', '/api/v1/strategies', 'strategy-service'),
  r('POST', '/api/v1/strategies', 'strategy-service'),
  r('GET', '/api/v1/strategies/{name}', 'strategy-service'),
  r('PUT', '/api/v1/strategies/{name}/config', 'strategy-service'),
  r('GET', '/api/v1/strategies/{name}/versions', 'strategy-service'),
  r('GET', '/api/v1/models', 'backend-api'),
  r('POST', '/api/v1/models/{name}/promote', 'backend-api'),
  r('POST', '/api/v1/models/{name}/rollback', 'backend-api'),
  r('GET', '/api/v1/deployments', 'backend-api'),
  r('GET', '/api/v1/trading/status', 'backend-api'),
  r('POST', '/api/v1/retraining/{strategy}', 'backend-api'),
  r('GET', '/api/v1/data/symbols', 'data-collection'),
  r('POST', '/api/v1/data/sync', 'data-collection'),
  r('GET', '/api/v1/data/ohlcv/{symbol}', 'data-collection'),
  r('ANY', '/mlflow/{proxy+}', 'mlflow'),
];

/** `POST /api/v1/backtests` -> the API Gateway route key. */
export function routeKey(route: ApiRoute): string {
  return `${route.method} ${route.path}`;
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
