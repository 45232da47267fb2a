export * from './dynalite.js';
export * from './env.js';
export * from './fauxqs.js';
export * from './lambda.js';
export * from './mlflow.js';
