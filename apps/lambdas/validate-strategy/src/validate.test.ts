import { ValidationError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { parseImageRef } from './validate.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  it('splits an ECR reference into repository, tag and digest', () => {
    expect(parseImageRef(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/tradai/strategy-momo:v1@${DIGEST}`)).toEqual({
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      repository: 'tradai/strategy-momo',
      tag: 'v1',
      digest: DIGEST,
    });
    expect(parseImageRef('123456789012.dkr.ecr.eu-west-1.amazonaws.com/tradai/x:latest')).toMatchObject({ repository: 'tradai/x', tag: 'latest', digest: undefined });
  });

  it('refuses non-ECR and unpinned references naming the image field', () => {
    expect(() => parseImageRef('docker.io/library/node:22')).toThrow(new ValidationError('invalid config version: image: "docker.io/library/node:22" is not an ECR image reference', 'image'));
    expect(() => parseImageRef('123456789012.dkr.ecr.eu-west-1.amazonaws.com/tradai/x')).toThrow(/has neither tag nor digest/);
  });
});

