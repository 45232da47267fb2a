import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { SERVICE_NAMES, getTags, type ServiceName, type TradaiConfig } from '@tradai/infra-shared';
import { EnvironmentBuilder, type EnvironmentVariable } from '@tradai/infra-shared/pulumi';
import { clusterName, ecsLogGroupName, strategyFamily } from './arns.js';
import { STRATEGY_TASK, strategyBaseImage, strategyContainerDefinition, strategyEnvironment } from './ecs.logic.js';

export interface EcsArgs {
  readonly cfg: TradaiConfig;
  readonly region: pulumi.Input<string>;
  readonly executionRoleArn: pulumi.Input<string>;
  readonly taskRoleArn: pulumi.Input<string>;
  /** persistent ecr_repository_urls (repo key -> URL): the strategy repositories' URLs. */
  readonly repositoryUrls: pulumi.Input<Record<string, string>>;
  readonly bucketNames: {
    readonly results: pulumi.Input<string>;
    readonly configs: pulumi.Input<string>;
    readonly arcticdb: pulumi.Input<string>;
    readonly mlflow: pulumi.Input<string>;
  };
}

/**
 * The ECS cluster (seed ecs.py): Container Insights, FARGATE and FARGATE_SPOT capacity providers,
 * the log groups of every container workload, and the strategy task definition the workflows run.
 */
export class EcsCluster extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly capacityProviders: aws.ecs.ClusterCapacityProviders;
  readonly strategyTaskDefinition: aws.ecs.TaskDefinition;
  readonly logGroups: Readonly<Record<ServiceName | 'strategy', aws.cloudwatch.LogGroup>>;
  /** The strategy container's base environment (the workflows register per-run revisions with it). */
  readonly strategyEnvironment: pulumi.Output<EnvironmentVariable[]>;

  constructor(name: string, args: EcsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:Ecs', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env);
    const parent = { parent: this };

    this.cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      { name: clusterName(env), settings: [{ name: 'containerInsights', value: 'enabled' }], tags },
      parent,
    );
    this.capacityProviders = new aws.ecs.ClusterCapacityProviders(
      `${name}-capacity-providers`,
      {
        clusterName: this.cluster.name,
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        // Services and tasks state their own strategy; the default only covers ad-hoc RunTask calls.
        defaultCapacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
      },
      parent,
    );

    const logGroups = {} as Record<ServiceName | 'strategy', aws.cloudwatch.LogGroup>;
    for (const workload of [...SERVICE_NAMES, 'strategy'] as const) {
      logGroups[workload] = new aws.cloudwatch.LogGroup(
        `${name}-logs-${workload}`,
        { name: ecsLogGroupName(workload, env), retentionInDays: cfg.logRetentionDays, tags: getTags(env, workload) },
        parent,
      );
    }
    this.logGroups = logGroups;

    const b = args.bucketNames;
    this.strategyEnvironment = new EnvironmentBuilder()
      .addAll(strategyEnvironment({ env, resultsBucket: b.results, configsBucket: b.configs, arcticdbBucket: b.arcticdb, mlflowBucket: b.mlflow }))
      .build();

    this.strategyTaskDefinition = new aws.ecs.TaskDefinition(
      `${name}-strategy`,
      {
        family: strategyFamily(env),
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: String(STRATEGY_TASK.cpu),
        memory: String(STRATEGY_TASK.memory),
        executionRoleArn: args.executionRoleArn,
        taskRoleArn: args.taskRoleArn,
        runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
        ephemeralStorage: { sizeInGib: STRATEGY_TASK.ephemeralStorageGb },
        containerDefinitions: pulumi
          .all([args.repositoryUrls, this.strategyEnvironment, logGroups.strategy.name, args.region])
          .apply(([urls, environment, logGroup, region]) =>
            JSON.stringify([strategyContainerDefinition({ image: strategyBaseImage(cfg.strategyRepos, urls), environment, logGroup, region })]),
          ),
        tags: getTags(env, 'strategy'),
      },
      parent,
    );

    this.registerOutputs({});
  }
}
