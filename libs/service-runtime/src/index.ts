export * from './app.js';
export * from './auth/index.js';
export * from './config.js';
export * from './health.js';
export * from './problem.js';
export * from './request-id.js';
export * from './shutdown.js';
export * from './testing.js';
