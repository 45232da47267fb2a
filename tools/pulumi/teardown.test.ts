import { loadConfig } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { confirmUnprotect, unprotectPhrase } from './confirm.js';
import { persistentDestroySteps, sharedAccountGuard } from './teardown.js';

describe('down-persistent: the steps after the typed phrase', () => {
  it('dev/staging: a teardown up, then destroy, both with the switch for that environment only', () => {
    const steps = persistentDestroySteps(loadConfig('staging'), { unprotect: false });
    expect(steps.map((s) => s.args)).toEqual([
      ['up', '--yes'],
      ['destroy', '--yes'],
    ]);
    for (const s of steps) expect(s.env).toEqual({ TRADAI_TEARDOWN: 'staging' });
  });

  it('prod: refused without --unprotect; with it both runs also carry the unprotect switch', () => {
    expect(() => persistentDestroySteps(loadConfig('prod'), { unprotect: false })).toThrow('prod data is protected (protect + deletion protection): nothing was destroyed');
    for (const s of persistentDestroySteps(loadConfig('prod'), { unprotect: true })) expect(s.env).toEqual({ TRADAI_TEARDOWN: 'prod', TRADAI_UNPROTECT: 'prod' });
    expect(() => persistentDestroySteps(loadConfig('dev'), { unprotect: true })).toThrow('--unprotect is only for protected environments');
  });

  it('the unprotect step has its own phrase', async () => {
    expect(unprotectPhrase('prod')).toBe('unprotect tradai-persistent-prod');
    await expect(confirmUnprotect('prod', 'destroy tradai-persistent-prod', { interactive: false })).rejects.toThrow('--confirm-unprotect must be exactly "unprotect tradai-persistent-prod"');
    await expect(confirmUnprotect('prod', undefined, { interactive: false })).rejects.toThrow('refusing to unprotect prod without its own confirmation');
    await expect(confirmUnprotect('prod', undefined, { interactive: true, ask: async () => 'unprotect tradai-persistent-prod' })).resolves.toBeUndefined();
  });
});

describe('shared account: destroying the owner of the account-wide resources', () => {
  const shared = (env: string) => loadConfig(env, { sharedAccount: '{"owner":"staging","environments":["dev","staging"]}' });

  it('refuses the owner persistent and compute unless --include-shared, naming what the others lose', () => {
    expect(() => sharedAccountGuard(shared('staging'), 'persistent', false)).toThrow(
      'tradai-persistent/staging owns the ECR repositories and the CloudTrail trail of the account it shares with dev (tradai:sharedAccount)',
    );
    expect(() => sharedAccountGuard(shared('staging'), 'compute', false)).toThrow('owns the GitHub OIDC provider');
    expect(() => sharedAccountGuard(shared('staging'), 'compute', true)).not.toThrow();
  });

  it('lets everything else go: other layers, the non-owner, an unshared account', () => {
    expect(() => sharedAccountGuard(shared('staging'), 'edge', false)).not.toThrow();
    expect(() => sharedAccountGuard(shared('staging'), 'foundation', false)).not.toThrow();
    expect(() => sharedAccountGuard(shared('dev'), 'persistent', false)).not.toThrow();
    expect(() => sharedAccountGuard(loadConfig('prod'), 'compute', false)).not.toThrow();
  });
});
