import { getRdsSettings, getResourceName, type Environment } from '@tradai/infra-shared';

/**
 * Pure RDS settings for the MLflow metadata store (PostgreSQL per RDS_CONFIG and the seed's
 * environment table).
 */

export interface DbParameter {
  readonly name: string;
  readonly value: string;
  readonly applyMethod: 'immediate' | 'pending-reboot';
}

/**
 * Parameter group entries: TLS enforced, and the logs an operator needs to find slow queries,
 * lock waits and connection churn (exported to CloudWatch Logs). All are dynamic in PostgreSQL 15.
 */
export const DB_PARAMETERS: readonly DbParameter[] = [
  // PostgreSQL 15 on RDS defaults to 0; MLflow connects with sslmode=require.
  { name: 'rds.force_ssl', value: '1', applyMethod: 'immediate' },
  { name: 'log_min_duration_statement', value: '1000', applyMethod: 'immediate' },
  { name: 'log_connections', value: '1', applyMethod: 'immediate' },
  { name: 'log_disconnections', value: '1', applyMethod: 'immediate' },
  { name: 'log_lock_waits', value: '1', applyMethod: 'immediate' },
  { name: 'log_statement', value: 'ddl', applyMethod: 'immediate' },
  { name: 'log_temp_files', value: '0', applyMethod: 'immediate' },
];

/** Logs RDS ships to CloudWatch (`/aws/rds/instance/<id>/<type>`). */
export const DB_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

/** Engine-specific classes without Performance Insights / Database Insights support. */
const NO_PERFORMANCE_INSIGHTS: Readonly<Record<string, readonly string[]>> = {
  mysql: ['db.t2.micro', 'db.t2.small', 'db.t3.micro', 'db.t3.small', 'db.t4g.micro', 'db.t4g.small'],
  mariadb: ['db.t2.micro', 'db.t2.small', 'db.t3.micro', 'db.t3.small', 'db.t4g.micro', 'db.t4g.small'],
};

/** True when Performance Insights can be turned on for this engine and class (RDS rejects it otherwise). */
export function supportsPerformanceInsights(engine: string, instanceClass: string): boolean {
  return !(NO_PERFORMANCE_INSIGHTS[engine] ?? []).includes(instanceClass);
}

/** The free Performance Insights retention tier (days). */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;

/** Backups 02:00-03:00 UTC, maintenance right after on Sunday: quiet hours for the trading desk in Europe. */
export const BACKUP_WINDOW = '02:00-03:00';
export const MAINTENANCE_WINDOW = 'sun:03:30-sun:04:30';

export interface RdsPlan {
  readonly identifier: string;
  readonly instanceClass: string;
  readonly allocatedStorage: number;
  readonly maxAllocatedStorage: number;
  readonly multiAz: boolean;
  readonly backupRetentionPeriod: number;
  readonly deletionProtection: boolean;
  readonly skipFinalSnapshot: boolean;
  readonly finalSnapshotIdentifier?: string;
  /** Keep automated backups after the instance is deleted (prod). */
  readonly deleteAutomatedBackups: boolean;
  readonly performanceInsightsEnabled: boolean;
  readonly logGroupNames: readonly string[];
}

/**
 * The environment-dependent part of the instance. Prod keeps a final snapshot and its automated
 * backups when deleted; dev/staging are disposable (the MLflow runs' artifacts live in S3).
 */
export function planRds(env: Environment): RdsPlan {
  const s = getRdsSettings(env);
  const identifier = getResourceName('mlflow-db', env);
  const isProd = env === 'prod';
  if (s.maxAllocatedStorageGb <= s.allocatedStorageGb) {
    throw new Error(`RDS_CONFIG: maxAllocatedStorageGb (${s.maxAllocatedStorageGb}) must exceed allocatedStorageGb (${s.allocatedStorageGb}) for storage autoscaling`);
  }
  return {
    identifier,
    instanceClass: s.instanceClass,
    allocatedStorage: s.allocatedStorageGb,
    maxAllocatedStorage: s.maxAllocatedStorageGb,
    multiAz: s.multiAz,
    backupRetentionPeriod: s.backupRetentionDays,
    deletionProtection: s.deletionProtection,
    skipFinalSnapshot: !isProd,
    ...(isProd ? { finalSnapshotIdentifier: `${identifier}-final` } : {}),
    deleteAutomatedBackups: !isProd,
    performanceInsightsEnabled: supportsPerformanceInsights(s.engine, s.instanceClass),
    logGroupNames: DB_LOG_EXPORTS.map((t) => `/aws/rds/instance/${identifier}/${t}`),
  };
}
