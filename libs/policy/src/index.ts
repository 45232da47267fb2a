/** @tradai/policy: security and reliability rules evaluated on the offline synth plans. */
export * from './engine.js';
export * from './plan/graph.js';
export * from './plan/iam.js';
export * from './plan/load.js';
export * from './plan/model.js';
export * from './plan/tokens.js';
export * from './report.js';
export * from './rules/index.js';
export * from './suppressions.js';
export * from './table.js';
