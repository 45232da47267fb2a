export * from './backtest.js';
export * from './common.js';
export * from './data.js';
export * from './messages.js';
export * from './parse.js';
export * from './schedule.js';
export * from './tasks.js';
