export * from './dynalite.js';
export * from './fauxqs.js';
export * from './mlflow.js';
export * from './race.js';
