import { afterEach, describe, expect, it } from 'vitest';
import { setupStackTest } from '@tradai/infra-shared/testing';
import { FakeAccount, T, planOf, runRecordingOptions, type PlannedResource } from './test-support.js';

/**
 * The seed's down-persistent ("destroy all data") as plans: the program is run as a normal `up`,
 * as the teardown `up` down-persistent runs right before `destroy` (TRADAI_TEARDOWN), and as the
 * next normal `up`. FakeAccount applies them the way AWS and the engine would, by name.
 */
async function plan(env: string, vars: Record<string, string> = {}): Promise<PlannedResource[]> {
  for (const k of ['TRADAI_TEARDOWN', 'TRADAI_UNPROTECT']) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    const mocks = await setupStackTest({ project: 'tradai-persistent', stack: env, config: { strategyRepos: '["momentum"]' } });
    const { options } = await runRecordingOptions(async () => (await import('./index.js')).default());
    return planOf(mocks, options);
  } finally {
    for (const k of Object.keys(vars)) delete process.env[k];
  }
}

afterEach(() => {
  delete process.env['TRADAI_TEARDOWN'];
  delete process.env['TRADAI_UNPROTECT'];
});

describe('down-persistent as a plan-level cycle: up, down, up again', () => {
  it.each(['dev', 'staging'])('%s: the teardown up lets destroy delete every named resource with its contents; the next up creates them all again', async (env) => {
    const account = new FakeAccount();
    const first = await plan(env);
    account.up(first);
    const named = account.existing.size;
    // 5 buckets, 12 tables, 25 repositories, user pool, Cognito domain, CodeArtifact domain + 2 repositories, trail, M2M secret.
    expect(named).toBe(5 + 12 + 25 + 1 + 1 + 3 + 1 + 1);

    const teardown = await plan(env, { TRADAI_TEARDOWN: env });
    // Same resources, same names: the teardown run changes only how they are deleted.
    const keys = (p: PlannedResource[]) => p.map((r) => `${r.type}::${r.name}`).sort();
    expect(keys(teardown)).toEqual(keys(first));
    for (const r of teardown.filter((x) => x.type === T.bucket)) expect(r.inputs['forceDestroy'], r.name).toBe(true);
    for (const r of teardown.filter((x) => x.type === T.repository)) expect(r.inputs['forceDelete'], r.name).toBe(true);
    expect(teardown.filter((r) => r.options.retainOnDelete || r.options.protect)).toEqual([]);
    account.up(teardown);
    account.destroy();
    expect([...account.existing.keys()]).toEqual([]);

    const again = await plan(env);
    expect(() => account.up(again)).not.toThrow();
    expect(account.existing.size).toBe(named);
    // And the normal plan is back to retained, never emptied.
    for (const r of again.filter((x) => x.type === T.bucket)) expect(r.inputs['forceDestroy']).toBe(false);
    for (const r of again.filter((x) => x.type === T.repository)) expect(r.options.retainOnDelete).toBe(true);
  });

  it('dev: a destroy without the teardown up (the old behaviour) leaves the data behind and the next up collides', async () => {
    const account = new FakeAccount();
    account.up(await plan('dev'));
    account.destroy();
    expect(account.existing.size).toBeGreaterThan(40);
    await expect(plan('dev').then((p) => account.up(p))).rejects.toThrow(/already exists/);
  });

  it('prod: protected unless the unprotect step is given; with it the same cycle completes', async () => {
    const account = new FakeAccount();
    account.up(await plan('prod'));
    expect(() => account.destroy()).toThrow(/is protected/);
    // Called outside a Stack so the synchronous refusal is not re-raised as unhandled rejections.
    process.env['TRADAI_TEARDOWN'] = 'prod';
    const refused = await setupStackTest({ project: 'tradai-persistent', stack: 'prod' });
    const { default: main } = await import('./index.js');
    expect(() => main()).toThrow('prod data is protected');
    expect(refused.resources).toEqual([]);
    delete process.env['TRADAI_TEARDOWN'];

    const unprotected = await plan('prod', { TRADAI_TEARDOWN: 'prod', TRADAI_UNPROTECT: 'prod' });
    expect(unprotected.filter((r) => r.type === T.table).every((t) => t.inputs['deletionProtectionEnabled'] === false)).toBe(true);
    expect(unprotected.find((r) => r.type === T.userPool)?.inputs['deletionProtection']).toBe('INACTIVE');
    expect(unprotected.find((r) => r.type === 'aws:secretsmanager/secret:Secret')?.inputs['recoveryWindowInDays']).toBe(0);
    account.up(unprotected);
    account.destroy();
    expect([...account.existing.keys()]).toEqual([]);
    expect(() => account.up(unprotected)).not.toThrow();
  });
});
