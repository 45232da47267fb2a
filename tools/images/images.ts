import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DescribeImagesCommand, GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { getEcrRepoName, imageBuild, imageTag, type ImageBuild, type ImageKind } from '@tradai/infra-shared';

/** Folder of each kind under dist/apps and dist/images. */
export const IMAGE_KIND_DIRS: Readonly<Record<ImageKind, string>> = { lambda: 'lambdas', service: 'services', strategy: 'strategies' };

/** Where `image` records its manifest for `push` (and a strategy's registration reads it). */
export function imageManifestPath(root: string, kind: ImageKind, name: string): string {
  return join(root, 'dist', 'images', IMAGE_KIND_DIRS[kind], `${name}.json`);
}

/** What `image` records for `push` (dist/images/<kind dir>/<name>.json). */
export interface ImageManifest {
  readonly kind: ImageKind;
  readonly name: string;
  readonly repository: string;
  readonly tag: string;
  readonly contextDir: string;
  readonly dockerfile: string;
  readonly localImage: string;
  readonly builder: string;
}

export function imageManifest(kind: ImageKind, name: string, root: string, builder: string): ImageManifest {
  const build: ImageBuild = imageBuild(kind, name);
  const tag = imageTag(build, root);
  const repository = getEcrRepoName(build.repoKey);
  return { kind, name, repository, tag, contextDir: build.contextDir, dockerfile: build.dockerfile, localImage: `localhost/${repository}:${tag}`, builder };
}

/** The container builder to use: docker when its engine answers, else buildah (rootless-friendly, no daemon). */
export function detectBuilder(run = spawnSync): 'docker' | 'buildah' {
  if (run('docker', ['info'], { stdio: 'ignore' }).status === 0) return 'docker';
  if (run('buildah', ['--version'], { stdio: 'ignore' }).status === 0) return 'buildah';
  throw new Error('no container builder: start a Docker engine, or install buildah (`apt-get install buildah`); the image tag was computed but nothing was built');
}

/** The build command: the context is the bundle (or service folder) only. */
export function buildCommand(builder: 'docker' | 'buildah', m: ImageManifest, baseImage?: string): string[] {
  const args = ['-f', m.dockerfile, '-t', m.localImage, ...(baseImage ? ['--build-arg', `BASE_IMAGE=${baseImage}`] : []), m.contextDir];
  return builder === 'docker' ? ['docker', 'build', '--platform', 'linux/amd64', ...args] : ['buildah', 'bud', '--platform', 'linux/amd64', ...args];
}

/** True when the registry already has this content tag: push then does nothing. */
export async function tagExists(ecr: ECRClient, repository: string, tag: string): Promise<boolean> {
  try {
    await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    return true;
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'ImageNotFoundException') return false;
    if (name === 'RepositoryNotFoundException') {
      throw new Error(`ECR repository ${repository} does not exist: deploy the persistent layer first (npx nx run persistent:up -c <env>)`);
    }
    throw err;
  }
}

/** Registry host and login password from ECR's authorization token. */
export async function registryLogin(ecr: ECRClient): Promise<{ registry: string; username: string; password: string }> {
  const out = await ecr.send(new GetAuthorizationTokenCommand({}));
  const data = out.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('ECR returned no authorization token');
  const [username, password] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':');
  return { registry: data.proxyEndpoint.replace(/^https:\/\//, ''), username: username!, password: password! };
}

/**
 * Strategy repositories are config (`tradai:strategyRepos` of the persistent stack), not code: a
 * strategy project without one has nowhere to push, so say where to add it.
 */
export function assertStrategyRepo(strategyRepos: readonly string[], repoKey: string, env: string): void {
  if (strategyRepos.includes(repoKey)) return;
  throw new Error(
    `strategy image ${repoKey} has no ECR repository in ${env}: add "${repoKey}" to tradai:strategyRepos in infra/persistent/Pulumi.${env}.yaml, then npx nx run persistent:up -c ${env} (configured: ${strategyRepos.join(', ') || 'none'})`,
  );
}
