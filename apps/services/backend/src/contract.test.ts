import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ALB_PATH_PATTERNS, API_ROUTES, routeTemplate, type ServiceEndpointName } from '@tradai/contracts';
import { createDocumentClient } from '@tradai/domain';
import { LOCAL_AWS } from '@tradai/domain/testing';
import { OPENAPI_PATH, type ServiceApp } from '@tradai/service-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackendApp } from './app.js';
import { depsFrom } from './deps.js';

/*
 * The three route tables agree: API_ROUTES (API Gateway), the ALB path patterns (compute) and
 * this service's OpenAPI document (what it actually serves).
 */

const SERVICE: ServiceEndpointName = 'backend-api';
let app: ServiceApp;
let served: { method: string; path: string }[];

beforeAll(async () => {
  // No request reaches these clients: the document is built from the route schemas.
  const deps = depsFrom(
    {
      tables: { workflows: 'w', deployments: 'd', trading: 't', configVersions: 'c' },
      resultsBucket: 'r',
      backtestWorkflowArn: 'arn:aws:states:us-east-1:0:stateMachine:b',
      retrainingWorkflowArn: 'arn:aws:states:us-east-1:0:stateMachine:r',
      mlflowTrackingUri: 'http://127.0.0.1:9/mlflow',
      functions: { rollback: 'rb', promoteModel: 'pm' },
      heartbeatStaleSeconds: 180,
    },
    { doc: createDocumentClient(new DynamoDBClient(LOCAL_AWS)), s3: new S3Client(LOCAL_AWS), sfn: new SFNClient(LOCAL_AWS), lambda: new LambdaClient(LOCAL_AWS) },
  );
  app = await buildBackendApp(deps, { logLevel: 'silent' });
  doc = JSON.parse((await app.inject({ method: 'GET', url: OPENAPI_PATH })).body) as OpenApiDoc;
  expect(doc.openapi).toBe('3.1.0');
  served = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })));
});
afterAll(() => app.close());

/** What a client generator reads of each operation: its summary, its tag and the answers it can give. */
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; tags?: string[]; responses?: Record<string, { content?: Record<string, unknown> }> }>>;
}
let doc: OpenApiDoc;
interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
}

/** Whether an ALB path pattern (`*` wildcard, as the listener rule evaluates it) matches `path`. */
function albMatches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`);
  return re.test(path);
}

/** A concrete path for a template: `{id}` -> `x`. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, 'x');

describe('backend-api route contract', () => {
  const mine = API_ROUTES.filter((r) => r.target === SERVICE);

  it('serves every API_ROUTES entry that targets backend-api, with the same method and path', () => {
    // Routes 1, 3-6, 12-17 of DESIGN.md.
    expect(mine).toHaveLength(11);
    for (const r of mine) expect(served, `${r.method} ${r.path}`).toContainEqual({ method: r.method, path: r.path });
  });

  it('serves no /api/v1 route that API_ROUTES does not send to it', () => {
    const api = served.filter((s) => s.path.startsWith('/api/v1'));
    expect(api.length).toBeGreaterThan(0);
    for (const s of api) expect(mine, `${s.method} ${s.path}`).toContainEqual(expect.objectContaining({ method: s.method, path: s.path }));
  });

  it('the ALB path patterns send each of its routes to backend-api and to no other service', () => {
    for (const r of mine) {
      const path = concrete(r.path);
      const targets = Object.entries(ALB_PATH_PATTERNS)
        .filter(([, patterns]) => patterns!.some((p) => albMatches(p, path)))
        .map(([service]) => service);
      expect(targets, path).toEqual([SERVICE]);
    }
  });

  it('documents each /api/v1 operation: a summary, its tag, and every status it answers with (errors as problem documents)', () => {
    const expected: Record<string, { tag: string; codes: string[] }> = {
      'GET /api/v1/backtests': { tag: 'backtests', codes: ['200', '400', '401', '403', '503'] },
      'GET /api/v1/backtests/{id}': { tag: 'backtests', codes: ['200', '400', '401', '403', '404', '503'] },
      'GET /api/v1/backtests/{id}/results': { tag: 'backtests', codes: ['200', '400', '401', '403', '404', '409', '503'] },
      'DELETE /api/v1/backtests/{id}': { tag: 'backtests', codes: ['200', '400', '401', '403', '404', '409', '503'] },
      'GET /api/v1/models': { tag: 'models', codes: ['200', '401', '403', '503'] },
      'POST /api/v1/models/{name}/promote': { tag: 'models', codes: ['200', '400', '401', '403', '404', '409', '502', '503'] },
      'POST /api/v1/models/{name}/rollback': { tag: 'models', codes: ['200', '400', '401', '403', '404', '409', '502', '503'] },
      'GET /api/v1/deployments': { tag: 'deployments', codes: ['200', '400', '401', '403', '404', '503'] },
      'GET /api/v1/trading/status': { tag: 'trading', codes: ['200', '401', '403', '503'] },
      'POST /api/v1/retraining/{strategy}': { tag: 'retraining', codes: ['202', '400', '401', '403', '404', '409', '503'] },
    };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op] as const));
    expect(Object.fromEntries(documented.map(([k, op]) => [k, { tag: op.tags?.join(',') ?? '', codes: Object.keys(op.responses ?? {}).sort() }]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, { tag: v.tag, codes: v.codes }])),
    );
    for (const [key, op] of documented) {
      expect(op.summary?.trim().length, `${key} summary`).toBeGreaterThan(10);
      for (const [code, res] of Object.entries(op.responses ?? {})) {
        if (Number(code) >= 400) expect(Object.keys(res.content ?? {}), `${key} ${code}`).toEqual(['application/problem+json']);
      }
    }
  });

  it('documents the answer bodies a client reads: the rollback outcomes and the backtest metric fields', () => {
    const json = (method: string, path: string, code: string) => (doc.paths[path]![method]!.responses![code]!.content!['application/json'] as { schema: JsonSchema }).schema;
    const rollback = json('post', '/api/v1/models/{name}/rollback', '200');
    expect(rollback.properties?.['status']?.enum).toEqual(['COMPLETED', 'ALREADY_DONE']);
    expect(rollback.required).toEqual(expect.arrayContaining(['status', 'strategy']));
    const metrics = json('get', '/api/v1/backtests/{id}/results', '200').properties?.['metrics'];
    expect(Object.keys(metrics?.properties ?? {}).sort()).toEqual(['final_equity', 'max_drawdown', 'sharpe', 'total_return', 'trade_count', 'win_rate']);
  });

  it('maps Fastify parameters to the gateway template form', () => {
    expect(routeTemplate('/api/v1/models/:name/promote')).toBe('/api/v1/models/{name}/promote');
    expect(albMatches('/api/v1/backtests*', '/api/v1/backtests/x/results')).toBe(true);
    expect(albMatches('/api/v1/backtests*', '/api/v1/strategies')).toBe(false);
  });
});
