import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { assertStrategyRepo, buildCommand, detectBuilder, imageManifest, imageManifestPath, registryLogin, tagExists } from './images.js';

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
    expect(buildCommand('buildah', m, 'localhost/base:1')).toEqual([
      'buildah', 'bud', '--platform', 'linux/amd64', '-f', 'docker/lambda.Dockerfile', '-t', m.localImage, '--build-arg', 'BASE_IMAGE=localhost/base:1', 'dist/apps/lambdas/rollback',
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
