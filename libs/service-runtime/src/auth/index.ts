export * from './access.js';
export * from './config.js';
export * from './guard.js';
export * from './require-access.js';
export * from './testing.js';
export * from './verifier.js';
