import type { ConfigVersionItem, RegistrationMessage } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { configVersionFor, deploymentFor, isSameRegistration, pinnedImage, repositoryName } from './register.js';

const REPO = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-momentum';
const msg: RegistrationMessage = { strategy: 'momentum', imageRepository: REPO, imageTag: 'abc123', imageDigest: `sha256:${'a'.repeat(64)}`, configKey: 'strategies/momentum/config.json', gitSha: 'deadbeef' };

describe('registration records', () => {
  it('derives the ECR repository name and the digest-pinned image', () => {
    expect(repositoryName(REPO)).toBe('tradai/strategy-momentum');
    expect(() => repositoryName(`${REPO}:latest`)).toThrow(/without tag or digest/);
    expect(pinnedImage(msg)).toBe(`${REPO}@sha256:${'a'.repeat(64)}`);
  });

  it('builds version latest+1 and a deployment pointing at it and at the previous deployment', () => {
    const v = configVersionFor(msg, 4, '2026-03-01T00:00:00.000Z');
    expect(v).toMatchObject({ strategy: 'momentum', version: 5, image: pinnedImage(msg), image_tag: 'abc123', config_key: msg.configKey, source: 'strategy-registrar', git_sha: 'deadbeef', created_at: '2026-03-01T00:00:00.000Z' });
    const d = deploymentFor(v, { strategy: 'momentum', deployed_at: 'x', deployment_id: 'prev', config_version: 4, source: 'promote-model' });
    expect(d).toMatchObject({ deployment_id: 'registrar-momentum-v5', config_version: 5, image: v.image, status: 'registered', previous_deployment_id: 'prev', deployed_at: v.created_at });
  });

  it('recognises a redelivered registration by image and config', () => {
    const v: ConfigVersionItem = configVersionFor(msg, 0, 't');
    expect(isSameRegistration(v, msg)).toBe(true);
    expect(isSameRegistration(v, { ...msg, imageDigest: `sha256:${'b'.repeat(64)}` })).toBe(false);
    expect(isSameRegistration(v, { ...msg, configKey: 'other.json' })).toBe(false);
    expect(isSameRegistration(undefined, msg)).toBe(false);
  });
});
