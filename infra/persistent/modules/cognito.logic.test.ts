import { describe, expect, it } from 'vitest';
import { COGNITO_CONFIG } from '@tradai/infra-shared';
import { cognitoDomainPrefix, m2mClientSettings, scopeIdentifiers, userPoolSettings, webClientSettings } from './cognito.logic.js';

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
    expect(s.allowedOauthScopes).toEqual(['tradai-api/backtests.write', 'tradai-api/backtests.read', 'tradai-api/strategies.write']);
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
});
