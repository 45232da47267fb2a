export * from './sync.js';
export * from './memory-store.js';
