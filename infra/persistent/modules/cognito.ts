import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { COGNITO_CONFIG, getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { dataLifecycle, dataOptions } from './lifecycle.js';
import { assertMatrixCovered, cognitoDomainPrefix, cognitoTokenUrl, m2mClientSettings, m2mSecretString, scopeIdentifiers, userPoolSettings, webClientSettings } from './cognito.logic.js';

export interface CognitoArgs {
  readonly cfg: TradaiConfig;
}

/**
 * User pool per COGNITO_CONFIG (password min 12 with all classes, TOTP MFA required, invite
 * only), a public web client (authorization code + PKCE), a machine-to-machine client with
 * client credentials on the `tradai-api` resource server's scopes, the user groups the API
 * authorization matrix admits, and the hosted domain that serves the OAuth endpoints. The pool
 * holds the user accounts: dataLifecycle applies.
 *
 * The M2M client's id, secret, token URL and scopes go into one Secrets Manager secret, so a
 * workload (the data-collection-trigger Lambda) gets only its ARN in plain environment and reads
 * the secret with its own IAM role. Encrypted with the account's `aws/secretsmanager` key, like
 * the RDS master secret: any principal needs secretsmanager:GetSecretValue on this secret to
 * decrypt, so no key policy or kms:Decrypt grant is needed.
 */
export class Cognito extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  readonly webClient: aws.cognito.UserPoolClient;
  readonly m2mClient: aws.cognito.UserPoolClient;
  readonly domain: aws.cognito.UserPoolDomain;
  /** `{client_id, client_secret, token_url, scope}` of the M2M client. */
  readonly m2mSecret: aws.secretsmanager.Secret;
  /** The groups API_ROUTES admits (`cognito:groups` in the tokens of their members). */
  readonly groups: aws.cognito.UserGroup[];

  constructor(name: string, args: CognitoArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:persistent:Cognito', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const parent = { parent: this };
    assertMatrixCovered();
    const lifecycle = dataLifecycle(cfg);

    this.userPool = new aws.cognito.UserPool(
      `${name}-user-pool`,
      { name: getResourceName('users', env), ...userPoolSettings(lifecycle.awsDeletionProtection), tags: getTags(env) },
      { ...parent, ...dataOptions(lifecycle) },
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

    // Cognito generates the client secret and never rotates it; Secrets Manager only carries it
    // (policy suppression TRADAI-SM-001 explains why there is no SecretRotation).
    this.m2mSecret = new aws.secretsmanager.Secret(
      `${name}-m2m-secret`,
      {
        name: getResourceName('cognito-m2m', env),
        description: 'Cognito M2M client (client credentials): client_id, client_secret, token_url, scope',
        // Protected environments keep a deleted secret recoverable; dev (and every teardown run)
        // frees the name at once, or the next up could not create it again for 30 days.
        recoveryWindowInDays: lifecycle.secretRecoveryDays,
        tags: getTags(env),
      },
      parent,
    );
    const region = aws.getRegionOutput({}, parent).region;
    new aws.secretsmanager.SecretVersion(
      `${name}-m2m-secret-value`,
      {
        secretId: this.m2mSecret.id,
        secretString: pulumi.secret(
          pulumi
            .all([this.m2mClient.id, this.m2mClient.clientSecret, this.domain.domain, region])
            .apply(([clientId, clientSecret, prefix, r]) =>
              m2mSecretString({ client_id: clientId, client_secret: clientSecret, token_url: cognitoTokenUrl(prefix, r), scope: scopeIdentifiers().join(' ') }),
            ),
        ),
      },
      parent,
    );
    this.registerOutputs({ userPoolId, endpoint: this.userPool.endpoint, m2mSecretArn: this.m2mSecret.arn });
  }
}
