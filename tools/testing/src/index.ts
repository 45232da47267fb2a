export * from './fake-candles.js';
export * from './fake-exchange.js';
