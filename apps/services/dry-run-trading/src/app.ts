import { SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient, createS3Client, EnvError } from '@tradai/domain';
import { serviceConfig, type ServiceConfig } from '@tradai/service-runtime';
import { botFromEnv, type BotLog, type BotMode } from '@tradai/trading-engine';
import { lookupStrategy } from './strategies.js';

type Source = Readonly<Record<string, string | undefined>>;

/** The roles this image runs as: dry-run, and shadow (a candidate config beside live). */
export const ROLES = ['dry-run-trading', 'shadow-trading'] as const;

/** The role's config: SERVICE_NAME (default dry-run-trading) picks the port and health path. */
export function tradingConfig(source: Source = process.env): ServiceConfig {
  const role = source['SERVICE_NAME']?.trim() || 'dry-run-trading';
  if (!(ROLES as readonly string[]).includes(role)) throw new EnvError(`SERVICE_NAME must be one of ${ROLES.join(', ')}, got "${role}"`, ['SERVICE_NAME']);
  return serviceConfig(role as (typeof ROLES)[number], source);
}

/** The bot mode of a role. */
export function roleMode(config: ServiceConfig): BotMode {
  return config.name === 'shadow-trading' ? 'shadow' : 'dry-run';
}

/** The simulated bot from the environment (no credentials: it never sends an order), the strategy from the bundled catalog. */
export function simulatedBot(mode: BotMode, env: Source, log: BotLog) {
  return botFromEnv(mode, env, { doc: createDocumentClient(), s3: createS3Client({}, env), sns: new SNSClient({}), strategy: lookupStrategy, log });
}
