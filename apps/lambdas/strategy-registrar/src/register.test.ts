import type { ConfigVersionItem, RegistrationMessage } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { configVersionFor, deploymentFor, isSameRegistration, pinnedImage, registrationDeploymentId, repositoryName } from './register.js';

const REPO = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-momentum';
const msg: RegistrationMessage = { strategy: 'momentum', imageRepository: REPO, imageTag: 'abc123', imageDigest: `sha256:${'a'.repeat(64)}`, configKey: 'strategies/momentum/config.json', gitSha: 'deadbeef' };

describe('registration records', () => {
  it('derives the ECR repository name and the digest-pinned image', () => {
    expect(repositoryName(REPO)).toBe('tradai/strategy-momentum');
    expect(repositoryName('strategy-local')).toBe('strategy-local');
    expect(pinnedImage(msg)).toBe(`${REPO}@sha256:${'a'.repeat(64)}`);
  });

  it.each([`${REPO}:latest`, `${REPO}@sha256:${'a'.repeat(64)}`, 'registry.example/'])('refuses the repository URI %s, naming it', (uri) => {
    expect(() => repositoryName(uri)).toThrow(`imageRepository "${uri}" must be a repository URI without tag or digest`);
  });

  it('builds version latest+1 and a deployment pointing at it and at the previous deployment', () => {
    const v = configVersionFor(msg, 4, '2026-03-01T00:00:00.000Z');
    expect(v).toEqual({ strategy: 'momentum', version: 5, image: pinnedImage(msg), image_tag: 'abc123', config_key: msg.configKey, source: 'strategy-registrar', git_sha: 'deadbeef', created_at: '2026-03-01T00:00:00.000Z' });
    const d = deploymentFor(v, { strategy: 'momentum', deployed_at: 'x', deployment_id: 'prev', config_version: 4, source: 'promote-model' });
    expect(d).toEqual({ strategy: 'momentum', deployment_id: 'registrar-momentum-v5', config_version: 5, image: v.image, source: 'strategy-registrar', status: 'registered', previous_deployment_id: 'prev', deployed_at: v.created_at });
  });

  it('leaves out what it does not know: no git sha, no previous deployment', () => {
    const { gitSha: _, ...noSha } = msg;
    const v = configVersionFor(noSha, 0, 't');
    expect(v).not.toHaveProperty('git_sha');
    expect(v.version).toBe(1);
    expect(deploymentFor(v, undefined)).not.toHaveProperty('previous_deployment_id');
    expect(configVersionFor({ ...msg, registeredAt: '2026-02-01T00:00:00Z' }, 0, 't').created_at).toBe('2026-02-01T00:00:00Z');
  });

  it('names deployments deterministically per strategy and version', () => {
    expect(registrationDeploymentId('momentum', 12)).toBe('registrar-momentum-v12');
  });

  it('recognises a redelivered registration by image and config', () => {
    const v: ConfigVersionItem = configVersionFor(msg, 0, 't');
    expect(isSameRegistration(v, msg)).toBe(true);
    expect(isSameRegistration(v, { ...msg, imageDigest: `sha256:${'b'.repeat(64)}` })).toBe(false);
    expect(isSameRegistration(v, { ...msg, configKey: 'other.json' })).toBe(false);
    expect(isSameRegistration(undefined, msg)).toBe(false);
  });
});
