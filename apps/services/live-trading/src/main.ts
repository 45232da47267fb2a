/**
 * live-trading entry. The trading engine (issue: dry-run, shadow and live bots) is not built yet:
 * this serves the service runtime's health route only, so the image, its tag, its probes and its
 * graceful stop are the real ones the engine will run in.
 */
import { configOrExit, createServiceApp, runService, serviceConfig } from '@tradai/service-runtime';

const config = configOrExit('live-trading', () => serviceConfig('live-trading'));
const app = await createServiceApp({ name: config.name, version: config.version, healthPath: config.healthPath, logLevel: config.logLevel, description: 'live trading bot (engine not yet deployed: health only)' });
await runService(app, config);
