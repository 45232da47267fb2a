import { EnvError } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { authConfig, cognitoIssuer } from './config.js';

const thrown = (f: () => unknown): EnvError => {
  try {
    f();
  } catch (e) {
    if (e instanceof EnvError) return e;
    throw e;
  }
  throw new Error('did not throw');
};

describe('cognitoIssuer', () => {
  it('accepts a multi-digit region number', () => {
    expect(cognitoIssuer('ap-southeast-12_Zz9')).toEqual({
      issuer: 'https://cognito-idp.ap-southeast-12.amazonaws.com/ap-southeast-12_Zz9',
      jwksUri: 'https://cognito-idp.ap-southeast-12.amazonaws.com/ap-southeast-12_Zz9/.well-known/jwks.json',
    });
  });

  it.each(['xeu-central-1_AbC123', ' eu-central-1_AbC123', 'eu-central-1_AbC123!', 'eu-central-1_AbC 123', 'eu-central-1', 'eu-central-1_'])('refuses %j naming the variable', (id) => {
    const err = thrown(() => cognitoIssuer(id));
    expect(err.message).toBe(`COGNITO_USER_POOL_ID must look like <region>_<id> (eu-central-1_AbC123), got "${id}"`);
    expect(err.variables).toEqual(['COGNITO_USER_POOL_ID']);
  });
});

describe('authConfig', () => {
  it('trims the pool id and the issuer variables', () => {
    expect(authConfig({ COGNITO_USER_POOL_ID: '  eu-central-1_AbC123 ', COGNITO_CLIENT_IDS: 'a' }).issuer).toBe('https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123');
    expect(authConfig({ AUTH_ISSUER: ' http://127.0.0.1:9 ', AUTH_JWKS_URI: ' http://127.0.0.1:9/keys ', COGNITO_CLIENT_IDS: 'a' })).toEqual({
      issuer: 'http://127.0.0.1:9',
      jwksUri: 'http://127.0.0.1:9/keys',
      clientIds: ['a'],
    });
  });

  it('derives the JWKS from the issuer when AUTH_JWKS_URI is blank', () => {
    expect(authConfig({ AUTH_ISSUER: 'https://idp.example/pool', AUTH_JWKS_URI: '   ', COGNITO_CLIENT_IDS: 'a' }).jwksUri).toBe('https://idp.example/pool/.well-known/jwks.json');
  });

  it('prefers the local issuer over a pool', () => {
    expect(authConfig({ AUTH_ISSUER: 'http://127.0.0.1:9', COGNITO_USER_POOL_ID: 'eu-central-1_AbC123', COGNITO_CLIENT_IDS: 'a' }).issuer).toBe('http://127.0.0.1:9');
  });

  it.each(['xhttp://127.0.0.1:9', 'http://127.0.0.1:9 extra', 'http://'])('refuses the issuer %j naming AUTH_ISSUER', (issuer) => {
    const err = thrown(() => authConfig({ AUTH_ISSUER: issuer, COGNITO_CLIENT_IDS: 'a' }));
    expect(err.message).toBe(`AUTH_ISSUER must be an http(s) URL, got "${issuer}"`);
    expect(err.variables).toEqual(['AUTH_ISSUER']);
  });

  it('names the pool variable when neither pool nor issuer is set (blank counts as unset)', () => {
    const err = thrown(() => authConfig({ COGNITO_USER_POOL_ID: '  ', AUTH_ISSUER: ' ', COGNITO_CLIENT_IDS: 'a' }));
    expect(err.message).toBe('missing or empty environment variable: COGNITO_USER_POOL_ID (or AUTH_ISSUER for a local issuer)');
    expect(err.variables).toEqual(['COGNITO_USER_POOL_ID']);
  });
});
