import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    launchHook: { groupName: 'tradai-consolidated-dev', hookName: 'tradai-services-healthy' },
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
    expect(() =>
      renderUserData({ env: 'dev', region: 'r', registry: REGISTRY, rdsSecretArn: 'a', composeFile: 'x\nTRADAI_COMPOSE_EOF\n', registrations, launchHook: { groupName: 'g', hookName: 'h' } }),
    ).toThrow('heredoc delimiter');
  });

  it('derives the registry from a repository URL', () => {
    expect(registryOf(`${REGISTRY}/tradai/backend`)).toBe(REGISTRY);
    expect(() => registryOf('docker.io/library/nginx')).toThrow('is not an ECR repository URL');
  });
});

/**
 * Runs the rendered script with stand-ins for the host's commands (aws, docker, curl, ...) on PATH,
 * each recording its arguments, and with the root-owned paths moved into a temp folder. What it
 * checks is the script's own control flow: which answer the launch hook gets, and when.
 */
describe('consolidated user data: the launch hook answer', () => {
  const registrations = EC2_CONSOLIDATED_CONFIG.services.map((name) => ({ name, serviceId: `srv-${name}` }));
  const run = (composeUpExit: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-run-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const calls = join(dir, 'calls.log');
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> '${calls}'\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('aws', 'case "$*" in *list-instances*) echo "i-0old";; *get-login-password*) echo pw;; *get-secret-value*) echo "{}";; esac; exit 0');
    // `login --password-stdin` reads the piped password like the real one: a stand-in that exits first
    // would SIGPIPE the `aws` before it in the pipe (exit 141 under pipefail) whenever it loses the race.
    stub('docker', `case "$*" in *" up "*) exit ${composeUpExit};; *password-stdin*) cat > /dev/null;; esac; exit 0`);
    stub('curl', 'case "$*" in *api/token*) echo tok;; *instance-id*) echo i-0new;; *local-ipv4*) echo 10.0.10.5;; esac');
    for (const name of ['systemctl', 'logger', 'dnf']) stub(name, 'cat > /dev/null 2>&1 || true');
    stub('tee', 'cat > /dev/null');
    const script = renderUserData({
      env: 'dev',
      region: 'eu-central-1',
      registry: REGISTRY,
      rdsSecretArn: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds-AbCdEf',
      composeFile: compose,
      registrations,
      launchHook: { groupName: 'tradai-consolidated-dev', hookName: 'tradai-services-healthy' },
    })
      .replaceAll(COMPOSE_PATH, join(dir, 'opt', 'compose.yml'))
      .replaceAll(DB_SECRET_PATH, join(dir, 'secrets', 'rds.json'))
      .replace('/var/log/tradai-bootstrap.log', join(dir, 'bootstrap.log'));
    const file = join(dir, 'user-data.sh');
    writeFileSync(file, script);
    const result = spawnSync('bash', [file], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
    return { status: result.status, calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean) };
  };

  it('answers CONTINUE only after every service is healthy and the host is registered in Cloud Map', () => {
    const { status, calls } = run(0);
    expect(status).toBe(0);
    const hook = calls.filter((c) => c.includes('complete-lifecycle-action'));
    expect(hook).toEqual([
      'aws autoscaling complete-lifecycle-action --region eu-central-1 --auto-scaling-group-name tradai-consolidated-dev --lifecycle-hook-name tradai-services-healthy --instance-id i-0new --lifecycle-action-result CONTINUE',
    ]);
    const at = (needle: string) => calls.findIndex((c) => c.includes(needle));
    expect(at('up -d --wait')).toBeLessThan(at('deregister-instance'));
    // The old host's registrations make way for the new one (stand-in list-instances says i-0old).
    expect(calls.filter((c) => c.includes('deregister-instance --region eu-central-1 --service-id srv-') && c.endsWith('--instance-id i-0old'))).toHaveLength(registrations.length);
    expect(calls.filter((c) => c.includes('servicediscovery register-instance'))).toHaveLength(registrations.length);
    expect(calls.findLastIndex((c) => c.includes('servicediscovery register-instance'))).toBeLessThan(at('complete-lifecycle-action'));
  });

  it('answers ABANDON, and registers nothing, when the services do not become healthy', () => {
    const { status, calls } = run(1);
    expect(status).not.toBe(0);
    expect(calls.filter((c) => c.includes('complete-lifecycle-action'))).toEqual([expect.stringMatching(/--instance-id i-0new --lifecycle-action-result ABANDON$/)]);
    expect(calls.some((c) => c.includes('register-instance') || c.includes('deregister-instance'))).toBe(false);
  });
});
