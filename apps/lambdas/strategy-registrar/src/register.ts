import type { ConfigVersionItem, DeploymentItem, RegistrationMessage } from '@tradai/domain';

/** `tradai/strategy-x` from `<acct>.dkr.ecr.<region>.amazonaws.com/tradai/strategy-x`. */
export function repositoryName(imageRepository: string): string {
  const slash = imageRepository.indexOf('/');
  const name = slash >= 0 ? imageRepository.slice(slash + 1) : imageRepository;
  if (!name || /[@:]/.test(name)) throw new Error(`imageRepository "${imageRepository}" must be a repository URI without tag or digest`);
  return name;
}

/** The pinned image reference stored in config versions: `<repo uri>@sha256:...`. */
export function pinnedImage(msg: RegistrationMessage): string {
  return `${msg.imageRepository}@${msg.imageDigest}`;
}

/** Whether `latest` already records this registration (same image and config): a duplicate delivery. */
export function isSameRegistration(latest: ConfigVersionItem | undefined, msg: RegistrationMessage): boolean {
  return latest !== undefined && latest.image === pinnedImage(msg) && latest.config_key === msg.configKey;
}

/** Deterministic, so a redelivery finds the deployment it (or an earlier attempt) wrote. */
export function registrationDeploymentId(strategy: string, version: number): string {
  return `registrar-${strategy}-v${version}`;
}

/** The next config version (latest + 1) for a registration. */
export function configVersionFor(msg: RegistrationMessage, latestVersion: number, now: string): ConfigVersionItem {
  return {
    strategy: msg.strategy,
    version: latestVersion + 1,
    config_key: msg.configKey,
    image: pinnedImage(msg),
    image_tag: msg.imageTag,
    created_at: msg.registeredAt ?? now,
    source: 'strategy-registrar',
    ...(msg.gitSha ? { git_sha: msg.gitSha } : {}),
  };
}

/** The deployment record of a registered version. */
export function deploymentFor(version: ConfigVersionItem, previous: DeploymentItem | undefined): DeploymentItem {
  return {
    strategy: version.strategy,
    deployed_at: version.created_at,
    deployment_id: registrationDeploymentId(version.strategy, version.version),
    config_version: version.version,
    image: version.image,
    source: 'strategy-registrar',
    status: 'registered',
    ...(previous ? { previous_deployment_id: previous.deployment_id } : {}),
  };
}
