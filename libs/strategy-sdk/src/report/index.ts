export * from './data.js';
export * from './format.js';
export * from './html.js';
