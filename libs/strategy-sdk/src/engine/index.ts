export * from './types.js';
export * from './config.js';
export * from './backtest.js';
export * from './portfolio.js';
export * from './result-file.js';
