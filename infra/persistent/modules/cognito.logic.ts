import { API_ROUTES, routeKey } from '@tradai/contracts';
import { COGNITO_CONFIG, getResourceName, type Environment } from '@tradai/infra-shared';

/** `tradai-api/backtests.write`: the scope strings a client lists (identifier/scope name). */
export function scopeIdentifiers(server: { readonly identifier: string; readonly scopes: readonly { readonly name: string }[] } = COGNITO_CONFIG.resourceServer): string[] {
  const names = server.scopes.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`COGNITO_CONFIG.resourceServer: scope "${dup}" is defined twice`);
  return names.map((n) => `${server.identifier}/${n}`);
}

/** Cognito's rule for a hosted-UI domain prefix. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The Cognito domain prefix (`tradai-auth-dev-123456789012`). Prefixes are unique across all of
 * AWS in a region, so the account id keeps two accounts (or a recreated pool) from colliding.
 */
export function cognitoDomainPrefix(env: Environment, accountId: string): string {
  const prefix = `${getResourceName('auth', env)}-${accountId}`;
  if (!DOMAIN_PREFIX.test(prefix) || /aws|amazon|cognito/.test(prefix)) throw new Error(`Cognito domain prefix "${prefix}" is not allowed`);
  return prefix;
}

/** User pool settings from COGNITO_CONFIG (everything but name and tags). */
export function userPoolSettings(protect: boolean) {
  const p = COGNITO_CONFIG.passwordPolicy;
  if (p.minimumLength < 12) throw new Error(`COGNITO_CONFIG.passwordPolicy.minimumLength ${p.minimumLength} is below 12`);
  return {
    passwordPolicy: { ...p },
    mfaConfiguration: COGNITO_CONFIG.mfaConfiguration,
    softwareTokenMfaConfiguration: { enabled: COGNITO_CONFIG.softwareTokenMfa },
    usernameAttributes: ['email'],
    autoVerifiedAttributes: ['email'],
    // Accounts of a trading platform are invited by an administrator, never self-registered.
    adminCreateUserConfig: { allowAdminCreateUserOnly: true },
    accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
    userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ['email'] },
    deletionProtection: protect ? 'ACTIVE' : 'INACTIVE',
  };
}

const tokenValidity = () => ({
  accessTokenValidity: COGNITO_CONFIG.tokenValidity.accessTokenMinutes,
  idTokenValidity: COGNITO_CONFIG.tokenValidity.idTokenMinutes,
  refreshTokenValidity: COGNITO_CONFIG.tokenValidity.refreshTokenDays,
  tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' },
});

/**
 * The browser client: public (no secret, since a secret in a SPA is not secret), authorization
 * code flow only. Cognito honours PKCE (`code_challenge`, S256) on code requests; with no secret
 * the code is useless without the verifier. No implicit flow, no password auth.
 */
export function webClientSettings() {
  return {
    generateSecret: false,
    allowedOauthFlowsUserPoolClient: true,
    allowedOauthFlows: ['code'],
    allowedOauthScopes: ['openid', 'email', 'profile'],
    supportedIdentityProviders: ['COGNITO'],
    callbackUrls: [...COGNITO_CONFIG.callbackUrls],
    logoutUrls: [...COGNITO_CONFIG.logoutUrls],
    explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    preventUserExistenceErrors: 'ENABLED',
    enableTokenRevocation: true,
    ...tokenValidity(),
  };
}

/** The machine-to-machine client (CI, strategy registration): a secret and client_credentials only. */
export function m2mClientSettings() {
  return {
    generateSecret: true,
    allowedOauthFlowsUserPoolClient: true,
    allowedOauthFlows: ['client_credentials'],
    allowedOauthScopes: scopeIdentifiers(),
    supportedIdentityProviders: ['COGNITO'],
    // No user sign-in flow: the client's id and secret must never authenticate a person.
    explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    preventUserExistenceErrors: 'ENABLED',
    enableTokenRevocation: true,
    accessTokenValidity: COGNITO_CONFIG.tokenValidity.accessTokenMinutes,
    tokenValidityUnits: { accessToken: 'minutes' },
  };
}

/**
 * Checks the pool can satisfy the authorization matrix: every group and scope an API_ROUTES row
 * names exists in COGNITO_CONFIG. A missing one would make its route unreachable for everyone.
 */
export function assertMatrixCovered(
  routes = API_ROUTES,
  cfg: { readonly resourceServer: { readonly scopes: readonly { readonly name: string }[] }; readonly groups: readonly { readonly name: string }[] } = COGNITO_CONFIG,
): void {
  const scopes = new Set(cfg.resourceServer.scopes.map((s) => s.name));
  const groups = new Set(cfg.groups.map((g) => g.name));
  for (const route of routes) {
    for (const s of route.access?.scopes ?? []) if (!scopes.has(s)) throw new Error(`API_ROUTES ${routeKey(route)} needs scope ${s}, which COGNITO_CONFIG.resourceServer does not define`);
    for (const g of route.access?.groups ?? []) if (!groups.has(g)) throw new Error(`API_ROUTES ${routeKey(route)} admits group ${g}, which COGNITO_CONFIG.groups does not define`);
  }
}

/** `https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token`: the hosted domain's token endpoint. */
export function cognitoTokenUrl(domainPrefix: string, region: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`"${region}" is not an AWS region`);
  return `https://${domainPrefix}.auth.${region}.amazoncognito.com/oauth2/token`;
}

/** What the M2M client's secret holds: everything a caller needs for the client-credentials grant. */
export interface M2mSecretDocument {
  readonly client_id: string;
  readonly client_secret: string;
  readonly token_url: string;
  /** Space-separated scopes the client may request (a caller asks for the subset it needs). */
  readonly scope: string;
}

/** The M2M secret's JSON string; refuses an empty id or secret so nothing half-filled is stored. */
export function m2mSecretString(doc: M2mSecretDocument): string {
  for (const k of ['client_id', 'client_secret', 'token_url', 'scope'] as const) {
    if (!doc[k]) throw new Error(`Cognito M2M secret: ${k} is empty`);
  }
  return JSON.stringify({ client_id: doc.client_id, client_secret: doc.client_secret, token_url: doc.token_url, scope: doc.scope });
}
