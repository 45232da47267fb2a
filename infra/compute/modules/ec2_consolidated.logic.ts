import { getResourceName, type Environment } from '@tradai/infra-shared';

/**
 * Replacement policy of the consolidated host: the ASG holds one instance running all four
 * services, so a replacement that terminated first (the old `minHealthyPercentage: 0`) took all
 * four down for the whole boot. Instead the new host launches next to the old one and joins only
 * once its services are healthy:
 * - a launch lifecycle hook holds the new instance in Pending:Wait; its user data completes the
 *   hook with CONTINUE after `docker compose up --wait` reports every service healthy (and it has
 *   registered in Cloud Map), or with ABANDON when they are not, which terminates it;
 * - the instance refresh (and the maintenance policy, for other replacements) keeps 100 % healthy
 *   and may run 200 %: the old host serves until the new one is InService;
 * - auto rollback returns the group to the previous launch template version when the new host is
 *   abandoned, so a bad AMI or image leaves the old host running.
 * The overlap costs one extra host for the minutes the new one boots (compare.ts prices it).
 */

/** Name of the launch hook the user data completes. */
export const LAUNCH_HOOK_NAME = 'tradai-services-healthy';
/**
 * How long the new host may take: image pulls plus `compose up --wait --wait-timeout 600`, with a
 * margin. Past it the hook's default result (ABANDON) applies.
 */
export const LAUNCH_HOOK_TIMEOUT_SECONDS = 900;
/** After InService: let the ALB mark the targets healthy (2 checks x 30 s) before the old host goes. */
export const INSTANCE_WARMUP_SECONDS = 90;

/** The Auto Scaling group's name (fixed: the host's IAM policy and user data name it). */
export function consolidatedGroupName(env: Environment): string {
  return getResourceName('consolidated', env);
}

/** The ASG's `initialLifecycleHooks`: present from the first launch, so every host is gated. */
export function launchHooks() {
  return [
    {
      name: LAUNCH_HOOK_NAME,
      lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      // No answer (user data crashed, host hung) means not healthy.
      defaultResult: 'ABANDON',
      heartbeatTimeout: LAUNCH_HOOK_TIMEOUT_SECONDS,
    },
  ];
}

/** Launch before terminate, for every kind of replacement. */
export const MAINTENANCE_POLICY = { minHealthyPercentage: 100, maxHealthyPercentage: 200 } as const;

/** The ASG's `instanceRefresh`: rolling, launch before terminate, rolled back when the new host fails. */
export function instanceRefresh() {
  return {
    strategy: 'Rolling',
    preferences: {
      ...MAINTENANCE_POLICY,
      instanceWarmup: String(INSTANCE_WARMUP_SECONDS),
      autoRollback: true,
      skipMatching: false,
    },
  };
}

/**
 * Minutes two hosts run side by side during one refresh, at most: the hook's timeout plus the
 * warm-up. Typical is less (an AMI with Docker preinstalled boots and pulls in a few minutes).
 */
export const REFRESH_OVERLAP_MINUTES_MAX = (LAUNCH_HOOK_TIMEOUT_SECONDS + INSTANCE_WARMUP_SECONDS) / 60;

