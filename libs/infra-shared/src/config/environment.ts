import { ConfigError } from './errors.js';

/** The Pulumi stack name is the environment (seed section 3). */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const AWS_REGION = 'eu-central-1';
export { APPLICATION } from '@tradai/contracts';

export function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

/** Validates a stack name as an environment; the error lists the allowed values. */
export function parseEnvironment(stack: string): Environment {
  if (!isEnvironment(stack)) {
    throw new ConfigError('stack', `unknown environment "${stack}"; allowed: ${ENVIRONMENTS.join(', ')}`);
  }
  return stack;
}

export function getEnvShort(env: Environment): 'd' | 's' | 'p' {
  return ({ dev: 'd', staging: 's', prod: 'p' } as const)[env];
}

/** Seed section 3, the environment table. Everything that differs by environment is here. */
export interface EnvironmentSettings {
  readonly logRetentionDays: number;
  readonly consolidatedMode: boolean;
  readonly rds: {
    readonly instanceClass: string;
    readonly allocatedStorageGb: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
  };
  /** Extra tasks per service on top of 1 (prod runs two backend-api tasks). */
  readonly desiredCountOverrides: Readonly<Record<string, number>>;
  readonly corsAllowedOrigins: readonly string[];
  /** Data-bearing resources get Pulumi `protect`. */
  readonly protectData: boolean;
}

const NON_PROD = {
  logRetentionDays: 30,
  consolidatedMode: true,
  rds: { instanceClass: 'db.t4g.micro', allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 7, deletionProtection: false },
  desiredCountOverrides: {},
  protectData: false,
} as const;

export const ENVIRONMENT_SETTINGS: Readonly<Record<Environment, EnvironmentSettings>> = {
  dev: { ...NON_PROD, corsAllowedOrigins: ['*'] },
  staging: { ...NON_PROD, corsAllowedOrigins: [] },
  prod: {
    logRetentionDays: 90,
    consolidatedMode: false,
    rds: { instanceClass: 'db.t4g.small', allocatedStorageGb: 50, multiAz: true, backupRetentionDays: 14, deletionProtection: true },
    desiredCountOverrides: { 'backend-api': 2 },
    corsAllowedOrigins: [],
    protectData: true,
  },
};
