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
    identifier: 'tradai-api',
    name: 'TradAI API',
    scopes: [
      { name: 'backtests.write', description: 'submit backtests' },
      { name: 'backtests.read', description: 'read backtests and results' },
      { name: 'strategies.write', description: 'register strategies' },
    ],
  },
  tokenValidity: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
  callbackUrls: ['http://localhost:3000/callback'],
  logoutUrls: ['http://localhost:3000/'],
} as const;
