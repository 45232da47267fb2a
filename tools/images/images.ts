import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
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
  /** The BASE_IMAGE build argument when it overrides the Dockerfile's default (offline builds). */
  readonly baseImage?: string;
}

/**
 * The manifest of one image. An overridden base image goes into the tag: an image built on a local
 * base must never carry the tag `compute` expects for the production base (`push` would skip or,
 * worse, ship it under that tag).
 */
export function imageManifest(kind: ImageKind, name: string, root: string, builder: string, baseImage?: string): ImageManifest {
  const build: ImageBuild = imageBuild(kind, name);
  const tag = imageTag(build, root, baseImage ?? '');
  const repository = getEcrRepoName(build.repoKey);
  return {
    kind,
    name,
    repository,
    tag,
    contextDir: build.contextDir,
    dockerfile: build.dockerfile,
    localImage: `localhost/${repository}:${tag}`,
    builder,
    ...(baseImage ? { baseImage } : {}),
  };
}

/** The container builder to use: docker when its engine answers, else buildah (rootless-friendly, no daemon). */
export function detectBuilder(run = spawnSync): 'docker' | 'buildah' {
  if (run('docker', ['info'], { stdio: 'ignore' }).status === 0) return 'docker';
  if (run('buildah', ['--version'], { stdio: 'ignore' }).status === 0) return 'buildah';
  throw new Error('no container builder: start a Docker engine, or install buildah (`apt-get install buildah`); the image tag was computed but nothing was built');
}

/**
 * The build command: the context is the bundle (or service folder) only. buildah writes the Docker
 * image format: the OCI format has no HEALTHCHECK, so buildah would drop the services' probe.
 */
export function buildCommand(builder: 'docker' | 'buildah', m: ImageManifest): string[] {
  const args = ['-f', m.dockerfile, '-t', m.localImage, ...(m.baseImage ? ['--build-arg', `BASE_IMAGE=${m.baseImage}`] : []), m.contextDir];
  return builder === 'docker' ? ['docker', 'build', '--platform', 'linux/amd64', ...args] : ['buildah', 'bud', '--platform', 'linux/amd64', '--format', 'docker', ...args];
}

/** Commands that copy the built image to `remote` (registry/repository:tag); `tlsVerify: false` only for a plain-HTTP registry. */
export function pushCommands(builder: 'docker' | 'buildah', localImage: string, remote: string, tlsVerify = true): string[][] {
  if (builder === 'docker') return [['docker', 'tag', localImage, remote], ['docker', 'push', remote]];
  return [['buildah', 'push', ...(tlsVerify ? [] : ['--tls-verify=false']), localImage, `docker://${remote}`]];
}

/** Manifest media types a registry may hold for a tag (Docker v2 and OCI, single image or index). */
const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/**
 * True when an OCI distribution registry (not ECR: a local or self-hosted one, `host:port`) already
 * has `repository:tag`, through the registry API (`HEAD /v2/<name>/manifests/<tag>`).
 * `insecure` speaks plain HTTP (a registry on loopback).
 * @throws naming the registry when it needs credentials or answers anything but 200/404
 */
export async function registryTagExists(registry: string, repository: string, tag: string, insecure: boolean, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  const url = `${insecure ? 'http' : 'https'}://${registry}/v2/${repository}/manifests/${encodeURIComponent(tag)}`;
  let res: Response;
  try {
    res = await fetchImpl(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT }, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new Error(`registry ${registry} did not answer ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  if (res.status === 401 || res.status === 403) throw new Error(`registry ${registry} refused ${repository}:${tag} (HTTP ${res.status}): it needs credentials, which this push does not send`);
  throw new Error(`registry ${registry} answered HTTP ${res.status} for ${repository}:${tag}`);
}

/** True when the registry already has this content tag: push then does nothing. */
export async function tagExists(ecr: ECRClient, repository: string, tag: string): Promise<boolean> {
  // Loaded on use: builds and pushes to a plain registry skip the ECR client's second of imports.
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
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
  const { GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
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

/** Where `push` sends an image: ECR, or a plain OCI registry (local or self-hosted). */
export interface PushTarget {
  /** How messages name it, e.g. `ECR (dev)` or `127.0.0.1:5000`. */
  readonly label: string;
  /** False only for a plain-HTTP registry on loopback. */
  readonly tlsVerify: boolean;
  exists(repository: string, tag: string): Promise<boolean>;
  /** The registry host, with credentials when it needs a login. */
  connect(): Promise<{ registry: string; login?: { username: string; password: string } }>;
}

export type PushOutcome = { readonly pushed: false; readonly message: string } | { readonly pushed: true; readonly remote: string; readonly message: string };

/**
 * Pushes a built image unless the target already has its content tag (the tag is a content hash,
 * so an existing tag is this very image): no login, no upload, nothing rebuilt.
 */
export async function pushImage(m: ImageManifest, target: PushTarget, run: (cmd: string[], input?: string) => void): Promise<PushOutcome> {
  if (m.builder !== 'docker' && m.builder !== 'buildah') throw new Error(`manifest of ${m.repository} names builder "${m.builder}"; expected docker or buildah (rebuild with the image target)`);
  if (await target.exists(m.repository, m.tag)) return { pushed: false, message: `${m.repository}:${m.tag} is already in ${target.label}; nothing to push` };
  const { registry, login } = await target.connect();
  if (login) run([m.builder, 'login', '--username', login.username, '--password-stdin', registry], login.password);
  const remote = `${registry}/${m.repository}:${m.tag}`;
  for (const cmd of pushCommands(m.builder, m.localImage, remote, target.tlsVerify)) run(cmd);
  return { pushed: true, remote, message: `pushed ${remote}` };
}

/** Hosts a registry may be reached on over plain HTTP: loopback only. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.split(':')[0]!;
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
