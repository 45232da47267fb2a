import { describe, expect, it } from 'vitest';
import { digestOf, manifestWithRevision, platformManifestItem } from './platform_manifest.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe('platform manifest', () => {
  it('is a DynamoDB item under the reserved key, maps sorted, counts as numbers', () => {
    const item = JSON.parse(
      platformManifestItem({
        lambda_images: { 'tradai-rollback-dev': D('b'), 'tradai-health-check-dev': D('a') },
        service_desired_counts: { 'tradai-mlflow-prod': 1, 'tradai-backend-api-prod': 2 },
        revision: 'r1',
      }),
    );
    expect(item).toEqual({
      strategy: { S: '_platform' },
      deployed_at: { S: 'manifest' },
      lambda_images: { M: { 'tradai-health-check-dev': { S: D('a') }, 'tradai-rollback-dev': { S: D('b') } } },
      service_desired_counts: { M: { 'tradai-backend-api-prod': { N: '2' }, 'tradai-mlflow-prod': { N: '1' } } },
      revision: { S: 'r1' },
    });
    expect(Object.keys(item.lambda_images.M)).toEqual(['tradai-health-check-dev', 'tradai-rollback-dev']);
  });

  it('revises exactly when an image digest or a desired count changes, whatever the key order', () => {
    const base = manifestWithRevision({ a: D('a'), b: D('b') }, { s: 1 });
    expect(manifestWithRevision({ b: D('b'), a: D('a') }, { s: 1 }).revision).toBe(base.revision);
    expect(manifestWithRevision({ a: D('c'), b: D('b') }, { s: 1 }).revision).not.toBe(base.revision);
    expect(manifestWithRevision({ a: D('a'), b: D('b') }, { s: 2 }).revision).not.toBe(base.revision);
  });

  it('takes the digest of an image pinned by digest, and refuses a tag', () => {
    expect(digestOf(`123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/rollback@${D('c')}`)).toBe(D('c'));
    expect(() => digestOf('123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/rollback:latest')).toThrow('is not pinned by digest');
  });
});
