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

  it('is a Python registry: public:pypi proxied through an upstream of the package repository, no npm', () => {
    const upstream = mocks.find(T.caRepository, 'codeartifact-pypi');
    expect(upstream.inputs).toMatchObject({ domain: 'tradai-codeartifact-dev', repository: 'tradai-pypi-proxy-dev', externalConnections: { externalConnectionName: 'public:pypi' } });
    const packages = mocks.find(T.caRepository, 'codeartifact-python');
    expect(packages.inputs).toMatchObject({ domain: 'tradai-codeartifact-dev', repository: 'tradai-python-dev', upstreams: [{ repositoryName: 'tradai-pypi-proxy-dev' }] });
    expect(mocks.byType(T.caRepository)).toHaveLength(2);
    expect(JSON.stringify(mocks.byType(T.caRepository).map((r) => r.inputs))).not.toContain('npm');
    // Only the proxy talks to the public registry.
    expect(packages.inputs['externalConnections']).toBeUndefined();
  });

  it('exports the pypi endpoint of the package repository (pip --index-url <endpoint>simple/), looked up from CodeArtifact', () => {
    expect(outputs['endpoint']).toBe('https://tradai-codeartifact-dev-123456789012.d.codeartifact.eu-central-1.amazonaws.com/pypi/tradai-python-dev/');
    const lookup = mocks.invokes.find((i) => i.token === 'aws:codeartifact/getRepositoryEndpoint:getRepositoryEndpoint');
    expect(lookup?.inputs).toMatchObject({ domain: 'tradai-codeartifact-dev', repository: 'tradai-python-dev', format: 'pypi' });
  });

  it('retains domain and repositories (published packages are data)', () => {
    for (const r of [...mocks.byType(T.caDomain), ...mocks.byType(T.caRepository)]) {
      expect(optionsOf(options, r.type, r.name)).toMatchObject({ retainOnDelete: true, protect: false });
    }
  });
});
