/**
 * dry-run-trading entry; the same image runs as shadow-trading (SERVICE_NAME says which, and with it
 * the port and health path). The trading engine is not built yet: health route only, on the real
 * service runtime.
 */
import { EnvError } from '@tradai/domain';
import { configOrExit, createServiceApp, runService, serviceConfig } from '@tradai/service-runtime';

const ROLES = ['dry-run-trading', 'shadow-trading'] as const;

const config = configOrExit('dry-run-trading', () => {
  const role = process.env['SERVICE_NAME']?.trim() || 'dry-run-trading';
  if (!(ROLES as readonly string[]).includes(role)) throw new EnvError(`SERVICE_NAME must be one of ${ROLES.join(', ')}, got "${role}"`, ['SERVICE_NAME']);
  return serviceConfig(role as (typeof ROLES)[number]);
});
const app = await createServiceApp({ name: config.name, version: config.version, healthPath: config.healthPath, logLevel: config.logLevel, description: 'dry-run / shadow trading bot (engine not yet deployed: health only)' });
await runService(app, config);
