import { ALB_PATH_PATTERNS, API_ROUTES, fastifyPath, routeKey, type ServiceEndpointName } from '@tradai/contracts';
import type { ServiceApp } from '@tradai/service-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStrategyService } from './app.js';
import { strategyServiceConfig } from './config.js';

/*
 * The contract between API_ROUTES (what API Gateway and the ALB send here), the service's OpenAPI
 * document (what it says it serves) and the routes Fastify actually has.
 */

const SERVICE: ServiceEndpointName = 'strategy-service';
const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

let app: ServiceApp;
let doc: { openapi: string; info: { title: string; description?: string }; paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  // No call leaves the process: the document is built from the route schemas alone.
  const cfg = strategyServiceConfig({ CONFIGS_BUCKET: 'b', CONFIG_VERSIONS_TABLE: 't', AUTH_ISSUER: 'http://127.0.0.1:9', COGNITO_CLIENT_IDS: 'c', LOG_LEVEL: 'silent' });
  app = await buildStrategyService(cfg);
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});

afterAll(async () => {
  await app?.close();
});

/** `* ` any run, `?` one character: the ALB's path-pattern wildcards. */
const albMatches = (pattern: string, path: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(path);

const served = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => METHODS.filter((m) => m in ops).map((m) => ({ method: m.toUpperCase(), path })));

describe('strategy-service contract', () => {
  const mine = API_ROUTES.filter((r) => r.target === SERVICE);

  it('serves an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('strategy-service');
    expect(doc.info.description).toMatch(/config versions/);
    expect(mine).toHaveLength(5);
  });

  it('groups every /api/v1 operation under the "strategies" tag, each with a summary', () => {
    for (const r of served().filter((x) => x.path.startsWith('/api/v1'))) {
      const op = doc.paths[r.path]![r.method.toLowerCase()] as { tags?: string[]; summary?: string };
      expect(op.tags, `${r.method} ${r.path}`).toEqual(['strategies']);
      expect(op.summary?.length, `${r.method} ${r.path}`).toBeGreaterThan(0);
    }
    // The one write that is not a plain create says what it does with the bucket and the table.
    expect((doc.paths['/api/v1/strategies/{name}/config']!['put'] as { description?: string }).description).toMatch(/immutable config file/);
  });

  it('documents and serves every API_ROUTES entry that targets it, with the same method and path', () => {
    for (const route of mine) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()], routeKey(route)).toBeDefined();
      expect(app.hasRoute({ method: route.method as 'GET', url: fastifyPath(route.path) }), routeKey(route)).toBe(true);
    }
  });

  it('serves no /api/v1 route that API_ROUTES does not send to it', () => {
    const api = served().filter((r) => r.path.startsWith('/api/v1'));
    expect(api.length).toBeGreaterThan(0);
    for (const r of api) {
      const route = API_ROUTES.find((x) => x.method === r.method && x.path === r.path);
      expect(route?.target, `${r.method} ${r.path}`).toBe(SERVICE);
    }
  });

  it('is where the ALB path patterns send each of its routes, and no other service is', () => {
    for (const route of mine) {
      const sample = route.path.replace(/\{([^}]+)\}/g, 'sample-$1');
      const owners = Object.entries(ALB_PATH_PATTERNS)
        .filter(([, patterns]) => patterns.some((p) => albMatches(p, sample)))
        .map(([service]) => service);
      expect(owners, routeKey(route)).toEqual([SERVICE]);
    }
  });

  it('declares the auth answers (401/403) on every /api/v1 operation', () => {
    for (const r of served().filter((x) => x.path.startsWith('/api/v1'))) {
      const op = doc.paths[r.path]![r.method.toLowerCase()] as { responses: Record<string, unknown> };
      expect(Object.keys(op.responses), `${r.method} ${r.path}`).toEqual(expect.arrayContaining(['400', '401', '403', '503']));
    }
  });
});
