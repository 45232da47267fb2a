export * from './env.js';
export * from './lambda.js';
export * from './logs.js';
