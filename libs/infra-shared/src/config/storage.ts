import { TABLE_KEYS, type TableKey } from '@tradai/contracts';

/** S3_BUCKETS: logical key -> name component (`tradai-<component>-<env>`). */
export const S3_BUCKETS = {
  configs: 'configs',
  results: 'results',
  arcticdb: 'arcticdb',
  logs: 'logs',
  mlflow: 'mlflow',
} as const;
export type BucketKey = keyof typeof S3_BUCKETS;
export const BUCKET_KEYS = Object.keys(S3_BUCKETS) as BucketKey[];

export interface LifecycleRule {
  readonly id: string;
  /** Move current objects to STANDARD_IA after N days. */
  readonly transitionToIaDays?: number;
  /** Expire current objects after N days. */
  readonly expireDays?: number;
  /** Expire non-current versions after N days (versioned buckets). */
  readonly noncurrentExpireDays?: number;
}

export interface BucketConfig {
  readonly versioning: boolean;
  readonly lifecycle: readonly LifecycleRule[];
  readonly purpose: string;
}

/** Every bucket aborts incomplete multipart uploads after this many days. */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 7;

/**
 * Key prefixes in the logs bucket, one per writer. Its single bucket policy (persistent stack)
 * lets each writer put objects under its own prefix only, so a writer in another stack (the
 * compute ALB) must use exactly this prefix.
 */
export const LOGS_BUCKET_PREFIXES = { s3AccessLogs: 's3-access', cloudtrail: 'cloudtrail', alb: 'alb' } as const;

/** S3_BUCKET_CONFIG: per-bucket versioning and lifecycle. */
export const S3_BUCKET_CONFIG: Readonly<Record<BucketKey, BucketConfig>> = {
  configs: { versioning: true, lifecycle: [{ id: 'expire-old-versions', noncurrentExpireDays: 90 }], purpose: 'strategy configurations (versioned: every change is recoverable)' },
  results: { versioning: false, lifecycle: [{ id: 'tier-and-expire', transitionToIaDays: 30, expireDays: 365 }], purpose: 'backtest result files' },
  arcticdb: { versioning: true, lifecycle: [{ id: 'expire-old-versions', noncurrentExpireDays: 30 }], purpose: 'ArcticDB market data' },
  logs: { versioning: false, lifecycle: [{ id: 'expire-logs', transitionToIaDays: 30, expireDays: 365 }], purpose: 'S3/ALB access logs and CloudTrail' },
  mlflow: { versioning: true, lifecycle: [{ id: 'expire-old-versions', noncurrentExpireDays: 90 }], purpose: 'MLflow model artifacts' },
};

/** DYNAMODB_TABLES: logical key -> name component. Key schemas: @tradai/contracts TABLE_SCHEMAS. */
export const DYNAMODB_TABLES: Readonly<Record<TableKey, string>> = Object.fromEntries(
  TABLE_KEYS.map((k) => [k, k.replaceAll('_', '-')]),
) as Record<TableKey, string>;
