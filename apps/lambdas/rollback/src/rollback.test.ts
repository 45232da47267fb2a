import type { ConfigVersionItem, DeploymentItem } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { NoPreviousDeploymentError, StaleRollbackError, planRollback, rollbackWrites } from './rollback.js';

const dep = (id: string, at: string, cv: number, image: string, extra: Partial<DeploymentItem> = {}): DeploymentItem => ({ strategy: 's', deployment_id: id, deployed_at: at, config_version: cv, image, source: 'promote-model', ...extra });
const req = { strategy: 's', reason: 'drawdown', requestedBy: 'test' };
/** The error `fn` throws (fails the test when it returns). */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
};

describe('planRollback', () => {
  const history = [dep('d1', '2026-01-01', 1, 'A'), dep('d3', '2026-03-01', 3, 'C'), dep('d2', '2026-02-01', 2, 'B')];

  it('restores the newest older deployment (history in any order)', () => {
    const p = planRollback(req, history);
    expect(p).toMatchObject({ kind: 'restore', from: { deployment_id: 'd3' }, to: { deployment_id: 'd2' } });
  });

  it('skips deployments that were rolled back and ones identical to the current', () => {
    const h = [dep('d1', '2026-01-01', 1, 'A'), dep('d2', '2026-02-01', 2, 'B', { status: 'rolled_back' }), dep('d2b', '2026-02-15', 3, 'C'), dep('d3', '2026-03-01', 3, 'C')];
    expect(planRollback(req, h)).toMatchObject({ kind: 'restore', to: { deployment_id: 'd1' } });
  });

  it('restores an older deployment on the same config version when its image differs (a rebuilt image is a real change)', () => {
    const h = [dep('d1', '2026-01-01', 1, 'A'), dep('d2', '2026-02-01', 2, 'B'), dep('d3', '2026-03-01', 2, 'C')];
    expect(planRollback(req, h)).toMatchObject({ kind: 'restore', from: { deployment_id: 'd3' }, to: { deployment_id: 'd2' } });
  });

  it('names the refusals by class name and says what is missing (operators and callers read both)', () => {
    expect(thrown(() => planRollback(req, []))).toMatchObject({ name: 'NoPreviousDeploymentError', message: 'strategy s has no deployments: nothing to roll back' });
    expect(thrown(() => planRollback({ ...req, deploymentId: 'nope' }, [dep('d1', '2026-01-01', 1, 'A')]))).toMatchObject({ name: 'StaleRollbackError', message: 'deployment nope does not exist for strategy s' });
  });

  it('refuses without a previous deployment', () => {
    expect(() => planRollback(req, [])).toThrow(NoPreviousDeploymentError);
    expect(() => planRollback(req, [dep('d1', '2026-01-01', 1, 'A')])).toThrow(/no previous deployment to restore \(current: d1\)/);
  });

  it('is a no-op for a deployment already rolled back, and refuses a stale or unknown one', () => {
    const h = [dep('d1', '2026-01-01', 1, 'A'), dep('d2', '2026-02-01', 2, 'B', { status: 'rolled_back' }), dep('r3', '2026-02-02', 3, 'A', { source: 'rollback' })];
    expect(planRollback({ ...req, deploymentId: 'd2' }, h)).toMatchObject({ kind: 'already-done', current: { deployment_id: 'r3' } });
    expect(() => planRollback({ ...req, deploymentId: 'd1' }, h)).toThrow(StaleRollbackError);
    expect(() => planRollback({ ...req, deploymentId: 'nope' }, h)).toThrow(/does not exist/);
  });
});

describe('rollbackWrites', () => {
  it('writes version latest+1 pointing at the restored version, a deployment on it and a COMPLETED record', () => {
    const plan = { kind: 'restore' as const, from: dep('d3', '2026-03-01', 3, 'C'), to: dep('d2', '2026-02-01', 2, 'B', { model_version: '7' }) };
    const restored: ConfigVersionItem = { strategy: 's', version: 2, config_key: 'k2', image: 'B', created_at: 'x', source: 'promote-model', model_version: '7' };
    const w = rollbackWrites(plan, restored, 5, req, 'req-at', 'now');
    expect(w.configVersion).toMatchObject({ version: 6, config_key: 'k2', image: 'B', model_version: '7', source: 'rollback', restored_from: 2, created_at: 'now' });
    expect(w.deployment).toMatchObject({ deployment_id: 'rollback-s-v6', config_version: 6, image: 'B', source: 'rollback', status: 'active', previous_deployment_id: 'd3', restored_deployment_id: 'd2', deployed_at: 'now' });
    expect(w.record).toEqual({ strategy: 's', requested_at: 'req-at', reason: 'drawdown', requested_by: 'test', from_deployment_id: 'd3', to_deployment_id: 'd2', to_config_version: 6, status: 'COMPLETED' });
  });

  it('copies every optional field of the restored version and deployment, and adds none that are absent', () => {
    const plan = { kind: 'restore' as const, from: dep('d3', '2026-03-01', 3, 'C'), to: dep('d2', '2026-02-01', 2, 'B', { model_name: 'm', model_version: '7' }) };
    const restored: ConfigVersionItem = { strategy: 's', version: 2, config_key: 'k2', image: 'B', image_tag: 'v2.1', model_name: 'm', model_version: '7', git_sha: 'abc123', created_at: 'x', source: 'promote-model' };
    const w = rollbackWrites(plan, restored, 5, req, 'req-at', 'now');
    expect(w.configVersion).toEqual({ strategy: 's', version: 6, config_key: 'k2', image: 'B', image_tag: 'v2.1', model_name: 'm', model_version: '7', git_sha: 'abc123', created_at: 'now', source: 'rollback', restored_from: 2 });
    expect(w.deployment).toEqual({ strategy: 's', deployed_at: 'now', deployment_id: 'rollback-s-v6', config_version: 6, model_name: 'm', model_version: '7', image: 'B', source: 'rollback', status: 'active', previous_deployment_id: 'd3', restored_deployment_id: 'd2' });
    const bare = rollbackWrites({ ...plan, to: dep('d2', '2026-02-01', 2, 'B') }, { strategy: 's', version: 2, config_key: 'k2', image: 'B', created_at: 'x', source: 'promote-model' }, 5, req, 'req-at', 'now');
    expect(Object.keys(bare.configVersion).sort()).toEqual(['config_key', 'created_at', 'image', 'restored_from', 'source', 'strategy', 'version']);
    expect(Object.keys(bare.deployment).sort()).toEqual(['config_version', 'deployed_at', 'deployment_id', 'image', 'previous_deployment_id', 'restored_deployment_id', 'source', 'status', 'strategy']);
  });
});
