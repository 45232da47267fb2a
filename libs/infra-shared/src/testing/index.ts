/** Test harness for stack programs (the seed's testing.py): mocks, fixtures, helpers. */
export * from './fixtures.js';
export * from './harness.js';
export * from './mocks.js';
export * from './resource-state.js';
