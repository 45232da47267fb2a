import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTag, imageBuild, imageTag } from './image-tag.js';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tag-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

describe('image content tags', () => {
  const lambda = imageBuild('lambda', 'rollback');
  const base = { 'docker/lambda.Dockerfile': 'FROM x\n', 'dist/apps/lambdas/rollback/index.mjs': 'export const handler=1', 'nx.json': '{}' };

  it('is stable for identical content and independent of file order', () => {
    expect(contentTag([{ path: 'a', content: '1' }, { path: 'b', content: '2' }], 'D')).toBe(contentTag([{ path: 'b', content: '2' }, { path: 'a', content: '1' }], 'D'));
    expect(imageTag(lambda, workspace(base))).toBe(imageTag(lambda, workspace(base)));
    expect(imageTag(lambda, workspace(base))).toMatch(/^c-[0-9a-f]{24}$/);
  });

  it('changes with the bundle, the Dockerfile and the base image', () => {
    const tag = imageTag(lambda, workspace(base));
    expect(imageTag(lambda, workspace({ ...base, 'dist/apps/lambdas/rollback/index.mjs': 'export const handler=2' }))).not.toBe(tag);
    expect(imageTag(lambda, workspace({ ...base, 'docker/lambda.Dockerfile': 'FROM y\n' }))).not.toBe(tag);
    expect(imageTag(lambda, workspace(base), 'registry/base@sha256:1')).not.toBe(tag);
    expect(contentTag([{ path: 'a', content: '1' }], 'D')).not.toBe(contentTag([{ path: 'b', content: '1' }], 'D'));
  });

  it('names the missing build context and the command that makes it', () => {
    expect(() => imageTag(lambda, workspace({ 'nx.json': '{}', 'docker/lambda.Dockerfile': 'FROM x' }))).toThrow(
      'image rollback: build context dist/apps/lambdas/rollback does not exist (npx nx run rollback:build)',
    );
  });

  it('maps services and strategies to their bundles and Dockerfiles and refuses unknown services', () => {
    expect(imageBuild('service', 'mlflow')).toMatchObject({ contextDir: 'apps/services/mlflow', dockerfile: 'docker/mlflow.Dockerfile' });
    expect(imageBuild('service', 'backend')).toMatchObject({ contextDir: 'dist/apps/services/backend', dockerfile: 'docker/service.Dockerfile' });
    expect(imageBuild('strategy', 'ma-crossover')).toMatchObject({ repoKey: 'strategy-ma-crossover', contextDir: 'dist/apps/strategies/ma-crossover', dockerfile: 'docker/strategy.Dockerfile' });
    expect(() => imageTag(imageBuild('service', 'backend'), workspace({ 'nx.json': '{}', 'docker/service.Dockerfile': 'FROM x' }))).toThrow(
      'image backend: build context dist/apps/services/backend does not exist (npx nx run backend:build)',
    );
    expect(() => imageTag(imageBuild('strategy', 'ma-crossover'), workspace({ 'nx.json': '{}', 'docker/strategy.Dockerfile': 'FROM x' }))).toThrow(
      'image strategy-ma-crossover: build context dist/apps/strategies/ma-crossover does not exist (npx nx run strategy-ma-crossover:build)',
    );
    expect(() => imageBuild('service', 'frontend')).toThrow('unknown service image "frontend"; allowed: backend');
  });
});
