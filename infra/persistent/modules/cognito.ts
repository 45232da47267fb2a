import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { COGNITO_CONFIG, getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { dataProtection } from '@tradai/infra-shared/pulumi';
import { assertMatrixCovered, cognitoDomainPrefix, m2mClientSettings, userPoolSettings, webClientSettings } from './cognito.logic.js';

export interface CognitoArgs {
  readonly cfg: TradaiConfig;
}

/**
 * User pool per COGNITO_CONFIG (password min 12 with all classes, TOTP MFA required, invite
 * only), a public web client (authorization code + PKCE), a machine-to-machine client with
 * client credentials on the `tradai-api` resource server's scopes, the user groups the API
 * authorization matrix admits, and the hosted domain that serves the OAuth endpoints. The pool
 * holds the user accounts: dataProtection applies.
 */
export class Cognito extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  readonly webClient: aws.cognito.UserPoolClient;
  readonly m2mClient: aws.cognito.UserPoolClient;
  readonly domain: aws.cognito.UserPoolDomain;
  /** The groups API_ROUTES admits (`cognito:groups` in the tokens of their members). */
  readonly groups: aws.cognito.UserGroup[];

  constructor(name: string, args: CognitoArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:Cognito', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const parent = { parent: this };
    assertMatrixCovered();

    this.userPool = new aws.cognito.UserPool(
      `${name}-user-pool`,
      { name: getResourceName('users', env), ...userPoolSettings(cfg.settings.protectData), tags: getTags(env) },
      { ...parent, ...dataProtection(cfg) },
    );
    const userPoolId = this.userPool.id;

    const server = COGNITO_CONFIG.resourceServer;
    const resourceServer = new aws.cognito.ResourceServer(
      `${name}-resource-server`,
      { userPoolId, identifier: server.identifier, name: server.name, scopes: server.scopes.map((s) => ({ scopeName: s.name, scopeDescription: s.description })) },
      parent,
    );

    // Membership is managed by administrators (the pool is invite-only); the services read the claim.
    this.groups = COGNITO_CONFIG.groups.map(
      (g) => new aws.cognito.UserGroup(`${name}-group-${g.name}`, { userPoolId, name: g.name, description: g.description, precedence: g.precedence }, parent),
    );

    this.webClient = new aws.cognito.UserPoolClient(`${name}-web-client`, { userPoolId, name: getResourceName('web', env), ...webClientSettings() }, parent);
    // The scopes must exist on the resource server before a client may list them.
    this.m2mClient = new aws.cognito.UserPoolClient(
      `${name}-m2m-client`,
      { userPoolId, name: getResourceName('m2m', env), ...m2mClientSettings() },
      { ...parent, dependsOn: [resourceServer] },
    );

    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    this.domain = new aws.cognito.UserPoolDomain(`${name}-domain`, { userPoolId, domain: accountId.apply((a) => cognitoDomainPrefix(env, a)) }, parent);
    this.registerOutputs({ userPoolId, endpoint: this.userPool.endpoint });
  }
}
