export * from './env.js';
export * from './lambda-access.js';
export * from './lambdas.js';
export * from './metrics.js';
export * from './platform-manifest.js';
export * from './services.js';
export * from './tables.js';
export * from './naming.js';
