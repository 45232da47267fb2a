import { ENVIRONMENT_SETTINGS, type Environment } from './environment.js';

/** RDS_CONFIG: PostgreSQL for MLflow metadata. Size-dependent values come from the environment table. */
export const RDS_CONFIG = {
  engine: 'postgres',
  engineVersion: '15.13',
  parameterGroupFamily: 'postgres15',
  port: 5432,
  databaseName: 'mlflow',
  masterUsername: 'tradai_admin',
  /** Storage autoscaling ceiling as a multiple of the allocated size. */
  maxAllocatedStorageFactor: 2,
  storageType: 'gp3',
  /** Secrets Manager rotation interval; the RDS-managed secret rotates on this schedule. */
  rotationDays: 30,
} as const;

export function getRdsSettings(env: Environment) {
  const s = ENVIRONMENT_SETTINGS[env].rds;
  return { ...RDS_CONFIG, ...s, maxAllocatedStorageGb: s.allocatedStorageGb * RDS_CONFIG.maxAllocatedStorageFactor };
}
