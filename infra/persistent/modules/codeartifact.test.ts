import { beforeAll, describe, expect, it } from 'vitest';
import { getTags } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'dev' });
  const { CodeArtifact } = await import('./codeartifact.js');
  ({ outputs, options } = await runRecordingOptions(() => {
    const ca = new CodeArtifact('codeartifact', { cfg: stackConfig() });
    return { domain: ca.domain.domain, endpoint: ca.repositoryEndpoint };
  }));
});

describe('CodeArtifact (dev)', () => {
  it('creates one domain per environment', () => {
    expect(mocks.byType(T.caDomain).map((d) => d.inputs)).toEqual([{ domain: 'tradai-codeartifact-dev', tags: getTags('dev') }]);
    expect(outputs['domain']).toBe('tradai-codeartifact-dev');
  });

  it('proxies public:npmjs through an upstream repository of the package repository', () => {
    const upstream = mocks.find(T.caRepository, 'codeartifact-npmjs');
    expect(upstream.inputs).toMatchObject({ domain: 'tradai-codeartifact-dev', repository: 'tradai-npmjs-proxy-dev', externalConnections: { externalConnectionName: 'public:npmjs' } });
    const packages = mocks.find(T.caRepository, 'codeartifact-packages');
    expect(packages.inputs).toMatchObject({ domain: 'tradai-codeartifact-dev', repository: 'tradai-packages-dev', upstreams: [{ repositoryName: 'tradai-npmjs-proxy-dev' }] });
    // Only the proxy talks to the public registry.
    expect(packages.inputs['externalConnections']).toBeUndefined();
  });

  it('exports the npm endpoint of the package repository, looked up from CodeArtifact', () => {
    expect(outputs['endpoint']).toBe('https://tradai-codeartifact-dev-123456789012.d.codeartifact.eu-central-1.amazonaws.com/npm/tradai-packages-dev/');
    const lookup = mocks.invokes.find((i) => i.token === 'aws:codeartifact/getRepositoryEndpoint:getRepositoryEndpoint');
    expect(lookup?.inputs).toMatchObject({ domain: 'tradai-codeartifact-dev', repository: 'tradai-packages-dev', format: 'npm' });
  });

  it('retains domain and repositories (published packages are data)', () => {
    for (const r of [...mocks.byType(T.caDomain), ...mocks.byType(T.caRepository)]) {
      expect(optionsOf(options, r.type, r.name)).toMatchObject({ retainOnDelete: true, protect: false });
    }
  });
});
