import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { readInfraEnv, requireAwsCredentials, requireBackendUrl, requirePulumiCli } from './checks.js';
import { confirmPersistentDestroy, destroyPhrase } from './confirm.js';
import { deployHash } from './deploy-hash.js';
import { findMissingImages, formatMissingImages, requiredImages } from './preflight.js';

const repoRoot = resolve(__dirname, '../..');

describe('preconditions of a real Pulumi run', () => {
  it('names the missing Pulumi CLI and how to install it', () => {
    const missing = (() => ({ error: new Error('ENOENT'), status: null })) as never;
    expect(() => requirePulumiCli(missing)).toThrow(/Pulumi CLI was not found on PATH: install the Pulumi CLI/);
    const present = (() => ({ status: 0, stdout: 'v3.200.0\n' })) as never;
    expect(requirePulumiCli(present)).toBe('v3.200.0');
  });

  it('names missing AWS credentials and how to log in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-'));
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' };
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, env);
    try {
      await expect(requireAwsCredentials(process.env)).rejects.toThrow(/no AWS credentials .*aws sso login --profile tradai/);
      process.env['AWS_ACCESS_KEY_ID'] = 'AKIAEXAMPLE';
      process.env['AWS_SECRET_ACCESS_KEY'] = 'secret';
      await expect(requireAwsCredentials(process.env)).resolves.toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it('requires the S3 backend URL and the passphrase from infra/.env', () => {
    expect(() => requireBackendUrl({})).toThrow('S3_PULUMI_BACKEND_URL is not set');
    expect(() => requireBackendUrl({ S3_PULUMI_BACKEND_URL: 'https://bucket' })).toThrow('must look like s3://');
    expect(() => requireBackendUrl({ S3_PULUMI_BACKEND_URL: 's3://tradai-pulumi-state-dev' })).toThrow('PULUMI_CONFIG_PASSPHRASE is not set');
    expect(requireBackendUrl({ S3_PULUMI_BACKEND_URL: 's3://tradai-pulumi-state-dev', PULUMI_CONFIG_PASSPHRASE: 'x' })).toBe('s3://tradai-pulumi-state-dev');
  });

  it('reads infra/.env (comments, quotes)', () => {
    const root = mkdtempSync(join(tmpdir(), 'env-'));
    mkdirSync(join(root, 'infra'));
    writeFileSync(join(root, 'infra/.env'), '# comment\nS3_PULUMI_BACKEND_URL="s3://b"\nPULUMI_CONFIG_PASSPHRASE=p=q\n');
    expect(readInfraEnv(root)).toEqual({ S3_PULUMI_BACKEND_URL: 's3://b', PULUMI_CONFIG_PASSPHRASE: 'p=q' });
  });
});

describe('persistent destroy confirmation', () => {
  it('refuses without a typed confirmation when nobody can type it', async () => {
    await expect(confirmPersistentDestroy('dev', undefined, { interactive: false })).rejects.toThrow(`pass --confirm="destroy tradai-persistent-dev"`);
  });
  it('accepts only the exact phrase, typed or given', async () => {
    await expect(confirmPersistentDestroy('dev', destroyPhrase('dev'), { interactive: false })).resolves.toBeUndefined();
    await expect(confirmPersistentDestroy('prod', destroyPhrase('dev'), { interactive: false })).rejects.toThrow('nothing was destroyed');
    await expect(confirmPersistentDestroy('dev', undefined, { interactive: true, ask: async () => 'yes' })).rejects.toThrow('did not match');
    await expect(confirmPersistentDestroy('dev', undefined, { interactive: true, ask: async () => 'destroy tradai-persistent-dev\n' })).resolves.toBeUndefined();
  });
});

describe('deploy hash (skip-unchanged)', () => {
  const base = { program: 'bundle', stackConfig: '{"a":1}', upstreamOutputs: { 'o/tradai-persistent/dev': { b: 1, a: [1, 2] } } };
  it('is insensitive to key order and sensitive to every input', () => {
    expect(deployHash(base)).toBe(deployHash({ ...base, upstreamOutputs: { 'o/tradai-persistent/dev': { a: [1, 2], b: 1 } } }));
    expect(deployHash({ ...base, program: 'bundle2' })).not.toBe(deployHash(base));
    expect(deployHash({ ...base, stackConfig: '{"a":2}' })).not.toBe(deployHash(base));
    expect(deployHash({ ...base, upstreamOutputs: { 'o/tradai-persistent/dev': { b: 2, a: [1, 2] } } })).not.toBe(deployHash(base));
  });
});

describe('compute pre-flight', () => {
  const image = (repositoryName: string) => ({ repositoryName, tag: 'c-1', pushCommand: `npx nx run ${repositoryName.split('/')[1]}:push -c dev` });

  it('lists every image whose tag or repository is missing, with the command that pushes it', async () => {
    const ecr = mockClient(ECRClient);
    ecr.on(DescribeImagesCommand, { repositoryName: 'tradai/rollback' }).rejects(Object.assign(new Error('no tag'), { name: 'ImageNotFoundException' }));
    ecr.on(DescribeImagesCommand, { repositoryName: 'tradai/backend' }).rejects(Object.assign(new Error('no repo'), { name: 'RepositoryNotFoundException' }));
    ecr.on(DescribeImagesCommand, { repositoryName: 'tradai/health-check' }).resolves({ imageDetails: [{ imageTags: ['c-1'] }] });
    const missing = await findMissingImages(new ECRClient({ region: 'eu-central-1' }), ['tradai/rollback', 'tradai/backend', 'tradai/health-check'].map(image));
    expect(missing.map((m) => m.repositoryName)).toEqual(['tradai/rollback', 'tradai/backend']);
    const text = formatMissingImages(missing, 'dev');
    expect(text).toContain('2 image(s) referenced by tradai-compute/dev are not in ECR; nothing was deployed.');
    expect(text).toContain('tradai/rollback:c-1    npx nx run rollback:push -c dev');
  });

  it('does not hide other ECR errors', async () => {
    mockClient(ECRClient).on(DescribeImagesCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(findMissingImages(new ECRClient({ region: 'eu-central-1' }), [image('tradai/rollback')])).rejects.toThrow('denied');
  });

  it('requires the bundle of every Lambda before it can compute tags', () => {
    const root = mkdtempSync(join(tmpdir(), 'pf-'));
    writeFileSync(join(root, 'nx.json'), '{}');
    expect(() => requiredImages(root, 'dev')).toThrow('build context dist/apps/lambdas/backtest-consumer does not exist (npx nx run backtest-consumer:build)');
  });
});

// Each case starts the CLI through tsx (several seconds on a loaded machine), some twice.
describe('cli', { timeout: 120_000 }, () => {
  const run = promisify(execFile);
  const cli = (args: string[], env: NodeJS.ProcessEnv) =>
    run(join(repoRoot, 'node_modules/.bin/tsx'), [join(__dirname, 'cli.ts'), ...args], { cwd: repoRoot, env });

  it('stops before any remote call when the CLI, credentials and backend are missing, listing each', async () => {
    const env = { PATH: dirname(process.execPath), HOME: mkdtempSync(join(tmpdir(), 'home-')), AWS_EC2_METADATA_DISABLED: 'true' };
    const result = cli(['up', '--layer=foundation', '--env=dev'], env);
    await expect(result).rejects.toMatchObject({ code: 1 });
    const { stderr } = await result.catch((e) => e);
    expect(stderr).toContain('cannot run pulumi up for tradai-foundation/dev');
    expect(stderr).toContain('Pulumi CLI was not found on PATH');
    expect(stderr).toContain('no AWS credentials');
    expect(stderr).toContain('S3_PULUMI_BACKEND_URL is not set');
  });

  it('refuses to destroy persistent without confirmation, before anything else', async () => {
    const env = { PATH: dirname(process.execPath), HOME: tmpdir() };
    const { stderr } = await cli(['destroy', '--layer=persistent', '--env=staging'], env).catch((e) => e);
    expect(stderr).toContain('refusing to destroy the persistent layer without confirmation');
  });

  it('refuses to destroy prod persistent without the explicit unprotect step, even with the destroy phrase', async () => {
    const env = { PATH: dirname(process.execPath), HOME: tmpdir() };
    const { stderr } = await cli(['destroy', '--layer=persistent', '--env=prod', '--confirm=destroy tradai-persistent-prod'], env).catch((e) => e);
    expect(stderr).toContain('prod data is protected (protect + deletion protection): nothing was destroyed');
    const unprotect = await cli(['destroy', '--layer=persistent', '--env=prod', '--confirm=destroy tradai-persistent-prod', '--unprotect'], env).catch((e) => e);
    expect(unprotect.stderr).toContain('refusing to unprotect prod without its own confirmation');
  });

  it('refuses a backend URL that names another environment state bucket', async () => {
    const env = { PATH: dirname(process.execPath), HOME: tmpdir(), S3_PULUMI_BACKEND_URL: 's3://tradai-pulumi-state-dev', PULUMI_CONFIG_PASSPHRASE: 'x', AWS_EC2_METADATA_DISABLED: 'true' };
    const { stderr } = await cli(['preview', '--layer=edge', '--env=prod'], env).catch((e) => e);
    expect(stderr).toContain('S3_PULUMI_BACKEND_URL names bucket tradai-pulumi-state-dev, but the prod state bucket is tradai-pulumi-state-prod');
  });

  it('rejects an unknown command or environment', async () => {
    const env = { PATH: dirname(process.execPath), HOME: tmpdir() };
    expect((await cli(['apply', '--layer=edge'], env).catch((e) => e)).stderr).toContain('command must be one of preview, up, refresh, destroy');
    expect((await cli(['up', '--layer=edge', '--env=qa'], env).catch((e) => e)).stderr).toContain('unknown environment "qa"');
  });
});
