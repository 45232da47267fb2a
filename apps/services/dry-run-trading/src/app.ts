import { EnvError } from '@tradai/domain';
import { createServiceApp, serviceConfig, type ServiceApp, type ServiceConfig } from '@tradai/service-runtime';

/** The roles this image runs as: dry-run, and shadow (a candidate config beside live). */
export const ROLES = ['dry-run-trading', 'shadow-trading'] as const;

/** The role's config: SERVICE_NAME (default dry-run-trading) picks the port and health path. */
export function tradingConfig(source: Readonly<Record<string, string | undefined>> = process.env): ServiceConfig {
  const role = source['SERVICE_NAME']?.trim() || 'dry-run-trading';
  if (!(ROLES as readonly string[]).includes(role)) throw new EnvError(`SERVICE_NAME must be one of ${ROLES.join(', ')}, got "${role}"`, ['SERVICE_NAME']);
  return serviceConfig(role as (typeof ROLES)[number], source);
}

/** Health route only, until the trading engine lands. */
export function buildApp(config: ServiceConfig, logStream?: { write(line: string): void }): Promise<ServiceApp> {
  return createServiceApp({
    name: config.name,
    version: config.version,
    healthPath: config.healthPath,
    logLevel: config.logLevel,
    description: 'dry-run / shadow trading bot (engine not yet deployed: health only)',
    ...(logStream ? { logStream } : {}),
  });
}
