import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsClientConfig, resolveAwsProfile } from './aws-profile.js';
import { requireAwsCredentials, requireEnvironmentBackend } from './checks.js';

describe('which AWS profile the pre-flight checks use', () => {
  it('the stack config aws:profile first (what the AWS provider deploys with), then AWS_PROFILE, then the default chain', () => {
    expect(resolveAwsProfile({ 'aws:profile': 'tradai-prod' }, { AWS_PROFILE: 'other' })).toEqual({ profile: 'tradai-prod', source: 'aws:profile in the stack config' });
    expect(resolveAwsProfile({ 'aws:region': 'eu-central-1' }, { AWS_PROFILE: 'tradai' })).toEqual({ profile: 'tradai', source: 'AWS_PROFILE' });
    expect(resolveAwsProfile({}, {})).toEqual({ source: 'the default credential chain' });
  });
});

describe('credentials and clients follow that profile', () => {
  let saved: NodeJS.ProcessEnv;
  let dir: string;
  beforeEach(() => {
    saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    dir = mkdtempSync(join(tmpdir(), 'aws-profile-'));
    writeFileSync(join(dir, 'config'), '[profile tradai]\nregion = eu-central-1\n');
    writeFileSync(join(dir, 'credentials'), '[tradai]\naws_access_key_id = AKIATRADAIPROFILE\naws_secret_access_key = s\n');
    Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' });
  });
  afterEach(() => {
    process.env = saved;
  });

  it('finds the keys of aws:profile from the stack config, with no AWS_PROFILE in the environment', async () => {
    const cfg = awsClientConfig({ 'aws:profile': 'tradai', 'aws:region': 'eu-central-1' }, process.env);
    expect(cfg.region).toBe('eu-central-1');
    expect((await cfg.credentials()).accessKeyId).toBe('AKIATRADAIPROFILE');
    await expect(requireAwsCredentials(process.env, cfg.profile)).resolves.toBeUndefined();
    // The same machine without that choice has no credentials: the profile is what made it work.
    await expect(requireAwsCredentials(process.env)).rejects.toThrow(/no AWS credentials/);
  });

  it('finds the keys of AWS_PROFILE from infra/.env (merged into the run environment)', async () => {
    const runEnv = { ...process.env, AWS_PROFILE: 'tradai' };
    expect((await awsClientConfig({}, runEnv).credentials()).accessKeyId).toBe('AKIATRADAIPROFILE');
  });

  it('names the profile and where it came from when its credentials are missing', async () => {
    const cfg = awsClientConfig({ 'aws:profile': 'tradai-prod' }, process.env);
    await expect(requireAwsCredentials(process.env, cfg.profile)).rejects.toThrow(
      /no AWS credentials for profile "tradai-prod" \(from aws:profile in the stack config; .*aws sso login --profile tradai-prod/,
    );
  });
});

describe('the backend URL of an environment', () => {
  it('must name that environment state bucket', () => {
    expect(requireEnvironmentBackend('s3://tradai-pulumi-state-prod', 'prod')).toBe('tradai-pulumi-state-prod');
    expect(requireEnvironmentBackend('s3://tradai-pulumi-state-dev/stacks', 'dev')).toBe('tradai-pulumi-state-dev');
    expect(() => requireEnvironmentBackend('s3://tradai-pulumi-state-dev', 'prod')).toThrow(
      'S3_PULUMI_BACKEND_URL names bucket tradai-pulumi-state-dev, but the prod state bucket is tradai-pulumi-state-prod: run with S3_PULUMI_BACKEND_URL=s3://tradai-pulumi-state-prod',
    );
  });
});
