import { expect, it } from 'vitest';
import { setupStackTest } from '@tradai/infra-shared/testing';

// The program is called directly (not inside a Stack): the error is synchronous and the Stack
// wrapper would only re-raise it as an unhandled rejection of its output promises.
it('stops on a malformed tradai:strategyRepos with an error naming the key, before any resource', async () => {
  const mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'dev', config: { strategyRepos: '["Bad_Name"]' } });
  const { default: main } = await import('./index.js');
  expect(() => main()).toThrow(/tradai:strategyRepos\.0: must be a lowercase slug/);
  expect(mocks.resources).toEqual([]);
});
