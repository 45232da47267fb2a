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
    // toThrow(error) compares messages only: the field path the API reports is checked apart.
    for (const bad of ['docker.io/library/node:22', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/tradai/x']) {
      expect(() => parseImageRef(bad)).toThrow(expect.objectContaining({ name: 'ValidationError', path: 'image' }));
    }
  });

  it('takes China regions and nested repositories', () => {
    expect(parseImageRef(`123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b/c@${DIGEST}`)).toEqual({
      registry: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      repository: 'a/b/c',
      tag: undefined,
      digest: DIGEST,
    });
  });

  it('holds the exact limits: a 12-digit account, tags of 1 to 128 characters, 64-hex digests', () => {
    const reg = (account: string) => `${account}.dkr.ecr.eu-west-1.amazonaws.com`;
    const ok = (image: string) => expect(() => parseImageRef(image), image).not.toThrow();
    const bad = (image: string) => expect(() => parseImageRef(image), image).toThrow(ValidationError);
    ok(`${reg('1'.repeat(12))}/x:t`);
    bad(`${reg('1'.repeat(11))}/x:t`);
    bad(`${reg('1'.repeat(13))}/x:t`);
    ok(`${reg('1'.repeat(12))}/x:${'t'.repeat(128)}`);
    expect(parseImageRef(`${reg('1'.repeat(12))}/x:${'t'.repeat(127)}`).tag).toHaveLength(127);
    bad(`${reg('1'.repeat(12))}/x:${'t'.repeat(129)}`);
    ok(`${reg('1'.repeat(12))}/x:a`);
    bad(`${reg('1'.repeat(12))}/x:`);
    bad(`${reg('1'.repeat(12))}/x:-t`);
    bad(`${reg('1'.repeat(12))}/x:.t`);
    ok(`${reg('1'.repeat(12))}/x:_t.v-1`);
    bad(`${reg('1'.repeat(12))}/x@sha256:${'a'.repeat(63)}`);
    bad(`${reg('1'.repeat(12))}/x@sha256:${'a'.repeat(65)}`);
    bad(`${reg('1'.repeat(12))}/x@sha256:${'A'.repeat(64)}`);
    bad(`${reg('1'.repeat(12))}/X:t`);
    bad(`${reg('1'.repeat(12))}/-x:t`);
    bad(` ${reg('1'.repeat(12))}/x:t`);
    bad(`${reg('1'.repeat(12))}/x:t `);
    bad(`${reg('1'.repeat(12))}.example.com/x:t`);
    bad(`${'1'.repeat(12)}.dkr.ecr.EU-west-1.amazonaws.com/x:t`);
  });
});
