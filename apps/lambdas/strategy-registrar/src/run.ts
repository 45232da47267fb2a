import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { ConflictError, NotFoundError, RegistrationMessage, isAwsError, parseJsonEvent, type ConfigVersionItem, type DeploymentItem, type Table } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import type { SNSEvent } from 'aws-lambda';
import { configVersionFor, deploymentFor, isSameRegistration, registrationDeploymentId, repositoryName } from './register.js';

const logger = createLogger('strategy-registrar');

export interface Deps {
  readonly configVersions: Table<ConfigVersionItem>;
  readonly deployments: Table<DeploymentItem>;
  readonly ecr: ECRClient;
  readonly now: () => Date;
}

export interface RegistrationResult {
  readonly strategy: string;
  readonly configVersion: number;
  readonly deploymentId: string;
  /** False for a duplicate delivery: the registration was already recorded. */
  readonly changed: boolean;
}

/** The image must exist in ECR before a config version may point at it. */
async function assertImageExists(ecr: ECRClient, msg: RegistrationMessage): Promise<void> {
  const repo = repositoryName(msg.imageRepository);
  try {
    const res = await ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageDigest: msg.imageDigest }] }));
    if (!res.imageDetails?.length) throw new NotFoundError(`image ${repo}@${msg.imageDigest} not found in ECR`);
  } catch (err) {
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) throw new NotFoundError(`image ${repo}@${msg.imageDigest} not found in ECR (${(err as Error).name})`);
    throw err;
  }
}

/** Writes the deployment record of `version` unless it exists (a redelivery after a partial failure completes it). */
async function ensureDeployment(deps: Deps, version: ConfigVersionItem): Promise<DeploymentItem> {
  const id = registrationDeploymentId(version.strategy, version.version);
  const [existing] = await deps.deployments.query(id, { index: 'deployment_id-index', limit: 1 });
  if (existing) return existing;
  const previous = await deps.deployments.latest(version.strategy);
  const deployment = deploymentFor(version, previous);
  await deps.deployments.putIfAbsent(deployment);
  return deployment;
}

/** One registration: config version latest+1 (conditional put) and its deployment; a duplicate is a no-op. */
export async function register(msg: RegistrationMessage, deps: Deps): Promise<RegistrationResult> {
  await assertImageExists(deps.ecr, msg);
  for (let attempt = 0; attempt < 3; attempt++) {
    const latest = await deps.configVersions.latest(msg.strategy);
    if (latest && isSameRegistration(latest, msg)) {
      const d = await ensureDeployment(deps, latest);
      logger.info('duplicate registration', { strategy: msg.strategy, configVersion: latest.version });
      return { strategy: msg.strategy, configVersion: latest.version, deploymentId: d.deployment_id, changed: false };
    }
    const version = configVersionFor(msg, latest?.version ?? 0, deps.now().toISOString());
    // Conditional on the version not existing: a concurrent writer makes us re-read, not overwrite.
    if (await deps.configVersions.putIfAbsent(version)) {
      const d = await ensureDeployment(deps, version);
      logger.info('registered', { strategy: msg.strategy, configVersion: version.version, image: version.image });
      return { strategy: msg.strategy, configVersion: version.version, deploymentId: d.deployment_id, changed: true };
    }
  }
  throw new ConflictError(`config_versions ${msg.strategy}: lost the conditional put 3 times to concurrent writers`);
}

/** SNS event from the registration topic: every record's message is parsed before anything is written. */
export async function run(event: SNSEvent, deps: Deps): Promise<RegistrationResult[]> {
  if (!Array.isArray(event?.Records) || event.Records.length === 0) throw new Error('invalid registration event: Records: expected a non-empty SNS Records array');
  const messages = event.Records.map((r, i) => parseJsonEvent(RegistrationMessage, r?.Sns?.Message ?? '', `registration message (record ${i})`));
  const results: RegistrationResult[] = [];
  for (const msg of messages) results.push(await register(msg, deps));
  return results;
}
