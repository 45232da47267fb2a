import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EC2_CONSOLIDATED_CONFIG,
  SERVICES,
  findWorkspaceRoot,
  makeShellTemplateEnv,
  renderShellTemplate,
  type Environment,
  type ServiceName,
} from '@tradai/infra-shared';
import type { ContainerEnv } from './ecs.logic.js';
import { DB_SECRET_FILE_ENV, containerHealthCheck, serviceCommand } from './ecs_services.logic.js';

/**
 * Pure rendering of the consolidated host's compose file and user data (seed ec2_userdata.py):
 * templates `docker/compose/consolidated.compose.yml.njk` and
 * `infra/compute/userdata/consolidated.sh.njk`, both strict (a missing variable throws).
 */

/** Docker Compose plugin release installed on stock AL2023 (the Packer AMI ships it). */
export const COMPOSE_VERSION = 'v2.29.7';
/** Where the host keeps the compose file and the RDS secret (root-only). */
export const COMPOSE_PATH = '/opt/tradai/compose.yml';
export const DB_SECRET_PATH = '/etc/tradai/secrets/rds.json';
/** Compose secret name; mounted at /run/secrets/<name> in the MLflow container. */
export const DB_SECRET_NAME = 'rds_credentials';
/** EC2 refuses user data over 16 KB (before base64). */
export const USER_DATA_MAX_BYTES = 16 * 1024;

function workspaceRoot(): string {
  return findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)));
}

/** Escapes `$` for Compose interpolation (`$$` is a literal `$`). */
export function composeEscape(value: string): string {
  return value.replace(/\$/g, () => '$$');
}

/** `compose` filter: a string or list of strings, `$`-escaped and JSON-quoted (valid YAML flow scalars). */
export function composeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(composeEscape(value));
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(String(value));
  if (Array.isArray(value)) return `[${value.map(composeValue).join(', ')}]`;
  throw new Error(`compose filter: cannot render ${value === undefined ? 'undefined' : typeof value}`);
}

/** One service on the consolidated host. */
export interface ConsolidatedService {
  readonly name: ServiceName;
  /** Image pinned by digest. */
  readonly image: string;
  readonly environment: readonly ContainerEnv[];
  readonly logGroup: string;
}

export interface ComposeInputs {
  readonly env: Environment;
  readonly region: string;
  readonly services: readonly ConsolidatedService[];
}

/** The compose file of the consolidated host. */
export function renderComposeFile(i: ComposeInputs): string {
  const expected = [...EC2_CONSOLIDATED_CONFIG.services].sort();
  const given = i.services.map((s) => s.name).sort();
  if (JSON.stringify(expected) !== JSON.stringify(given)) {
    throw new Error(`consolidated compose file: services must be exactly ${expected.join(', ')} (EC2_CONSOLIDATED_CONFIG), got ${given.join(', ')}`);
  }
  const env = makeShellTemplateEnv(join(workspaceRoot(), 'docker', 'compose'));
  env.addFilter('compose', composeValue);
  const services = i.services.map((s) => {
    const dbSecret = s.name === 'mlflow';
    const environment = [...s.environment, ...(dbSecret ? [{ name: DB_SECRET_FILE_ENV, value: `/run/secrets/${DB_SECRET_NAME}` }] : [])];
    return {
      name: s.name,
      image: s.image,
      port: SERVICES[s.name].port,
      environment: environment.sort((a, b) => a.name.localeCompare(b.name)),
      command: serviceCommand(s.name) ?? null,
      healthcheck: containerHealthCheck(s.name),
      start_period_seconds: s.name === 'mlflow' ? 120 : 30,
      log_group: s.logGroup,
      db_secret: dbSecret,
    };
  });
  try {
    return env.render('consolidated.compose.yml.njk', {
      environment: i.env,
      project: 'tradai',
      region: i.region,
      services,
      db_secret_name: DB_SECRET_NAME,
      db_secret_file: DB_SECRET_PATH,
    });
  } catch (error) {
    throw new Error(`compose template consolidated.compose.yml.njk: render failed: ${(error as Error).message}`);
  }
}

/** A Cloud Map registration the host makes for one of its services. */
export interface Registration {
  readonly name: ServiceName;
  readonly serviceId: string;
}

export interface UserDataInputs {
  readonly env: Environment;
  readonly region: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com`: what `docker login` needs. */
  readonly registry: string;
  readonly rdsSecretArn: string;
  readonly composeFile: string;
  readonly registrations: readonly Registration[];
  /** The Auto Scaling group's launch hook the script completes: CONTINUE once healthy, else ABANDON. */
  readonly launchHook: { readonly groupName: string; readonly hookName: string };
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/tradai/backend` -> the registry host. */
export function registryOf(repositoryUrl: string): string {
  const host = repositoryUrl.split('/')[0]!;
  if (!/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(host)) throw new Error(`"${repositoryUrl}" is not an ECR repository URL`);
  return host;
}

/** The host's user data script (checked: shebang, size). */
export function renderUserData(i: UserDataInputs): string {
  const env = makeShellTemplateEnv(join(workspaceRoot(), 'infra', 'compute', 'userdata'));
  if (i.composeFile.split('\n').includes('TRADAI_COMPOSE_EOF')) throw new Error('compose file contains the heredoc delimiter TRADAI_COMPOSE_EOF');
  const script = renderShellTemplate(env, 'consolidated', {
    environment: i.env,
    service_names: i.registrations.map((r) => r.name).join(', '),
    region: i.region,
    registry: i.registry,
    compose_version: COMPOSE_VERSION,
    rds_secret_arn: i.rdsSecretArn,
    db_secret_file: DB_SECRET_PATH,
    compose_path: COMPOSE_PATH,
    compose_file: i.composeFile.trimEnd(),
    registrations: i.registrations.map((r) => ({ name: r.name, service_id: r.serviceId, port: SERVICES[r.name].port })),
    asg_name: i.launchHook.groupName,
    launch_hook: i.launchHook.hookName,
  });
  const bytes = Buffer.byteLength(script);
  if (bytes > USER_DATA_MAX_BYTES) throw new Error(`consolidated user data is ${bytes} bytes, over EC2's ${USER_DATA_MAX_BYTES}`);
  return script;
}
