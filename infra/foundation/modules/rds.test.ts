import { loadConfig } from '@tradai/infra-shared';
import { promiseOf, runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
const secretArns: Record<string, string> = {};
const dbSubnets = ['subnet-db1', 'subnet-db2'];

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'dev' });
  const { Rds } = await import('./rds.js');
  await runInStack(async () => {
    for (const env of ['dev', 'prod'] as const) {
      const db = new Rds(`db-${env}`, { cfg: loadConfig(env), subnetIds: dbSubnets, securityGroupId: `sg-0rds${env}` });
      secretArns[env] = await promiseOf(db.secretArn);
    }
    return {};
  });
});

const instance = (env: string) => mocks.find('aws:rds/instance:Instance', `db-${env}`).inputs;

describe('Rds', () => {
  it('is PostgreSQL 15.13 named from config, in the database subnets behind the RDS group', () => {
    const dev = instance('dev');
    expect(dev).toMatchObject({ engine: 'postgres', engineVersion: '15.13', identifier: 'tradai-mlflow-db-dev', dbName: 'mlflow', port: 5432, vpcSecurityGroupIds: ['sg-0rdsdev'] });
    expect(dev['dbSubnetGroupName']).toBe('tradai-db-subnets-dev');
    expect(mocks.find('aws:rds/subnetGroup:SubnetGroup', 'db-dev-subnets').inputs['subnetIds']).toEqual(dbSubnets);
  });

  it('is encrypted, private, and keeps its password in Secrets Manager (never in the program)', () => {
    for (const env of ['dev', 'prod']) {
      const i = instance(env);
      expect(i).toMatchObject({ storageEncrypted: true, publiclyAccessible: false, manageMasterUserPassword: true, autoMinorVersionUpgrade: true, copyTagsToSnapshot: true });
      expect(i['password']).toBeUndefined();
      expect(secretArns[env]).toMatch(/^arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-/);
    }
  });

  it('dev: db.t4g.micro, 20 GB, single AZ, 7-day backups, no deletion protection, no final snapshot', () => {
    expect(instance('dev')).toMatchObject({
      instanceClass: 'db.t4g.micro',
      allocatedStorage: 20,
      maxAllocatedStorage: 40,
      multiAz: false,
      backupRetentionPeriod: 7,
      deletionProtection: false,
      skipFinalSnapshot: true,
    });
  });

  it('prod: db.t4g.small, 50 GB, multi-AZ, 14-day backups, deletion protection, final snapshot', () => {
    expect(instance('prod')).toMatchObject({
      instanceClass: 'db.t4g.small',
      allocatedStorage: 50,
      maxAllocatedStorage: 100,
      multiAz: true,
      backupRetentionPeriod: 14,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: 'tradai-mlflow-db-prod-final',
      deleteAutomatedBackups: false,
    });
  });

  it('uses a postgres15 parameter group that forces TLS and logs slow statements', () => {
    const pg = mocks.find('aws:rds/parameterGroup:ParameterGroup', 'db-dev-params').inputs;
    expect(pg['family']).toBe('postgres15');
    const params = Object.fromEntries((pg['parameters'] as { name: string; value: string }[]).map((p) => [p.name, p.value]));
    expect(params['rds.force_ssl']).toBe('1');
    expect(params['log_min_duration_statement']).toBe('1000');
    expect(instance('dev')['parameterGroupName']).toBe(pg['name']);
  });

  it('ships PostgreSQL logs to log groups with the environment retention, and turns on Performance Insights', () => {
    expect(instance('dev')['enabledCloudwatchLogsExports']).toEqual(['postgresql', 'upgrade']);
    expect(mocks.find('aws:cloudwatch/logGroup:LogGroup', 'db-dev-log-postgresql').inputs).toMatchObject({ name: '/aws/rds/instance/tradai-mlflow-db-dev/postgresql', retentionInDays: 30 });
    expect(mocks.find('aws:cloudwatch/logGroup:LogGroup', 'db-prod-log-postgresql').inputs['retentionInDays']).toBe(90);
    expect(instance('dev')).toMatchObject({ performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 7 });
  });
});
