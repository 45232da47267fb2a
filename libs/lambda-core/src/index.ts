export * from './env.js';
export * from './powertools.js';
