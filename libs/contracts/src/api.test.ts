import { describe, expect, it } from 'vitest';
import { ALB_MAX_VALUES_PER_RULE, ALB_PATH_PATTERNS, API_ROUTES, API_SCOPES, fastifyPath, findRoute, routeKey, routeTemplate, scopeClaim, USER_GROUPS } from './api.js';
import { ENV } from './env.js';
import { LAMBDA_ACCESS, lambdaEnvNames } from './lambda-access.js';

describe('API_ROUTES authorization matrix', () => {
  it('gives every authenticated route an access row that admits someone, and public routes none', () => {
    for (const route of API_ROUTES) {
      if (!route.auth) {
        expect(route.access, routeKey(route)).toBeUndefined();
        continue;
      }
      expect(route.access, routeKey(route)).toBeDefined();
      expect(route.access!.groups.length + route.access!.scopes.length, routeKey(route)).toBeGreaterThan(0);
      for (const g of route.access!.groups) expect(USER_GROUPS).toContain(g);
      for (const s of route.access!.scopes) expect(API_SCOPES).toContain(s);
    }
  });

  it('keeps model promotion and rollback to admins, with no M2M scope', () => {
    for (const path of ['/api/v1/models/{name}/promote', '/api/v1/models/{name}/rollback']) {
      expect(findRoute('POST', path)?.access).toEqual({ groups: ['admin'], scopes: [] });
    }
  });

  it('lets viewers read strategies but only traders and admins change them', () => {
    expect(findRoute('GET', '/api/v1/strategies')?.access?.groups).toContain('viewer');
    expect(findRoute('PUT', '/api/v1/strategies/{name}/config')?.access).toEqual({ groups: ['trader', 'admin'], scopes: ['strategies.write'] });
  });

  it('lets the M2M client start and follow data syncs (data-collection-trigger), but not read market data', () => {
    expect(findRoute('POST', '/api/v1/data/sync')?.access).toEqual({ groups: ['trader', 'admin'], scopes: ['data.write'] });
    expect(findRoute('GET', '/api/v1/data/sync/{jobId}')?.access?.scopes).toEqual(['data.read']);
    expect(findRoute('GET', '/api/v1/data/ohlcv/{symbol}')?.access?.scopes).toEqual([]);
    expect(LAMBDA_ACCESS['data-collection-trigger'].m2mScopes).toEqual(['data.write']);
    expect(lambdaEnvNames('data-collection-trigger')).toContain(ENV.m2mSecretArn);
    expect(lambdaEnvNames('health-check')).not.toContain(ENV.m2mSecretArn);
  });

  it('finds routes by method and template only', () => {
    expect(findRoute('GET', '/api/v1/strategies/{name}')?.target).toBe('strategy-service');
    expect(findRoute('GET', '/api/v1/strategies/:name')).toBeUndefined();
    expect(findRoute('DELETE', '/api/v1/strategies')).toBeUndefined();
    expect(scopeClaim('strategies.write')).toBe('tradai-api/strategies.write');
  });
});

describe('route paths', () => {
  it('converts between Fastify paths and API_ROUTES templates, both ways', () => {
    expect(routeTemplate('/api/v1/models/:name/promote')).toBe('/api/v1/models/{name}/promote');
    expect(fastifyPath('/api/v1/data/sync/{jobId}')).toBe('/api/v1/data/sync/:jobId');
    // Every route our Fastify services serve (the mlflow greedy proxy is upstream MLflow's).
    for (const r of API_ROUTES.filter((x) => x.target !== 'mlflow')) expect(routeTemplate(fastifyPath(r.path))).toBe(r.path);
  });
});

describe('API_ROUTES', () => {
  // The public API: clients (the CLI, CI registration, the platform UI) call these paths.
  it('keeps every route key and the service behind it', () => {
    expect(API_ROUTES.map((r) => `${routeKey(r)} -> ${r.target}`)).toEqual([
      'GET /health -> backend-api',
      'POST /api/v1/backtests -> sqs:backtest',
      'GET /api/v1/backtests -> backend-api',
      'GET /api/v1/backtests/{id} -> backend-api',
      'GET /api/v1/backtests/{id}/results -> backend-api',
      'DELETE /api/v1/backtests/{id} -> backend-api',
      'GET /api/v1/strategies -> strategy-service',
      'POST /api/v1/strategies -> strategy-service',
      'GET /api/v1/strategies/{name} -> strategy-service',
      'PUT /api/v1/strategies/{name}/config -> strategy-service',
      'GET /api/v1/strategies/{name}/versions -> strategy-service',
      'GET /api/v1/models -> backend-api',
      'POST /api/v1/models/{name}/promote -> backend-api',
      'POST /api/v1/models/{name}/rollback -> backend-api',
      'GET /api/v1/deployments -> backend-api',
      'GET /api/v1/trading/status -> backend-api',
      'POST /api/v1/retraining/{strategy} -> backend-api',
      'GET /api/v1/data/symbols -> data-collection',
      'POST /api/v1/data/sync -> data-collection',
      'GET /api/v1/data/sync/{jobId} -> data-collection',
      'GET /api/v1/data/ohlcv/{symbol} -> data-collection',
      'ANY /mlflow/{proxy+} -> mlflow',
    ]);
    expect(API_ROUTES.filter((r) => !r.auth).map(routeKey)).toEqual(['GET /health']);
  });
});

describe('ALB_PATH_PATTERNS', () => {
  /** ALB path patterns: case-sensitive, `*` any run of characters, `?` one. */
  const matches = (pattern: string, path: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`).test(path);

  it('sends every route to the service that serves it, and no pattern matches nothing', () => {
    for (const route of API_ROUTES.filter((r) => r.target !== 'sqs:backtest')) {
      const owners = Object.entries(ALB_PATH_PATTERNS).filter(([, patterns]) => patterns.some((p) => matches(p, route.path))).map(([service]) => service);
      expect(owners, routeKey(route)).toEqual([route.target]);
    }
    for (const [service, patterns] of Object.entries(ALB_PATH_PATTERNS)) {
      for (const p of patterns) expect(API_ROUTES.some((r) => r.target === service && matches(p, r.path)), `${service} ${p}`).toBe(true);
    }
    expect(ALB_MAX_VALUES_PER_RULE).toBe(5);
  });
});
