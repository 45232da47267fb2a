export * from './candle-source.js';
export * from './ccxt-source.js';
export { backoffDelay, type RetryOptions } from './retry.js';
