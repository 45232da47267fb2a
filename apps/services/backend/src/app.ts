import { createServiceApp, guardApiRoutes, type Authorize, type ServiceApp } from '@tradai/service-runtime';
import type { BackendDeps } from './deps.js';
import { backtestRoutes } from './routes/backtests.js';
import { modelRoutes } from './routes/models.js';
import { operationsRoutes } from './routes/operations.js';
import { retrainingRoutes } from './routes/retraining.js';

export const SERVICE_NAME = 'backend-api';

export interface BackendAppOptions {
  readonly version?: string;
  readonly logLevel?: string;
  readonly logStream?: { write(line: string): void };
  /**
   * The token check for one API_ROUTES entry (its `access` row). It runs first on each /api/v1
   * route (onRequest: before body validation, so an anonymous caller learns nothing about the
   * API). /health and /openapi.json stay open. Omitted only by tests of the routes themselves.
   */
  readonly authorize?: Authorize;
}

/**
 * backend-api: the runtime's app (problem details, logs, /health, OpenAPI) with the backtest,
 * model, deployment, trading and retraining routes over `deps`. /health has no readiness checks on
 * purpose: the ALB would drain every task during a DynamoDB or MLflow outage that the routes already
 * answer with a 503 each.
 */
export async function buildBackendApp(deps: BackendDeps, opts: BackendAppOptions = {}): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: SERVICE_NAME,
    version: opts.version ?? 'dev',
    description: 'Backtests, models, deployments, trading status and retraining (TradAI API routes 1, 3-6, 12-17)',
    ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  await app.register(async (api) => {
    if (opts.authorize) api.addHook('onRoute', guardApiRoutes(SERVICE_NAME, opts.authorize));
    await api.register(backtestRoutes(deps));
    await api.register(modelRoutes(deps));
    await api.register(operationsRoutes(deps));
    await api.register(retrainingRoutes(deps));
  });
  return app;
}
