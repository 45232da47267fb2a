import { expect, it } from 'vitest';
import { setupStackTest } from '@tradai/infra-shared/testing';

it('refuses a stack name that is not an environment, listing the allowed ones, before any resource', async () => {
  const mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'qa' });
  const { default: main } = await import('./index.js');
  expect(() => main()).toThrow(/stack: unknown environment "qa"; allowed: dev, staging, prod/);
  expect(mocks.resources).toEqual([]);
});
