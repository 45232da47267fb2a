import { configOrExit, createTokenVerifier, requireAccess, runService } from '@tradai/service-runtime';
import { buildBackendApp } from './app.js';
import { startupConfig } from './config.js';
import { createDeps } from './deps.js';

/*
 * backend-api entry point (the image's CMD): a missing variable stops the process naming it;
 * every /api/v1 route checks the caller's token against the API_ROUTES matrix; SIGTERM drains
 * in-flight requests within SHUTDOWN_TIMEOUT_MS.
 */
const { config, auth } = configOrExit('backend-api', () => startupConfig());
const verify = createTokenVerifier(auth);
const app = await buildBackendApp(createDeps(config), {
  version: config.service.version,
  logLevel: config.service.logLevel,
  authorize: (route) => requireAccess(verify, route.access!),
});
await runService(app, { port: config.service.port, host: config.service.host, shutdownTimeoutMs: config.service.shutdownTimeoutMs });
