import { describe, expect, it } from 'vitest';
import { COGNITO_CONFIG } from '@tradai/infra-shared';
import { API_ROUTES, LAMBDA_ACCESS, scopeClaim, type ApiRoute } from '@tradai/contracts';
import { assertMatrixCovered, cognitoDomainPrefix, cognitoTokenUrl, m2mClientSettings, m2mSecretString, scopeIdentifiers, userPoolSettings, webClientSettings } from './cognito.logic.js';

describe('cognito settings', () => {
  it('user pool: password min 12 with every character class, TOTP MFA required, invite only', () => {
    const s = userPoolSettings(false);
    expect(s.passwordPolicy).toMatchObject({ minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true });
    expect(s.mfaConfiguration).toBe('ON');
    expect(s.softwareTokenMfaConfiguration).toEqual({ enabled: true });
    expect(s.adminCreateUserConfig.allowAdminCreateUserOnly).toBe(true);
    expect(s.deletionProtection).toBe('INACTIVE');
    expect(userPoolSettings(true).deletionProtection).toBe('ACTIVE');
  });

  it('web client: public, authorization code only, callbacks from COGNITO_CONFIG', () => {
    const s = webClientSettings();
    expect(s.generateSecret).toBe(false);
    expect(s.allowedOauthFlows).toEqual(['code']);
    expect(s.allowedOauthFlowsUserPoolClient).toBe(true);
    expect(s.callbackUrls).toEqual([...COGNITO_CONFIG.callbackUrls]);
    expect(s.explicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(s.accessTokenValidity).toBe(COGNITO_CONFIG.tokenValidity.accessTokenMinutes);
  });

  it('M2M client: a secret, client_credentials on every resource-server scope, no user sign-in', () => {
    const s = m2mClientSettings();
    expect(s.generateSecret).toBe(true);
    expect(s.allowedOauthFlows).toEqual(['client_credentials']);
    expect(s.allowedOauthScopes).toEqual([
      'tradai-api/backtests.write',
      'tradai-api/backtests.read',
      'tradai-api/strategies.write',
      'tradai-api/strategies.read',
      'tradai-api/data.write',
      'tradai-api/data.read',
    ]);
    expect(s.explicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  it('scope identifiers are <identifier>/<scope>; duplicates are refused', () => {
    expect(scopeIdentifiers({ identifier: 'api', scopes: [{ name: 'a' }, { name: 'b' }] })).toEqual(['api/a', 'api/b']);
    expect(() => scopeIdentifiers({ identifier: 'api', scopes: [{ name: 'a' }, { name: 'a' }] })).toThrow(/scope "a" is defined twice/);
  });

  it('domain prefix is unique per environment and account, and allowed by Cognito', () => {
    expect(cognitoDomainPrefix('dev', '123456789012')).toBe('tradai-auth-dev-123456789012');
    expect(cognitoDomainPrefix('prod', '123456789012')).toBe('tradai-auth-prod-123456789012');
    expect(() => cognitoDomainPrefix('dev', 'Not_An_Account')).toThrow(/is not allowed/);
  });

  it('the pool defines every group and scope the API_ROUTES matrix names', () => {
    expect(() => assertMatrixCovered()).not.toThrow();
    const route: ApiRoute = { ...API_ROUTES[1]!, access: { groups: ['trader'], scopes: ['backtests.write'] } };
    const noScope = { resourceServer: { scopes: [] }, groups: [{ name: 'trader' }] };
    expect(() => assertMatrixCovered([route], noScope)).toThrow('API_ROUTES POST /api/v1/backtests needs scope backtests.write, which COGNITO_CONFIG.resourceServer does not define');
    const noGroup = { resourceServer: { scopes: [{ name: 'backtests.write' }] }, groups: [] };
    expect(() => assertMatrixCovered([route], noGroup)).toThrow(/admits group trader, which COGNITO_CONFIG.groups does not define/);
  });

  it('M2M client gets the strategy read and write scopes the strategy routes need', () => {
    expect(scopeIdentifiers()).toEqual(expect.arrayContaining(['tradai-api/strategies.read', 'tradai-api/strategies.write']));
    expect(COGNITO_CONFIG.groups.map((g) => g.name).sort()).toEqual(['admin', 'trader', 'viewer']);
  });

  it('M2M client may request every scope a Lambda calls services with (LAMBDA_ACCESS m2mScopes)', () => {
    for (const [name, a] of Object.entries(LAMBDA_ACCESS)) {
      for (const scope of a.m2mScopes ?? []) expect(m2mClientSettings().allowedOauthScopes, name).toContain(scopeClaim(scope));
    }
    expect(m2mClientSettings().allowedOauthScopes).toContain('tradai-api/data.write');
  });

  it('token URL is the hosted domain of the region', () => {
    expect(cognitoTokenUrl('tradai-auth-dev-123456789012', 'eu-central-1')).toBe('https://tradai-auth-dev-123456789012.auth.eu-central-1.amazoncognito.com/oauth2/token');
    expect(() => cognitoTokenUrl('tradai-auth-dev-1', '')).toThrow('"" is not an AWS region');
  });

  it('M2M secret document holds id, secret, token URL and scopes, and refuses an empty field', () => {
    const doc = { client_id: 'id', client_secret: 's3cr3t', token_url: 'https://x/oauth2/token', scope: 'tradai-api/data.write' };
    expect(JSON.parse(m2mSecretString(doc))).toEqual(doc);
    expect(() => m2mSecretString({ ...doc, client_secret: '' })).toThrow('Cognito M2M secret: client_secret is empty');
  });
});
