import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2_CONSOLIDATED_CONFIG, SERVICES } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_PATH, DB_SECRET_NAME, DB_SECRET_PATH, composeEscape, composeValue, registryOf, renderComposeFile, renderUserData, type ConsolidatedService } from './ec2_userdata.js';

const REGISTRY = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';
const services: ConsolidatedService[] = EC2_CONSOLIDATED_CONFIG.services.map((name) => ({
  name,
  image: `${REGISTRY}/tradai/${SERVICES[name].imageRepo}@sha256:${'b'.repeat(64)}`,
  environment: [
    { name: 'SERVICE_NAME', value: name },
    { name: 'WEIRD', value: 'a$HOME${X}' },
  ],
  logGroup: `/ecs/tradai-${name}-dev`,
}));
const compose = renderComposeFile({ env: 'dev', region: 'eu-central-1', services });
const doc = parse(compose) as {
  name: string;
  services: Record<string, { image: string; ports: string[]; environment: Record<string, string>; command?: string[]; secrets?: string[]; restart: string; logging: { driver: string; options: Record<string, string> }; healthcheck: { test: string[] } }>;
  secrets: Record<string, { file: string }>;
};

describe('consolidated compose file', () => {
  it('runs exactly the four consolidated services, images pinned by digest, ports published', () => {
    expect(Object.keys(doc.services).sort()).toEqual([...EC2_CONSOLIDATED_CONFIG.services].sort());
    for (const s of services) {
      const svc = doc.services[s.name]!;
      expect(svc.image).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(svc.ports).toEqual([`${SERVICES[s.name].port}:${SERVICES[s.name].port}`]);
      expect(svc.restart).toBe('unless-stopped');
      expect(svc.logging).toEqual({ driver: 'awslogs', options: { 'awslogs-group': s.logGroup, 'awslogs-region': 'eu-central-1', 'awslogs-stream-prefix': 'consolidated' } });
      expect(svc.healthcheck.test[0]).toBe('CMD-SHELL');
      expect(svc.environment['SERVICE_NAME']).toBe(s.name);
    }
  });

  it('escapes $ so Compose never interpolates a value', () => {
    expect(doc.services['backend-api']!.environment['WEIRD']).toBe('a$$HOME$${X}');
    expect(composeEscape('$a$')).toBe('$$a$$');
    expect(composeValue(['$x', 'y'])).toBe('["$$x", "y"]');
    expect(() => composeValue(undefined)).toThrow('cannot render undefined');
  });

  it('gives MLflow its database credentials as a file secret, no other service', () => {
    const mlflow = doc.services['mlflow']!;
    expect(mlflow.secrets).toEqual([DB_SECRET_NAME]);
    expect(mlflow.environment['DB_SECRET_FILE']).toBe(`/run/secrets/${DB_SECRET_NAME}`);
    expect(mlflow.command![2]).toContain('exec mlflow server');
    expect(doc.secrets[DB_SECRET_NAME]).toEqual({ file: DB_SECRET_PATH });
    expect(doc.services['backend-api']!.secrets).toBeUndefined();
  });

  it('refuses a service list that is not EC2_CONSOLIDATED_CONFIG', () => {
    expect(() => renderComposeFile({ env: 'dev', region: 'eu-central-1', services: services.slice(1) })).toThrow('services must be exactly backend-api, data-collection, mlflow, strategy-service');
  });
});

describe('consolidated user data', () => {
  const registrations = EC2_CONSOLIDATED_CONFIG.services.map((name) => ({ name, serviceId: `srv-${name}` }));
  const script = renderUserData({
    env: 'dev',
    region: 'eu-central-1',
    registry: REGISTRY,
    rdsSecretArn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-it's-AbCdEf",
    composeFile: compose,
    registrations,
  });

  it('is a bash script that parses (bash -n)', () => {
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    const file = join(mkdtempSync(join(tmpdir(), 'ud-')), 'user-data.sh');
    writeFileSync(file, script);
    execFileSync('bash', ['-n', file]);
  });

  it('logs in to ECR, fetches the RDS secret into a root-only file, writes the compose file and starts it', () => {
    expect(script).toContain(`REGISTRY='${REGISTRY}'`);
    expect(script).toContain('aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"');
    expect(script).toContain('umask 077 && aws secretsmanager get-secret-value');
    // A quote in a value cannot break out of the shell word.
    expect(script).toContain(`RDS_SECRET_ARN='arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-it'\\''s-AbCdEf'`);
    expect(script).toContain(`COMPOSE_FILE='${COMPOSE_PATH}'`);
    expect(script).toContain(`<<'TRADAI_COMPOSE_EOF'\n${compose.trimEnd()}\nTRADAI_COMPOSE_EOF`);
    expect(script).toContain('docker compose -f "$COMPOSE_FILE" up -d --wait');
    expect(script).toContain("'X-aws-ec2-metadata-token-ttl-seconds: 300'");
  });

  it('registers the host in Cloud Map for each consolidated service at its port', () => {
    for (const r of registrations) expect(script).toContain(`register '${r.serviceId}' '${SERVICES[r.name].port}' # ${r.name}`);
    expect(script).toContain('servicediscovery register-instance');
  });

  it('stays under the 16 KB EC2 limit and refuses what would break the heredoc', () => {
    expect(Buffer.byteLength(script)).toBeLessThan(16 * 1024);
    expect(() => renderUserData({ env: 'dev', region: 'r', registry: REGISTRY, rdsSecretArn: 'a', composeFile: 'x\nTRADAI_COMPOSE_EOF\n', registrations })).toThrow('heredoc delimiter');
  });

  it('derives the registry from a repository URL', () => {
    expect(registryOf(`${REGISTRY}/tradai/backend`)).toBe(REGISTRY);
    expect(() => registryOf('docker.io/library/nginx')).toThrow('is not an ECR repository URL');
  });
});
