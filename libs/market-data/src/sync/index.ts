export * from './sync.js';
export * from './jobs.js';
export * from './memory-store.js';
