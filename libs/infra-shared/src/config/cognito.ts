import { API_SCOPE_SERVER, type ApiScope, type UserGroup } from '@tradai/contracts';

/** What each resource-server scope lets an M2M client do (API_ROUTES lists which routes need it). */
const SCOPE_DESCRIPTIONS: Readonly<Record<ApiScope, string>> = {
  'backtests.write': 'submit and cancel backtests',
  'backtests.read': 'read backtests and results',
  'strategies.write': 'create strategies and change their config',
  'strategies.read': 'read strategies and their config versions',
  'data.write': 'start market-data syncs (the scheduled data-collection-trigger)',
  'data.read': 'follow market-data sync jobs',
};

/**
 * User groups of the pool (API_ROUTES names which routes each admits). Precedence: the lowest
 * number wins when Cognito has to pick one group's role; no group here maps to an IAM role.
 */
const GROUPS: readonly { readonly name: UserGroup; readonly description: string; readonly precedence: number }[] = [
  { name: 'admin', description: 'everything, including promoting and rolling back models', precedence: 1 },
  { name: 'trader', description: 'change strategies, run backtests, retraining and data syncs', precedence: 2 },
  { name: 'viewer', description: 'read-only access to the API', precedence: 3 },
];

/** COGNITO_CONFIG: password min 12 with all classes, MFA required (TOTP). */
export const COGNITO_CONFIG = {
  passwordPolicy: {
    minimumLength: 12,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: true,
    temporaryPasswordValidityDays: 3,
  },
  mfaConfiguration: 'ON',
  softwareTokenMfa: true,
  /** Resource server for machine-to-machine (client credentials) access. */
  resourceServer: {
    identifier: API_SCOPE_SERVER,
    name: 'TradAI API',
    scopes: (Object.entries(SCOPE_DESCRIPTIONS) as [ApiScope, string][]).map(([name, description]) => ({ name, description })),
  },
  groups: GROUPS,
  tokenValidity: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
  callbackUrls: ['http://localhost:3000/callback'],
  logoutUrls: ['http://localhost:3000/'],
} as const;
