import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { assertStrategyRepo, buildCommand, detectBuilder, imageManifest, imageManifestPath, isLoopbackRegistry, pushImage, registryLogin, registryTagExists, tagExists, type PushTarget } from './images.js';

function lambdaWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'img-'));
  mkdirSync(join(root, 'docker'));
  mkdirSync(join(root, 'dist/apps/lambdas/rollback'), { recursive: true });
  writeFileSync(join(root, 'docker/lambda.Dockerfile'), 'ARG BASE_IMAGE=x\nFROM ${BASE_IMAGE}\n');
  writeFileSync(join(root, 'dist/apps/lambdas/rollback/index.mjs'), 'export const handler = 1;');
  writeFileSync(join(root, 'nx.json'), '{}');
  return root;
}

describe('image builds', () => {
  it('tags the image with the content tag compute will reference, built from the bundle only', () => {
    const m = imageManifest('lambda', 'rollback', lambdaWorkspace(), 'buildah');
    expect(m).toMatchObject({ repository: 'tradai/rollback', contextDir: 'dist/apps/lambdas/rollback', dockerfile: 'docker/lambda.Dockerfile' });
    expect(m.localImage).toBe(`localhost/tradai/rollback:${m.tag}`);
    expect(m).not.toHaveProperty('baseImage');
    // Docker format: OCI has no HEALTHCHECK, and buildah would drop the services' probe.
    expect(buildCommand('buildah', m)).toEqual(['buildah', 'bud', '--platform', 'linux/amd64', '--format', 'docker', '-f', 'docker/lambda.Dockerfile', '-t', m.localImage, 'dist/apps/lambdas/rollback']);
    expect(buildCommand('docker', m)).toEqual(['docker', 'build', '--platform', 'linux/amd64', '-f', 'docker/lambda.Dockerfile', '-t', m.localImage, 'dist/apps/lambdas/rollback']);
  });

  it('builds on an overridden base under another tag, never the one compute expects', () => {
    const root = lambdaWorkspace();
    const prod = imageManifest('lambda', 'rollback', root, 'buildah');
    const local = imageManifest('lambda', 'rollback', root, 'buildah', 'localhost/base:1');
    expect(local.tag).not.toBe(prod.tag);
    expect(local.tag).toBe(imageManifest('lambda', 'rollback', root, 'docker', 'localhost/base:1').tag);
    expect(buildCommand('buildah', local)).toEqual([
      'buildah', 'bud', '--platform', 'linux/amd64', '--format', 'docker', '-f', 'docker/lambda.Dockerfile', '-t', local.localImage, '--build-arg', 'BASE_IMAGE=localhost/base:1', 'dist/apps/lambdas/rollback',
    ]);
  });

  it('says what to install when no builder exists', () => {
    const none = (() => ({ status: 1 })) as never;
    expect(() => detectBuilder(none)).toThrow('no container builder: start a Docker engine, or install buildah');
  });
});

describe('push', () => {
  it('skips a tag the registry already has and explains a missing repository', async () => {
    const ecr = mockClient(ECRClient);
    ecr.on(DescribeImagesCommand, { repositoryName: 'tradai/rollback' }).resolves({ imageDetails: [{}] });
    ecr.on(DescribeImagesCommand, { repositoryName: 'tradai/new' }).rejects(Object.assign(new Error('x'), { name: 'ImageNotFoundException' }));
    ecr.on(DescribeImagesCommand, { repositoryName: 'tradai/gone' }).rejects(Object.assign(new Error('x'), { name: 'RepositoryNotFoundException' }));
    const client = new ECRClient({ region: 'eu-central-1' });
    expect(await tagExists(client, 'tradai/rollback', 'c-1')).toBe(true);
    expect(await tagExists(client, 'tradai/new', 'c-1')).toBe(false);
    await expect(tagExists(client, 'tradai/gone', 'c-1')).rejects.toThrow('deploy the persistent layer first');
  });

  it('decodes the ECR login', async () => {
    mockClient(ECRClient).on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: Buffer.from('AWS:secret').toString('base64'), proxyEndpoint: 'https://123456789012.dkr.ecr.eu-central-1.amazonaws.com' }],
    });
    expect(await registryLogin(new ECRClient({ region: 'eu-central-1' }))).toEqual({ registry: '123456789012.dkr.ecr.eu-central-1.amazonaws.com', username: 'AWS', password: 'secret' });
  });
});

describe('push to a registry', () => {
  const manifest = imageManifest('lambda', 'rollback', lambdaWorkspace(), 'buildah');
  function target(has: boolean, login?: { username: string; password: string }): PushTarget & { connects: number } {
    const t = { label: '127.0.0.1:5000', tlsVerify: false, connects: 0, exists: async () => has, connect: async () => (t.connects++, { registry: '127.0.0.1:5000', login }) };
    return t;
  }

  it('does nothing at all when the registry has the content tag', async () => {
    const ran: string[][] = [];
    const t = target(true);
    expect(await pushImage(manifest, t, (cmd) => ran.push(cmd))).toEqual({ pushed: false, message: `tradai/rollback:${manifest.tag} is already in 127.0.0.1:5000; nothing to push` });
    expect(ran).toEqual([]);
    expect(t.connects).toBe(0);
  });

  it('pushes a missing tag, logging in first when the registry wants it, the password on stdin', async () => {
    const ran: { cmd: string[]; input?: string }[] = [];
    const remote = `127.0.0.1:5000/tradai/rollback:${manifest.tag}`;
    expect(await pushImage(manifest, target(false), (cmd, input) => ran.push({ cmd, input }))).toEqual({ pushed: true, remote, message: `pushed ${remote}` });
    expect(ran).toEqual([{ cmd: ['buildah', 'push', '--tls-verify=false', manifest.localImage, `docker://${remote}`], input: undefined }]);
    ran.length = 0;
    await pushImage({ ...manifest, builder: 'docker' }, { ...target(false, { username: 'AWS', password: 's3cret' }), tlsVerify: true }, (cmd, input) => ran.push({ cmd, input }));
    expect(ran).toEqual([
      { cmd: ['docker', 'login', '--username', 'AWS', '--password-stdin', '127.0.0.1:5000'], input: 's3cret' },
      { cmd: ['docker', 'tag', manifest.localImage, remote], input: undefined },
      { cmd: ['docker', 'push', remote], input: undefined },
    ]);
  });

  it('refuses a manifest from an unknown builder', async () => {
    await expect(pushImage({ ...manifest, builder: 'podman' }, target(false), () => undefined)).rejects.toThrow('names builder "podman"; expected docker or buildah');
  });

  it('asks the registry API for the tag and explains what it cannot use', async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const answer = (status: number) => (async (url: string, init?: RequestInit) => (calls.push({ url, init }), new Response(null, { status }))) as typeof fetch;
    expect(await registryTagExists('127.0.0.1:5000', 'tradai/rollback', 'c-1', true, answer(200))).toBe(true);
    expect(calls[0]!.url).toBe('http://127.0.0.1:5000/v2/tradai/rollback/manifests/c-1');
    expect(calls[0]!.init?.method).toBe('HEAD');
    expect(String((calls[0]!.init?.headers as Record<string, string>).Accept)).toContain('application/vnd.oci.image.manifest.v1+json');
    expect(await registryTagExists('registry.example.com', 'tradai/rollback', 'c-1', false, answer(404))).toBe(false);
    expect(calls[1]!.url).toBe('https://registry.example.com/v2/tradai/rollback/manifests/c-1');
    await expect(registryTagExists('r:1', 'tradai/x', 'c-1', true, answer(401))).rejects.toThrow('registry r:1 refused tradai/x:c-1 (HTTP 401): it needs credentials');
    await expect(registryTagExists('r:1', 'tradai/x', 'c-1', true, answer(500))).rejects.toThrow('registry r:1 answered HTTP 500 for tradai/x:c-1');
    const down = (async () => { throw new TypeError('fetch failed'); }) as typeof fetch;
    await expect(registryTagExists('127.0.0.1:9', 'tradai/x', 'c-1', true, down)).rejects.toThrow('registry 127.0.0.1:9 did not answer http://127.0.0.1:9/v2/tradai/x/manifests/c-1: fetch failed');
  });

  it('allows plain HTTP to loopback registries only', () => {
    expect(['127.0.0.1:5000', 'localhost:5000', '[::1]:5000', '127.1.2.3'].map(isLoopbackRegistry)).toEqual([true, true, true, true]);
    expect(['10.0.0.1:5000', 'registry.example.com', '127.0.0.1.example.com:5000'].map(isLoopbackRegistry)).toEqual([false, false, false]);
  });
});

describe('strategy images', () => {
  it('keeps manifests per kind where push and the registration read them', () => {
    expect(imageManifestPath('/ws', 'strategy', 'ma-crossover')).toBe('/ws/dist/images/strategies/ma-crossover.json');
    expect(imageManifestPath('/ws', 'lambda', 'rollback')).toBe('/ws/dist/images/lambdas/rollback.json');
  });

  it('pushes only to a configured strategy repository, naming the config key to add otherwise', () => {
    expect(() => assertStrategyRepo(['strategy-ma-crossover'], 'strategy-ma-crossover', 'dev')).not.toThrow();
    expect(() => assertStrategyRepo(['strategy-ma-crossover'], 'strategy-rsi-mean-reversion', 'prod')).toThrow(
      'strategy image strategy-rsi-mean-reversion has no ECR repository in prod: add "strategy-rsi-mean-reversion" to tradai:strategyRepos in infra/persistent/Pulumi.prod.yaml, then npx nx run persistent:up -c prod (configured: strategy-ma-crossover)',
    );
  });
});
