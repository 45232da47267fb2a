import type { ConfigVersionItem, DeploymentItem, RetrainingItem } from '@tradai/domain';
import { ConflictError } from '@tradai/domain';

/**
 * Deployment id of a promotion: one per retraining run, so a retried promotion finds the
 * deployment it already recorded instead of adding a second one. Every digit of the start time,
 * milliseconds included: two runs started in the same second are two deployments.
 */
export function deploymentIdFor(strategy: string, startedAt: string): string {
  return `${strategy}-retrain-${startedAt.replace(/[^0-9]/g, '')}`;
}

/** Refuses a promotion compare-models did not decide on, naming what differs. */
export function assertPromotable(run: RetrainingItem, candidateVersion: string): void {
  if (run.decision !== 'promote') {
    throw new ConflictError(`retraining run ${run.strategy}@${run.started_at} decision is ${run.decision ?? 'not recorded'}, not promote`);
  }
  if (run.candidate_version !== candidateVersion) {
    throw new ConflictError(`retraining run ${run.strategy}@${run.started_at} decided on version ${run.candidate_version}, not ${candidateVersion}`);
  }
}

/** The config version to append: the current one with the promoted model. */
export function nextConfigVersion(
  current: ConfigVersionItem,
  modelName: string,
  modelVersion: string,
  deploymentId: string,
  now: string,
): Omit<ConfigVersionItem, 'version'> {
  const { version: _v, ...rest } = current;
  return { ...rest, model_name: modelName, model_version: modelVersion, deployment_id: deploymentId, created_at: now, source: 'promote-model' };
}

/**
 * The deployment record of a promotion. Its key time is the config version's creation time, so
 * every attempt of one promotion (they share that version) writes the same key and the
 * conditional put lets only one record through.
 */
export function deploymentRecord(args: {
  strategy: string;
  deploymentId: string;
  config: ConfigVersionItem;
  modelName: string;
  modelVersion: string;
  previous: DeploymentItem | undefined;
}): DeploymentItem {
  return {
    strategy: args.strategy,
    deployed_at: args.config.created_at,
    deployment_id: args.deploymentId,
    config_version: args.config.version,
    model_name: args.modelName,
    model_version: args.modelVersion,
    image: args.config.image,
    source: 'promote-model',
    // deployment-verifier moves it to verified or rolled_back.
    status: 'verifying',
    previous_deployment_id: args.previous?.deployment_id,
  };
}
