import { NotFoundError, ValidationError, type ConfigVersionRepo, type DeploymentItem, type ShadowTestItem, type Table } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { activeDeployment, chooseConfigVersion, configParameters, configVersionItem, NothingToShadowError, runningShadowTest } from './resolve.js';

const dep = (id: string, at: string, status?: string, v = 1) => ({ deployment_id: id, strategy: 's', deployed_at: at, config_version: v, ...(status && { status }) }) as unknown as DeploymentItem;
const st = (id: string, status: string, started: string, strategy = 's', candidate: number | null = 2) =>
  ({ test_id: id, status, started_at: started, strategy, ...(candidate !== null && { candidate_config_version: candidate }) }) as unknown as ShadowTestItem;

const deployments = (items: DeploymentItem[]) => ({ query: async () => items }) as unknown as Table<DeploymentItem>;
const shadows = (items: ShadowTestItem[]) =>
  ({ query: async () => items, get: async (k: { test_id: string }) => items.find((t) => t.test_id === k.test_id) }) as unknown as Table<ShadowTestItem>;

async function rejection(p: Promise<unknown>): Promise<Error & { path?: string }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('activeDeployment', () => {
  it('picks the newest traded deployment (active, verifying, verified or no status)', () => {
    expect(activeDeployment([dep('a', '2025-01-01', 'active'), dep('b', '2025-01-03', 'active'), dep('c', '2025-01-02', 'active')])?.deployment_id).toBe('b');
    expect(activeDeployment([dep('a', '2025-01-01', 'active'), dep('b', '2025-01-02', 'verifying')])?.deployment_id).toBe('b');
    expect(activeDeployment([dep('a', '2025-01-01', 'active'), dep('b', '2025-01-02', 'verified')])?.deployment_id).toBe('b');
    expect(activeDeployment([dep('a', '2025-01-01', 'verifying'), dep('b', '2025-01-02', 'rolled_back')])?.deployment_id).toBe('a');
    expect(activeDeployment([dep('a', '2025-01-01', 'active'), dep('b', '2025-01-02', 'registered')])?.deployment_id).toBe('a');
    expect(activeDeployment([dep('a', '2025-01-01', 'rolled_back'), dep('b', '2025-01-02')])?.deployment_id).toBe('b');
    expect(activeDeployment([dep('a', '2025-01-01', 'rolled_back')])).toBeUndefined();
  });
});

describe('runningShadowTest', () => {
  it('is the RUNNING test of the strategy started last', () => {
    const tests = [st('t1', 'RUNNING', '2025-01-01'), st('t2', 'COMPLETED', '2025-01-05'), st('t3', 'RUNNING', '2025-01-03'), st('t4', 'RUNNING', '2025-01-09', 'other')];
    expect(runningShadowTest(tests, 's')?.test_id).toBe('t3');
    expect(runningShadowTest([st('t2', 'COMPLETED', '2025-01-05')], 's')).toBeUndefined();
  });
});

describe('chooseConfigVersion', () => {
  it('shadow without an id: the running test, or NothingToShadowError', async () => {
    expect(await chooseConfigVersion({ mode: 'shadow', strategy: 's', shadowTests: shadows([st('t1', 'RUNNING', '2025-01-01', 's', 4)]) })).toEqual({ configVersion: 4, shadowTestId: 't1' });
    const none = await rejection(chooseConfigVersion({ mode: 'shadow', strategy: 's', shadowTests: shadows([]) }));
    expect(none).toBeInstanceOf(NothingToShadowError);
    expect(none.name).toBe('NothingToShadowError');
    expect(none.message).toBe('no RUNNING shadow test of strategy s (shadow_test_state status-index) and no SHADOW_TEST_ID: nothing to shadow');
    const noCand = await rejection(chooseConfigVersion({ mode: 'shadow', strategy: 's', shadowTests: shadows([st('t1', 'RUNNING', '2025-01-01', 's', null)]) }));
    expect(noCand).toBeInstanceOf(ValidationError);
    expect(noCand.message).toBe('shadow test t1 names no candidate_config_version');
    expect(noCand.path).toBe('shadowTestId');
  });

  it('shadow with an id: checks the test exists, is of the strategy, RUNNING and names a candidate', async () => {
    const tests = shadows([st('ok', 'RUNNING', '1', 's', 3), st('other', 'RUNNING', '1', 'x'), st('done', 'COMPLETED', '1'), st('nocand', 'RUNNING', '1', 's', null)]);
    const run = (shadowTestId: string) => chooseConfigVersion({ mode: 'shadow', strategy: 's', shadowTests: tests, shadowTestId });
    expect(await run('ok')).toEqual({ configVersion: 3, shadowTestId: 'ok' });
    const missing = await rejection(run('nope'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('shadow test nope does not exist');
    const cases: [string, string][] = [
      ['other', 'shadow test other is of strategy x, not s'],
      ['done', 'shadow test done is COMPLETED, not RUNNING: nothing to shadow'],
      ['nocand', 'shadow test nocand names no candidate_config_version'],
    ];
    for (const [id, message] of cases) {
      const e = await rejection(run(id));
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.message).toBe(message);
      expect(e.path).toBe('shadowTestId');
    }
    const noTable = await rejection(chooseConfigVersion({ mode: 'shadow', strategy: 's' }));
    expect(noTable.message).toBe('a shadow bot needs the shadow_test_state table');
    expect(noTable.path).toBe('shadowTests');
  });

  it('dry-run takes the given version; live ignores it and uses the active deployment', async () => {
    const d = deployments([dep('d1', '2025-01-01', 'active', 7)]);
    expect(await chooseConfigVersion({ mode: 'dry-run', strategy: 's', configVersion: 2, deployments: d })).toEqual({ configVersion: 2 });
    expect(await chooseConfigVersion({ mode: 'live', strategy: 's', configVersion: 2, deployments: d })).toEqual({ configVersion: 7, deploymentId: 'd1' });
    expect(await chooseConfigVersion({ mode: 'dry-run', strategy: 's', deployments: d })).toEqual({ configVersion: 7, deploymentId: 'd1' });
    const noTable = await rejection(chooseConfigVersion({ mode: 'live', strategy: 's' }));
    expect(noTable.message).toBe('a live bot needs the deployments table to find the active deployment');
    expect(noTable.path).toBe('deployments');
    const none = await rejection(chooseConfigVersion({ mode: 'live', strategy: 's', deployments: deployments([]) }));
    expect(none).toBeInstanceOf(NotFoundError);
    expect(none.message).toBe('strategy s has no active deployment (deployments table): promote or register and deploy one first');
  });
});

describe('configVersionItem and configParameters', () => {
  it('names strategy and version of a missing record', async () => {
    const repo = { get: async () => undefined } as unknown as ConfigVersionRepo;
    const e = await rejection(configVersionItem(repo, 's', 4));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe('config version 4 of strategy s does not exist (config_versions)');
  });
  it('takes each declared default', () => {
    expect(configParameters({ parameters: { a: { type: 'number', default: 1 }, b: { type: 'string' }, c: { type: 'boolean', default: false } } } as never)).toEqual({ a: 1, c: false });
  });
});
