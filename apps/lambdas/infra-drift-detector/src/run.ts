import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SNSClient } from '@aws-sdk/client-sns';
import { PLATFORM_MANIFEST_KEY, type PlatformManifest } from '@tradai/contracts';
import { ScheduledEvent, isAwsError, parseEvent, publishAlert, type ConfigVersionItem, type DeploymentItem, type InfraDriftItem, type Table } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import { compareLambdas, compareServices, compareStrategies, digestOf, driftAlert, driftDedupKey, driftRecords, repositoryOf, type DriftFinding, type EcsServiceState, type StrategyDeploymentCheck } from './drift.js';

const logger = createLogger('infra-drift-detector');

export interface Deps {
  readonly deployments: Table<DeploymentItem>;
  readonly configVersions: Table<ConfigVersionItem>;
  readonly findings: Table<InfraDriftItem>;
  readonly lambda: LambdaClient;
  readonly ecs: ECSClient;
  readonly ecr: ECRClient;
  readonly sns: SNSClient;
  readonly clusterArn: string;
  readonly alertsTopicArn: string;
  readonly environment: string;
  readonly now: () => Date;
}

export interface DriftReport {
  readonly checked: { readonly lambdas: number; readonly services: number; readonly strategies: number };
  readonly findings: DriftFinding[];
}

async function actualLambdas(deps: Deps, names: readonly string[]) {
  const out = new Map<string, { imageUri?: string; resolvedImageUri?: string } | undefined>();
  for (const name of names) {
    try {
      const res = await deps.lambda.send(new GetFunctionCommand({ FunctionName: name }));
      out.set(name, { imageUri: res.Code?.ImageUri, resolvedImageUri: res.Code?.ResolvedImageUri });
    } catch (err) {
      if (!isAwsError(err, 'ResourceNotFoundException')) throw err;
      out.set(name, undefined);
    }
  }
  return out;
}

/** DescribeServices takes at most 10 services per call. */
export const DESCRIBE_SERVICES_MAX = 10;

async function actualServices(deps: Deps, names: readonly string[]) {
  const out = new Map<string, EcsServiceState | undefined>();
  for (let i = 0; i < names.length; i += DESCRIBE_SERVICES_MAX) {
    const res = await deps.ecs.send(new DescribeServicesCommand({ cluster: deps.clusterArn, services: names.slice(i, i + DESCRIBE_SERVICES_MAX) }));
    for (const s of res.services ?? []) {
      if (s.serviceName) out.set(s.serviceName, { desiredCount: s.desiredCount ?? 0, runningCount: s.runningCount ?? 0, status: s.status });
    }
  }
  return out;
}

async function imagePresent(deps: Deps, image: string): Promise<boolean> {
  const repo = repositoryOf(image);
  const digest = digestOf(image);
  if (!repo || !digest) return true; // not pinned by digest: nothing to check
  try {
    const res = await deps.ecr.send(new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageDigest: digest }] }));
    return (res.imageDetails?.length ?? 0) > 0;
  } catch (err) {
    if (isAwsError(err, 'ImageNotFoundException', 'RepositoryNotFoundException')) return false;
    throw err;
  }
}

async function strategyChecks(deps: Deps): Promise<StrategyDeploymentCheck[]> {
  const latest = new Map<string, DeploymentItem>();
  for (const d of await deps.deployments.scan()) {
    if (!/^[a-z0-9]/.test(d.strategy)) continue; // reserved partitions (the platform manifest)
    const cur = latest.get(d.strategy);
    if (!cur || d.deployed_at > cur.deployed_at) latest.set(d.strategy, d);
  }
  const checks: StrategyDeploymentCheck[] = [];
  for (const d of latest.values()) {
    const digest = digestOf(d.image);
    checks.push({
      strategy: d.strategy,
      ...(digest ? { imageDigest: digest } : {}),
      configVersion: d.config_version,
      imagePresent: d.image ? await imagePresent(deps, d.image) : true,
      configPresent: Boolean(await deps.configVersions.get({ strategy: d.strategy, version: d.config_version })),
    });
  }
  return checks;
}

/**
 * Compares the platform manifest and each strategy's current deployment with what Lambda, ECS
 * and ECR report, appends one infra_drift_state record per drifted resource and alerts when there are any.
 */
export async function run(event: unknown, deps: Deps): Promise<DriftReport> {
  parseEvent(ScheduledEvent, event, 'infra-drift-detector event');
  const manifest = (await deps.deployments.get(PLATFORM_MANIFEST_KEY)) as (DeploymentItem & Partial<PlatformManifest>) | undefined;
  const lambdaImages = manifest?.lambda_images ?? {};
  const desired = manifest?.service_desired_counts ?? {};
  const findings: DriftFinding[] = [];
  if (!manifest) {
    findings.push({ resourceId: 'platform:manifest', kind: 'manifest-missing', expected: 'present', actual: 'absent', detail: `no platform manifest (${PLATFORM_MANIFEST_KEY.strategy}/${PLATFORM_MANIFEST_KEY.deployed_at}) in the deployments table: Lambda and ECS were not checked` });
  }
  findings.push(...compareLambdas(lambdaImages, await actualLambdas(deps, Object.keys(lambdaImages))));
  findings.push(...compareServices(desired, await actualServices(deps, Object.keys(desired))));
  const checks = await strategyChecks(deps);
  findings.push(...compareStrategies(checks));

  const detectedAt = deps.now().toISOString();
  for (const record of driftRecords(findings, detectedAt)) await deps.findings.put(record);
  const alert = driftAlert(findings, deps.environment);
  if (alert) {
    await publishAlert(deps.sns, deps.alertsTopicArn, {
      type: 'infra.drift',
      severity: 'warning',
      source: 'infra-drift-detector',
      subject: alert.subject,
      message: alert.message,
      occurredAt: detectedAt,
      dedupKey: driftDedupKey(findings, detectedAt),
      details: { findings: findings.length },
    });
  }
  logger.info('infra drift checked', { findings });
  return { checked: { lambdas: Object.keys(lambdaImages).length, services: Object.keys(desired).length, strategies: checks.length }, findings };
}
