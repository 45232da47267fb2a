export * from './outputs.js';
