import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ECR_REPOS } from '../config/services.js';

export type ImageKind = 'lambda' | 'service' | 'strategy';

/** Where an image's build context and Dockerfile live, relative to the workspace root. */
export interface ImageBuild {
  readonly kind: ImageKind;
  readonly name: string;
  /** ECR repository key (`tradai/<repoKey>`). */
  readonly repoKey: string;
  readonly contextDir: string;
  readonly dockerfile: string;
}

/**
 * Every image builds from its esbuild bundle only (dist/apps/<kind>s/<name>): Lambdas with the
 * shared Lambda Dockerfile, Node services with the service Dockerfile, strategies with the strategy
 * task Dockerfile (repository `tradai/strategy-<name>`, one of the `strategyRepos` config). mlflow builds
 * from apps/services/mlflow: its own Dockerfile on the upstream MLflow image.
 */
export function imageBuild(kind: ImageKind, name: string): ImageBuild {
  if (kind === 'lambda') {
    return { kind, name, repoKey: name, contextDir: `dist/apps/lambdas/${name}`, dockerfile: 'docker/lambda.Dockerfile' };
  }
  if (kind === 'strategy') {
    return { kind, name, repoKey: `strategy-${name}`, contextDir: `dist/apps/strategies/${name}`, dockerfile: 'docker/strategy.Dockerfile' };
  }
  if (!(ECR_REPOS as readonly string[]).includes(name)) {
    throw new Error(`unknown service image "${name}"; allowed: ${ECR_REPOS.join(', ')}`);
  }
  if (name === 'mlflow') return { kind, name, repoKey: name, contextDir: 'apps/services/mlflow', dockerfile: 'docker/mlflow.Dockerfile' };
  return { kind, name, repoKey: name, contextDir: `dist/apps/services/${name}`, dockerfile: 'docker/service.Dockerfile' };
}

/** The workspace root (the folder holding nx.json) above `from`. */
export function findWorkspaceRoot(from = process.cwd()): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no nx.json above ${from}: not inside the TradAI workspace`);
    dir = up;
  }
  return dir;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []))
    .sort();
}

/**
 * Content tag of an image: sha256 over every context file (path + bytes), the Dockerfile and the
 * base image reference. Identical inputs give the identical tag on every machine, so `push` can
 * skip a tag the registry already has and `compute` changes a function exactly when its image does.
 */
export function contentTag(files: readonly { path: string; content: Buffer | string }[], dockerfile: string, baseImage = ''): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    h.update(`file:${f.path}\0`).update(f.content).update('\0');
  }
  h.update(`dockerfile\0${dockerfile}\0base\0${baseImage}`);
  return `c-${h.digest('hex').slice(0, 24)}`;
}

/**
 * Computes the tag of an image from the files on disk.
 * @throws naming the missing context and the command that produces it
 */
export function imageTag(build: ImageBuild, root = findWorkspaceRoot(), baseImage = ''): string {
  const contextDir = join(root, build.contextDir);
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
    // Strategy projects are named strategy-<name> (their repository); Lambdas and services by their name.
    const project = build.kind === 'strategy' ? build.repoKey : build.name;
    const how = build.contextDir.startsWith('dist/') ? `npx nx run ${project}:build` : `add the service project at ${build.contextDir}`;
    throw new Error(`image ${build.repoKey}: build context ${build.contextDir} does not exist (${how})`);
  }
  const dockerfilePath = join(root, build.dockerfile);
  if (!existsSync(dockerfilePath)) throw new Error(`image ${build.repoKey}: ${build.dockerfile} does not exist`);
  const files = listFiles(contextDir).map((p) => ({ path: relative(contextDir, p), content: readFileSync(p) }));
  return contentTag(files, readFileSync(dockerfilePath, 'utf8'), baseImage);
}
