export * from './candles.js';
export * from './sample.js';
export * from './source/index.js';
export * from './store/index.js';
export * from './sync/index.js';
