/**
 * live-trading entry. The trading engine (issue: dry-run, shadow and live bots) is not built yet:
 * this serves the service runtime's health route only, so the image, its tag, its probes and its
 * graceful stop are the real ones the engine will run in.
 */
import { configOrExit, runService, serviceConfig } from '@tradai/service-runtime';
import { buildApp } from './app.js';

const config = configOrExit('live-trading', () => serviceConfig('live-trading'));
await runService(await buildApp(config), config);
