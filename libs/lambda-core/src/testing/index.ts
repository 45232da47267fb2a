export * from './env.js';
export * from './lambda.js';
