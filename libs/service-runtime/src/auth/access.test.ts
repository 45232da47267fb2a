import { describe, expect, it } from 'vitest';
import { accessDenial, principalOf } from './access.js';

describe('principalOf', () => {
  it('reads an empty payload as an anonymous principal with nothing', () => {
    expect(principalOf({})).toEqual({ sub: '', clientId: '', groups: [], scopes: [], machine: true });
  });

  it('keeps only string groups and non-empty scopes', () => {
    const p = principalOf({ sub: 'u1', username: 'u1', client_id: 'web', 'cognito:groups': ['trader', 7, null, 'admin'], scope: ' openid  email ' });
    expect(p.groups).toEqual(['trader', 'admin']);
    expect(p.scopes).toEqual(['openid', 'email']);
  });

  it('ignores claims of the wrong type', () => {
    expect(principalOf({ sub: 1, client_id: ['x'], 'cognito:groups': 'trader', scope: 5 })).toEqual({ sub: '', clientId: '', groups: [], scopes: [], machine: true });
  });

  it('is a machine only without a username and with sub equal to client_id', () => {
    expect(principalOf({ sub: 'c1', client_id: 'c1' }).machine).toBe(true);
    expect(principalOf({ sub: 'c1', client_id: 'c1', username: 'c1' }).machine).toBe(false);
    expect(principalOf({ sub: 'u1', client_id: 'c1' }).machine).toBe(false);
  });
});

describe('accessDenial', () => {
  const m2m = principalOf({ sub: 'm', client_id: 'm', scope: 'tradai-api/backtests.read' });
  const user = principalOf({ sub: 'u', username: 'u', client_id: 'web', 'cognito:groups': ['viewer'] });

  it('lists every accepted scope or group, comma-separated', () => {
    expect(accessDenial(m2m, { groups: [], scopes: ['strategies.read', 'strategies.write'] })).toBe('the token needs one of the scopes tradai-api/strategies.read, tradai-api/strategies.write');
    expect(accessDenial(user, { groups: ['trader', 'admin'], scopes: [] })).toBe('the user must be in one of the groups trader, admin');
  });

  it('does not let a machine in by group nor a user by scope name alone', () => {
    expect(accessDenial(m2m, { groups: ['viewer'], scopes: [] })).toBe('this route is for users, not client-credentials tokens');
    expect(accessDenial(m2m, { groups: [], scopes: ['backtests.read'] })).toBeUndefined();
  });
});
