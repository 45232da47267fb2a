import { setupStackTest, upstreamFixtures } from '@tradai/infra-shared/testing';
import { describe, expect, it } from 'vitest';

/** prod with neither tradai:apiDomain nor tradai:certificateArn nor tradai:allowNoTls: the program stops. */
describe('compute (prod) without TLS', () => {
  it('refuses to plan (so preview and up both stop) before creating anything, naming the keys that fix it', async () => {
    const mocks = await setupStackTest({ project: 'tradai-compute', stack: 'prod', stackOutputs: upstreamFixtures('compute', 'prod') });
    const { default: main } = await import('./index.js');
    // The program's first statement: it throws synchronously, whatever the engine does next.
    expect(() => main()).toThrow(/tradai:apiDomain: prod refuses to run without TLS.*tradai:certificateArn.*tradai:allowNoTls/);
    expect(mocks.resources).toHaveLength(0);
  });
});
