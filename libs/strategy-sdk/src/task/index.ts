export * from './candles.js';
export * from './config.js';
export * from './env.js';
export * from './main.js';
export * from './model.js';
export * from './run.js';
