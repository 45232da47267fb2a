export * from './env.js';
export * from './lambda-access.js';
export * from './lambdas.js';
export * from './tables.js';
