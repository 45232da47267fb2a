export * from './engine/index.js';
export * from './indicators/index.js';
export * from './load.js';
export * from './report/index.js';
export * from './strategy.js';
export * from './task/index.js';
