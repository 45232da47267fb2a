/**
 * strategy-service entry (the image runs the bundle of this file). A bad environment exits 1 with
 * one line naming the variable; SIGTERM drains in-flight requests and exits.
 */
import { configOrExit, runService } from '@tradai/service-runtime';
import { buildStrategyService } from './app.js';
import { strategyServiceConfig } from './config.js';

const config = configOrExit('strategy-service', () => strategyServiceConfig());
const app = await buildStrategyService(config);
await runService(app, { port: config.service.port, host: config.service.host, shutdownTimeoutMs: config.service.shutdownTimeoutMs });
