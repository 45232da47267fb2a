import { createServiceApp, type ServiceApp, type TokenVerifier } from '@tradai/service-runtime';
import type { DataCollectionConfig } from './config.js';
import { registerDataRoutes, type DataRoutesDeps, type SyncJobs } from './routes.js';

export interface BuildAppDeps {
  readonly config: Pick<DataCollectionConfig, 'service' | 'exchange' | 'symbols' | 'timeframes' | 'syncWaitMs'>;
  readonly store: DataRoutesDeps['store'];
  readonly jobs: SyncJobs;
  /** Checks bearer tokens on every /api/v1 route (wiring.ts builds it from config.auth; tests pass a local IdP's). */
  readonly verify: TokenVerifier;
  /** Tests read the JSON log lines from here. */
  readonly logStream?: { write(line: string): void };
  readonly now?: () => number;
}

/** The data-collection app with its dependencies injected (main.ts wires the real ones). */
export async function buildApp(deps: BuildAppDeps): Promise<ServiceApp> {
  const { service } = deps.config;
  const app = await createServiceApp({
    name: service.name,
    version: service.version,
    description: 'Market data: configured series, incremental sync from the exchange, stored candles.',
    healthPath: service.healthPath,
    logLevel: service.logLevel,
    ...(deps.logStream ? { logStream: deps.logStream } : {}),
  });
  await app.register(async (api) =>
    registerDataRoutes(api, {
      exchange: deps.config.exchange,
      symbols: deps.config.symbols,
      timeframes: deps.config.timeframes,
      store: deps.store,
      jobs: deps.jobs,
      verify: deps.verify,
      syncWaitMs: deps.config.syncWaitMs,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  // A sync running at shutdown is aborted; what it wrote stays, and the next sync resumes after it.
  app.addHook('onClose', async () => deps.jobs.close());
  return app;
}
