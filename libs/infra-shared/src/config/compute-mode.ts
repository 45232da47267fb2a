import { ENVIRONMENTS, ENVIRONMENT_SETTINGS, type Environment } from './environment.js';
import type { ServiceName } from './services.js';

/** CONSOLIDATED_MODE: dev/staging run four services on one EC2 instance; prod runs Fargate. */
export const CONSOLIDATED_MODE: Readonly<Record<Environment, boolean>> = Object.fromEntries(
  ENVIRONMENTS.map((e) => [e, ENVIRONMENT_SETTINGS[e].consolidatedMode]),
) as Record<Environment, boolean>;

/** EC2_CONSOLIDATED_CONFIG: the single Docker Compose host (~$15/month vs ~$37 for four Fargate tasks). */
export const EC2_CONSOLIDATED_CONFIG = {
  instanceType: 't3.small',
  architecture: 'x86_64',
  volumeSizeGb: 30,
  volumeType: 'gp3',
  services: ['backend-api', 'data-collection', 'mlflow', 'strategy-service'] as const satisfies readonly ServiceName[],
} as const;
