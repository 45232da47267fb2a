import { RDS_CONFIG } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { DB_PARAMETERS, planRds, supportsPerformanceInsights } from './rds.logic.js';
import { ROTATION_OUTCOME_EVENTS, rotationAlertTransformer, rotationDays, rotationEventPattern } from './secret_rotation.logic.js';
import { endpointComponent, endpointServiceName } from './vpc_endpoints.logic.js';

describe('rds logic', () => {
  it('follows the environment table: dev small and disposable, prod larger and protected', () => {
    const dev = planRds('dev');
    const prod = planRds('prod');
    expect([dev.instanceClass, dev.allocatedStorage, dev.multiAz, dev.backupRetentionPeriod, dev.deletionProtection]).toEqual(['db.t4g.micro', 20, false, 7, false]);
    expect([prod.instanceClass, prod.allocatedStorage, prod.multiAz, prod.backupRetentionPeriod, prod.deletionProtection]).toEqual(['db.t4g.small', 50, true, 14, true]);
    expect(planRds('staging').instanceClass).toBe('db.t4g.micro');
  });

  it('keeps a final snapshot and automated backups only in prod', () => {
    expect(planRds('dev')).toMatchObject({ skipFinalSnapshot: true, deleteAutomatedBackups: true });
    expect(planRds('dev').finalSnapshotIdentifier).toBeUndefined();
    expect(planRds('prod')).toMatchObject({ skipFinalSnapshot: false, finalSnapshotIdentifier: 'tradai-mlflow-db-prod-final', deleteAutomatedBackups: false });
  });

  it('lets storage autoscale above the allocated size', () => {
    for (const env of ['dev', 'prod'] as const) {
      const p = planRds(env);
      expect(p.maxAllocatedStorage).toBe(p.allocatedStorage * RDS_CONFIG.maxAllocatedStorageFactor);
      expect(p.maxAllocatedStorage).toBeGreaterThan(p.allocatedStorage);
    }
  });

  it('forces TLS and logs slow queries, connections and DDL', () => {
    const byName = Object.fromEntries(DB_PARAMETERS.map((p) => [p.name, p.value]));
    expect(byName['rds.force_ssl']).toBe('1');
    expect(Number(byName['log_min_duration_statement'])).toBeGreaterThan(0);
    expect(byName['log_connections']).toBe('1');
    expect(byName['log_statement']).toBe('ddl');
  });

  it('turns Performance Insights on for PostgreSQL classes, off where the engine refuses it', () => {
    expect(supportsPerformanceInsights('postgres', 'db.t4g.micro')).toBe(true);
    expect(supportsPerformanceInsights('mysql', 'db.t4g.micro')).toBe(false);
    expect(planRds('dev').performanceInsightsEnabled).toBe(true);
  });

  it('names the CloudWatch log groups RDS writes to', () => {
    expect(planRds('dev').logGroupNames).toEqual(['/aws/rds/instance/tradai-mlflow-db-dev/postgresql', '/aws/rds/instance/tradai-mlflow-db-dev/upgrade']);
  });
});

describe('secret rotation logic', () => {
  it('rotates at most every 30 days', () => {
    expect(rotationDays()).toBeLessThanOrEqual(30);
    expect(() => rotationDays(45)).toThrow(/between 1 and 30, got 45/);
    expect(() => rotationDays(0)).toThrow(/between 1 and 30/);
  });

  it('matches the outcome events of exactly one secret', () => {
    const p = JSON.parse(rotationEventPattern('arn:secret'));
    expect(p.source).toEqual(['aws.secretsmanager']);
    expect(p['detail-type']).toEqual(['AWS Service Event via CloudTrail']);
    expect(p.detail.eventName).toEqual([...ROTATION_OUTCOME_EVENTS]);
    expect(p.detail.eventName).toContain('RotationSucceeded');
    expect(p.detail.eventName).toContain('RotationFailed');
    expect(p.detail.additionalEventData).toEqual({ SecretId: ['arn:secret'] });
  });

  it('renders a JSON alert with the event placeholders', () => {
    const t = rotationAlertTransformer('dev', 'tradai-mlflow-db-dev');
    // placeholders substituted with JSON-safe strings give valid JSON
    const rendered = t.inputTemplate.replace(/<(\w+)>/g, (_, k: string) => (k in t.inputPaths ? 'X' : `<${k}>`));
    expect(JSON.parse(rendered)).toMatchObject({ environment: 'dev', resource: 'tradai-mlflow-db-dev', event: 'X', secretArn: 'X' });
    expect(Object.values(t.inputPaths)).toContain('$.detail.eventName');
    expect(() => rotationAlertTransformer('dev"', 'x')).toThrow(/plain names/);
  });
});

describe('vpc endpoint logic', () => {
  it('builds service names and components', () => {
    expect(endpointServiceName('eu-central-1', 'ecr.dkr')).toBe('com.amazonaws.eu-central-1.ecr.dkr');
    expect(() => endpointServiceName('nowhere', 's3')).toThrow(/not an AWS region/);
    expect(endpointComponent('ecr.api')).toBe('vpce-ecr-api');
  });
});
