import { beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_CONFIG, getTags } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'dev' });
  const { Cognito } = await import('./cognito.js');
  ({ outputs, options } = await runRecordingOptions(() => {
    const c = new Cognito('cognito', { cfg: stackConfig() });
    return { poolId: c.userPool.id, endpoint: c.userPool.endpoint, web: c.webClient.id, m2m: c.m2mClient.id, m2mSecretArn: c.m2mSecret.arn };
  }));
});

describe('Cognito (dev)', () => {
  it('creates one user pool per COGNITO_CONFIG: password min 12 with all classes, MFA ON with TOTP', () => {
    const pools = mocks.byType(T.userPool);
    expect(pools).toHaveLength(1);
    const pool = pools[0]!;
    expect(pool.inputs).toMatchObject({
      name: 'tradai-users-dev',
      mfaConfiguration: 'ON',
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true },
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      deletionProtection: 'INACTIVE',
      tags: getTags('dev'),
    });
    expect(optionsOf(options, T.userPool, pool.name)).toMatchObject({ retainOnDelete: true, protect: false });
  });

  it('has a public web client with the authorization-code flow only', () => {
    const web = mocks.find(T.userPoolClient, 'cognito-web-client');
    expect(web.inputs).toMatchObject({ name: 'tradai-web-dev', generateSecret: false, allowedOauthFlows: ['code'], allowedOauthFlowsUserPoolClient: true, supportedIdentityProviders: ['COGNITO'] });
    expect(web.inputs['allowedOauthFlows']).not.toContain('implicit');
    expect(web.inputs['userPoolId']).toBe(outputs['poolId']);
  });

  it('has an M2M client with client_credentials on the resource server scopes, created after the server', () => {
    const server = mocks.byType(T.resourceServer);
    expect(server).toHaveLength(1);
    expect(server[0]!.inputs).toMatchObject({
      identifier: COGNITO_CONFIG.resourceServer.identifier,
      scopes: COGNITO_CONFIG.resourceServer.scopes.map((s) => ({ scopeName: s.name, scopeDescription: s.description })),
    });
    const m2m = mocks.find(T.userPoolClient, 'cognito-m2m-client');
    expect(m2m.inputs).toMatchObject({ name: 'tradai-m2m-dev', generateSecret: true, allowedOauthFlows: ['client_credentials'] });
    expect(m2m.inputs['allowedOauthScopes']).toEqual(COGNITO_CONFIG.resourceServer.scopes.map((s) => `${COGNITO_CONFIG.resourceServer.identifier}/${s.name}`));
    expect(optionsOf(options, T.userPoolClient, 'cognito-m2m-client').dependsOn).toEqual([`${T.resourceServer}::cognito-resource-server`]);
  });

  it('has a hosted domain unique per environment and account', () => {
    const domain = mocks.byType(T.userPoolDomain);
    expect(domain.map((d) => d.inputs['domain'])).toEqual(['tradai-auth-dev-123456789012']);
    expect(domain[0]!.inputs['userPoolId']).toBe(outputs['poolId']);
  });

  it('exposes the pool id, the issuer endpoint and both client ids', () => {
    expect(outputs['endpoint']).toBe(`cognito-idp.eu-central-1.amazonaws.com/${String(outputs['poolId'])}`);
    expect(outputs['web']).not.toEqual(outputs['m2m']);
  });

  it('creates the user groups of the authorization matrix in the pool', () => {
    const groups = mocks.byType('aws:cognito/userGroup:UserGroup');
    expect(groups.map((g) => g.inputs['name']).sort()).toEqual(['admin', 'trader', 'viewer']);
    for (const g of groups) expect(g.inputs['userPoolId']).toBe(outputs['poolId']);
    expect(groups.find((g) => g.inputs['name'] === 'admin')?.inputs['precedence']).toBe(1);
  });

  it('stores the M2M client credentials in one Secrets Manager secret, never in an output', () => {
    const secrets = mocks.byType('aws:secretsmanager/secret:Secret');
    expect(secrets.map((x) => x.inputs['name'])).toEqual(['tradai-cognito-m2m-dev']);
    expect(secrets[0]!.inputs).toMatchObject({ recoveryWindowInDays: 0, tags: getTags('dev') });
    expect(outputs['m2mSecretArn']).toMatch(/^arn:aws:secretsmanager:eu-central-1:123456789012:secret:tradai-cognito-m2m-dev/);
    const versions = mocks.byType('aws:secretsmanager/secretVersion:SecretVersion');
    expect(versions).toHaveLength(1);
    // A Pulumi secret (encrypted in the state), recorded by the mocks as the secret wrapper.
    const wrapped = versions[0]!.inputs['secretString'] as { '4dabf18193072939515e22adb298388d': string; value: string };
    expect(wrapped['4dabf18193072939515e22adb298388d']).toBe('1b47061264138c4ac30d75fd1eb44270');
    const value = JSON.parse(wrapped.value) as Record<string, string>;
    expect(value).toEqual({
      client_id: outputs['m2m'],
      client_secret: expect.stringMatching(/^[0-9a-f]{51}$/),
      token_url: 'https://tradai-auth-dev-123456789012.auth.eu-central-1.amazoncognito.com/oauth2/token',
      scope: COGNITO_CONFIG.resourceServer.scopes.map((s) => `tradai-api/${s.name}`).join(' '),
    });
  });
});
