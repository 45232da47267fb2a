import { expect, it } from 'vitest';
import { setupStackTest } from '@tradai/infra-shared/testing';

it('refuses a strategy repository that collides with a Lambda repository, naming tradai:strategyRepos', async () => {
  const mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'prod', config: { strategyRepos: '["momentum","rollback"]' } });
  const { default: main } = await import('./index.js');
  expect(() => main()).toThrow(/tradai:strategyRepos\.1: collides with a service or Lambda repository/);
  expect(mocks.resources).toEqual([]);
});
