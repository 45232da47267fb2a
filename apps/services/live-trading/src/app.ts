import { createServiceApp, type ServiceApp, type ServiceConfig } from '@tradai/service-runtime';

/** The live bot's app: the runtime's health route only, until the trading engine lands. */
export function buildApp(config: ServiceConfig, logStream?: { write(line: string): void }): Promise<ServiceApp> {
  return createServiceApp({
    name: config.name,
    version: config.version,
    healthPath: config.healthPath,
    logLevel: config.logLevel,
    description: 'live trading bot (engine not yet deployed: health only)',
    ...(logStream ? { logStream } : {}),
  });
}
