import { ConflictError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { assertPromotable, deploymentIdFor, deploymentRecord, nextConfigVersion } from './promotion.js';

const cv = { strategy: 'momo', version: 4, config_key: 'momo/v4.json', image: 'img@sha256:1', created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' as const, model_version: '1' };

describe('promotion helpers', () => {
  it('derives one deployment id per retraining run', () => {
    expect(deploymentIdFor('momo', '2026-03-01T00:00:00Z')).toBe('momo-retrain-20260301000000');
    // Step Functions start times carry milliseconds: runs started within one second stay apart.
    expect(deploymentIdFor('momo', '2026-03-01T00:00:00.120Z')).toBe('momo-retrain-20260301000000120');
    expect(deploymentIdFor('momo', '2026-03-01T00:00:00.121Z')).not.toBe(deploymentIdFor('momo', '2026-03-01T00:00:00.120Z'));
  });

  it('only promotes what compare-models decided', () => {
    const run = { strategy: 'momo', started_at: 's', status: 'TRAINING' as const, decision: 'promote' as const, candidate_version: '3' };
    expect(() => assertPromotable(run, '3')).not.toThrow();
    expect(() => assertPromotable(run, '2')).toThrow(new ConflictError('retraining run momo@s decided on version 3, not 2'));
    expect(() => assertPromotable({ ...run, decision: 'reject' }, '3')).toThrow(new ConflictError('retraining run momo@s decision is reject, not promote'));
    expect(() => assertPromotable({ ...run, decision: undefined }, '3')).toThrow(new ConflictError('retraining run momo@s decision is not recorded, not promote'));
  });

  it('carries image and config into the new version with the model', () => {
    expect(nextConfigVersion(cv, 'momo', '3', 'd1', 'now')).toEqual({
      strategy: 'momo', config_key: 'momo/v4.json', image: 'img@sha256:1', created_at: 'now', source: 'promote-model', model_name: 'momo', model_version: '3', deployment_id: 'd1',
    });
  });

  it('links the deployment to the previous one', () => {
    const previous = { strategy: 'momo', deployed_at: 'a', deployment_id: 'd0', config_version: 3, source: 'strategy-registrar' as const };
    expect(deploymentRecord({ strategy: 'momo', deploymentId: 'd1', config: cv, modelName: 'momo', modelVersion: '3', previous })).toEqual({
      strategy: 'momo', deployed_at: cv.created_at, deployment_id: 'd1', config_version: 4, model_name: 'momo', model_version: '3', image: 'img@sha256:1', source: 'promote-model', status: 'verifying', previous_deployment_id: 'd0',
    });
    expect(deploymentRecord({ strategy: 'momo', deploymentId: 'd1', config: cv, modelName: 'momo', modelVersion: '3', previous: undefined }).previous_deployment_id).toBeUndefined();
  });
});
