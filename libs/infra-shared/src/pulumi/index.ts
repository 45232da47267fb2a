/** Pulumi-facing entry point: stack config, typed StackReferences and exports, builders that take Outputs. */
export * from './builders.js';
export * from './images.js';
export * from './references.js';
export * from './stack.js';
