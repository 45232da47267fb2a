import { describe, expect, it } from 'vitest';
import { accountEnvironments, ownsAccountResources } from './account.js';
import { loadConfig } from './stack-config.js';

const shared = (owner: string, environments: string[]) => ({ sharedAccount: JSON.stringify({ owner, environments }) });

describe('tradai:sharedAccount', () => {
  it('leaves an environment with its own account as the owner of everything', () => {
    const cfg = loadConfig('staging');
    expect(cfg.sharedAccount).toBeUndefined();
    expect(ownsAccountResources(cfg)).toBe(true);
    expect(accountEnvironments(cfg)).toEqual(['staging']);
  });

  it('makes exactly one of the sharing environments the owner', () => {
    const layout = shared('staging', ['dev', 'staging']);
    expect(ownsAccountResources(loadConfig('staging', layout))).toBe(true);
    expect(ownsAccountResources(loadConfig('dev', layout))).toBe(false);
    expect(accountEnvironments(loadConfig('dev', layout))).toEqual(['dev', 'staging']);
  });

  it('names the key and the problem for an inconsistent layout', () => {
    expect(() => loadConfig('dev', shared('prod', ['dev', 'staging']))).toThrow(/tradai:sharedAccount.*owner "prod" must be one of its environments/);
    expect(() => loadConfig('prod', shared('dev', ['dev', 'staging']))).toThrow(/tradai:sharedAccount.*"prod" is not in environments/);
    expect(() => loadConfig('dev', shared('dev', ['dev', 'dev']))).toThrow(/tradai:sharedAccount.*"dev" is listed twice/);
    expect(() => loadConfig('dev', shared('dev', ['dev']))).toThrow(/tradai:sharedAccount/);
    expect(() => loadConfig('dev', shared('qa', ['dev', 'qa']))).toThrow(/tradai:sharedAccount\.owner/);
  });
});
