export * from './dynalite.js';
export * from './fauxqs.js';
export * from './mlflow.js';
