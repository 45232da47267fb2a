import { ValidationError } from '@tradai/lambda-core';
import { describe, expect, it } from 'vitest';
import { checkParameters, parseImageRef } from './validate.js';

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

describe('checkParameters', () => {
  const specs = {
    stopLoss: { type: 'number' as const, min: 0, max: 0.5, default: 0.1 },
    lookback: { type: 'number' as const, integer: true, min: 1 },
    mode: { type: 'string' as const, enum: ['long', 'short'] },
    trailing: { type: 'boolean' as const, default: false },
  };

  it('merges requested values over declared defaults', () => {
    expect(checkParameters(specs, { lookback: 20, mode: 'long' })).toEqual({ stopLoss: 0.1, trailing: false, lookback: 20, mode: 'long' });
  });

  it.each([
    [{ risk: 1 }, 'parameters.risk: unknown parameter; declared: lookback, mode, stopLoss, trailing'],
    [{ stopLoss: '0.1' }, 'parameters.stopLoss: must be a number, got string'],
    [{ stopLoss: 0.9 }, 'parameters.stopLoss: must be <= 0.5, got 0.9'],
    [{ lookback: 0 }, 'parameters.lookback: must be >= 1, got 0'],
    [{ lookback: 2.5 }, 'parameters.lookback: must be an integer, got 2.5'],
    [{ mode: 'sideways' }, 'parameters.mode: must be one of long, short, got "sideways"'],
  ])('refuses %j naming the parameter', (params, message) => {
    expect(() => checkParameters(specs, params)).toThrow(message);
  });
});
