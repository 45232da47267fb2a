import { setupStackTest } from '@tradai/infra-shared/testing';
import { describe, expect, it } from 'vitest';

describe('tradai-foundation on a stack that is not an environment', () => {
  it('stops naming the allowed environments', async () => {
    const mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'qa' });
    const { default: main } = await import('./index.js');
    expect(() => main()).toThrow(/unknown environment "qa"; allowed: dev, staging, prod/);
    expect(mocks.resources).toEqual([]);
  });
});
