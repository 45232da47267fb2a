import { ENVIRONMENT_SETTINGS } from '@tradai/infra-shared';
import { T } from '../plan/tokens.js';
import { finding, type Rule } from './types.js';
import { arr, isFalse, isTrue, num, str } from './util.js';

/** RDS backups are kept at least a week everywhere (AwsSolutions/Checkov minimum), longer where the environment table says so. */
const MIN_BACKUP_DAYS = 7;

export const DATABASE_RULES: readonly Rule[] = [
  {
    id: 'TRADAI-RDS-001',
    mirrors: ['AwsSolutions-RDS2', 'CKV_AWS_16', 'awsguard rds-storage-encrypted'],
    severity: 'high',
    description: 'RDS instances encrypt their storage (and so backups and snapshots).',
    types: T.rdsInstance,
    check: (db) => (isTrue(db.inputs['storageEncrypted']) ? [] : [finding('storageEncrypted', 'is not true')]),
  },
  {
    id: 'TRADAI-RDS-002',
    mirrors: ['CKV_AWS_17', 'awsguard rds-instance-public-access-check'],
    severity: 'high',
    description: 'RDS instances are not publicly accessible.',
    types: T.rdsInstance,
    check: (db) => (isTrue(db.inputs['publiclyAccessible']) ? [finding('publiclyAccessible', 'is true')] : []),
  },
  {
    id: 'TRADAI-RDS-003',
    mirrors: ['cdk-nag RDSMultiAZSupport', 'CKV_AWS_157'],
    severity: 'medium',
    description: 'RDS instances are Multi-AZ (a standby in a second AZ); non-prod suppresses this for cost.',
    types: T.rdsInstance,
    check: (db) => (isTrue(db.inputs['multiAz']) ? [] : [finding('multiAz', 'is not true (single AZ)')]),
  },
  {
    id: 'TRADAI-RDS-004',
    mirrors: ['AwsSolutions-RDS10', 'CKV_AWS_293'],
    severity: 'high',
    description: 'In prod, RDS instances have deletion protection.',
    types: T.rdsInstance,
    environments: ['prod'],
    check: (db) => (isTrue(db.inputs['deletionProtection']) ? [] : [finding('deletionProtection', 'is not true in prod')]),
  },
  {
    id: 'TRADAI-RDS-005',
    mirrors: ['AwsSolutions-RDS13', 'CKV_AWS_133', 'awsguard rds-instance-backup-enabled'],
    severity: 'high',
    description: 'RDS automated backups are kept at least 7 days, and at least the environment table\'s retention.',
    types: T.rdsInstance,
    check: (db, { env }) => {
      const required = Math.max(MIN_BACKUP_DAYS, ENVIRONMENT_SETTINGS[env].rds.backupRetentionDays);
      const days = num(db.inputs['backupRetentionPeriod']);
      if (days === undefined) return [finding('backupRetentionPeriod', `is not set (the API default is 1 day; ${env} needs ${required})`)];
      return days >= required ? [] : [finding('backupRetentionPeriod', `is ${days} days; ${env} needs at least ${required}`)];
    },
  },
  {
    id: 'TRADAI-RDS-006',
    mirrors: ['AwsSolutions-SMG4', 'AwsSolutions-DOC3 (same idea for RDS)'],
    severity: 'high',
    description: 'RDS master credentials live in Secrets Manager (manageMasterUserPassword), never as a plaintext input.',
    types: T.rdsInstance,
    check: (db) => {
      if (str(db.inputs['password']) || str(db.inputs['passwordWo'])) return [finding('password', 'is set in the program (plaintext in state); use manageMasterUserPassword')];
      // Replicas and snapshot restores inherit credentials.
      if (str(db.inputs['replicateSourceDb']) || str(db.inputs['snapshotIdentifier'])) return [];
      return isTrue(db.inputs['manageMasterUserPassword']) ? [] : [finding('manageMasterUserPassword', 'is not true')];
    },
  },
  {
    id: 'TRADAI-RDS-007',
    mirrors: ['CKV_AWS_129', 'cdk-nag RDSLoggingEnabled'],
    severity: 'medium',
    description: 'PostgreSQL instances export their logs to CloudWatch (enabledCloudwatchLogsExports includes postgresql).',
    types: T.rdsInstance,
    check: (db) => {
      const engine = String(db.inputs['engine'] ?? '');
      if (!engine.includes('postgres')) return [];
      return arr(db.inputs['enabledCloudwatchLogsExports']).includes('postgresql') ? [] : [finding('enabledCloudwatchLogsExports', 'does not include postgresql')];
    },
  },
  {
    id: 'TRADAI-RDS-008',
    mirrors: ['CKV_AWS_226', 'cdk-nag RDSAutomaticMinorVersionUpgradeEnabled'],
    severity: 'low',
    description: 'RDS instances take automatic minor version upgrades (security patches).',
    types: T.rdsInstance,
    check: (db) => (isFalse(db.inputs['autoMinorVersionUpgrade']) ? [finding('autoMinorVersionUpgrade', 'is false')] : []),
  },
];
