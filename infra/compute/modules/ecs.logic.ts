import { ENV } from '@tradai/contracts';
import { getMlflowTrackingUri, type Environment } from '@tradai/infra-shared';
import { bucketEnvName } from './access.logic.js';

/** Environment entry of an ECS container definition. */
export interface ContainerEnv {
  readonly name: string;
  readonly value: string;
}

/**
 * The strategy task (seed ecs.py): one container running a strategy image in `backtest` or
 * `train` mode. Not in SERVICES because it is not a service: the workflows run it per request.
 * Sizes are this stack's (no shared config group covers batch tasks): 1 vCPU / 2 GiB fits the
 * freqtrade-style backtests and the small models trained here.
 */
export const STRATEGY_TASK = {
  containerName: 'strategy',
  cpu: 1024,
  memory: 2048,
  /** Fargate ephemeral storage for market data and model files (GiB; 21 is the minimum above the default 20). */
  ephemeralStorageGb: 30,
  modes: ['backtest', 'train'] as const,
} as const;

export type StrategyMode = (typeof STRATEGY_TASK.modes)[number];

/** Variable the workflows override per run with the mode. */
export const MODE_ENV = 'MODE';

/**
 * Tag of the base revision's image. The base revision only fixes the family's settings: every
 * workflow run registers a revision of the family with the image validate-strategy resolved (by
 * digest), because ECS RunTask overrides cannot replace a container image.
 */
export const STRATEGY_BASE_TAG = 'latest';

/**
 * Image of the base revision when no strategy repository is configured (tradai:strategyRepos is
 * empty): a public image that is never run by the workflows (see STRATEGY_BASE_TAG).
 */
export const NO_STRATEGY_IMAGE = 'public.ecr.aws/docker/library/busybox:stable';

/** First configured strategy repository's `:latest`, or NO_STRATEGY_IMAGE. */
export function strategyBaseImage(strategyRepos: readonly string[], repositoryUrls: Readonly<Record<string, string>>): string {
  const first = strategyRepos[0];
  if (first === undefined) return NO_STRATEGY_IMAGE;
  const url = repositoryUrls[first];
  if (!url) throw new Error(`strategy repository ${first} (tradai:strategyRepos) has no URL in tradai-persistent's ecr_repository_urls; deploy persistent with the same strategyRepos`);
  return `${url}:${STRATEGY_BASE_TAG}`;
}

/** Bucket names the strategy container reads and writes; `V` is string in tests, an Output in the stack. */
export interface StrategyEnvInputs<V> {
  readonly env: Environment;
  readonly resultsBucket: V;
  readonly configsBucket: V;
  readonly arcticdbBucket: V;
  readonly mlflowBucket: V;
}

/** Environment of the strategy container; MODE defaults to backtest and each run overrides it. */
export function strategyEnvironment<V>(i: StrategyEnvInputs<V>): Record<string, V | string> {
  return {
    [ENV.environment]: i.env,
    [bucketEnvName('results')]: i.resultsBucket,
    [bucketEnvName('configs')]: i.configsBucket,
    [bucketEnvName('arcticdb')]: i.arcticdbBucket,
    [bucketEnvName('mlflow')]: i.mlflowBucket,
    [ENV.mlflowTrackingUri]: getMlflowTrackingUri(i.env),
    [MODE_ENV]: 'backtest',
  };
}

/** awslogs options for a container writing to `logGroup`. */
export function awslogs(logGroup: string, region: string, streamPrefix: string) {
  return {
    logDriver: 'awslogs',
    options: { 'awslogs-group': logGroup, 'awslogs-region': region, 'awslogs-stream-prefix': streamPrefix },
  };
}

export interface StrategyContainerInputs {
  readonly image: string;
  readonly environment: readonly ContainerEnv[];
  readonly logGroup: string;
  readonly region: string;
}

/** The strategy task's container definition (ECS JSON, camelCase). */
export function strategyContainerDefinition(i: StrategyContainerInputs) {
  return {
    name: STRATEGY_TASK.containerName,
    image: i.image,
    essential: true,
    environment: [...i.environment],
    logConfiguration: awslogs(i.logGroup, i.region, STRATEGY_TASK.containerName),
    // The result file must be flushed before the task is reported stopped.
    stopTimeout: 60,
  };
}
