/** Pure entry point: config, naming, the cross-stack contract and the builders. Pulumi glue: ./pulumi. */
export * from './builders/index.js';
export * from './config/index.js';
export * from './contract/index.js';
export * from './images/index.js';
