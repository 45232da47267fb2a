/**
 * dry-run-trading entry; the same image runs as shadow-trading (SERVICE_NAME says which, and with it
 * the port and health path). The trading engine is not built yet: health route only, on the real
 * service runtime.
 */
import { configOrExit, runService } from '@tradai/service-runtime';
import { buildApp, tradingConfig } from './app.js';

const config = configOrExit('dry-run-trading', () => tradingConfig());
await runService(await buildApp(config), config);
