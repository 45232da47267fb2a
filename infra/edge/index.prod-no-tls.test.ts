import { describe, expect, it } from 'vitest';
import { setupStackTest, upstreamFixtures } from '@tradai/infra-shared/testing';

/** prod with neither tradai:apiDomain nor tradai:customDomain nor tradai:allowNoTls: the program stops. */
describe('tradai-edge prod without TLS', () => {
  it('refuses to plan (so preview and up both stop) before creating anything, naming the keys that fix it', async () => {
    const mocks = await setupStackTest({ project: 'tradai-edge', stack: 'prod', stackOutputs: upstreamFixtures('edge', 'prod') });
    const { default: main } = await import('./index.js');
    // The program's first statement: it throws synchronously, whatever the engine does next.
    expect(() => main()).toThrow(/tradai:apiDomain: prod refuses to run without TLS.*tradai:customDomain.*tradai:allowNoTls/);
    expect(mocks.resources).toHaveLength(0);
  });
});
