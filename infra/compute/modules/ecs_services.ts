import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { TableKey } from '@tradai/contracts';
import {
  SERVICES,
  SERVICE_NAMES,
  getDesiredCount,
  getResourceName,
  getSdNamespace,
  getTags,
  isConsolidatedMode,
  type BucketKey,
  type ServiceName,
  type TradaiConfig,
} from '@tradai/infra-shared';
import { EnvironmentBuilder, imageUri, type EnvironmentVariable } from '@tradai/infra-shared/pulumi';
import type { Workflow } from './arns.js';
import {
  capacityProviderStrategy,
  deploymentLimits,
  fargateServices,
  cognitoClientIds,
  mlflowArtifactRoot,
  parseRdsEndpoint,
  serviceContainerDefinition,
  serviceEnvironment,
  serviceSecrets,
} from './ecs_services.logic.js';

export interface ServiceDiscoveryArgs {
  readonly cfg: TradaiConfig;
  readonly vpcId: pulumi.Input<string>;
}

/**
 * The Cloud Map private DNS namespace (`tradai-<env>.local`) and one service per ECS service, so
 * `<service>.tradai-<env>.local` resolves for Lambdas and services. Fargate services register
 * their tasks through ECS (custom health: ECS reports task health); in consolidated mode the
 * host registers itself for its four services (user data), so those have no custom health check.
 */
export class ServiceDiscovery extends pulumi.ComponentResource {
  readonly namespace: aws.servicediscovery.PrivateDnsNamespace;
  readonly services: Readonly<Record<ServiceName, aws.servicediscovery.Service>>;

  constructor(name: string, args: ServiceDiscoveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:ServiceDiscovery', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const parent = { parent: this };
    const fargate = new Set(fargateServices(cfg));

    this.namespace = new aws.servicediscovery.PrivateDnsNamespace(
      `${name}-namespace`,
      { name: getSdNamespace(env), vpc: args.vpcId, description: `TradAI ${env} services`, tags: getTags(env) },
      parent,
    );
    const services = {} as Record<ServiceName, aws.servicediscovery.Service>;
    for (const service of SERVICE_NAMES) {
      services[service] = new aws.servicediscovery.Service(
        `${name}-${service}`,
        {
          name: service,
          namespaceId: this.namespace.id,
          description: fargate.has(service) ? `${service} (Fargate tasks)` : `${service} (consolidated EC2 host)`,
          // Short TTL: a replaced task or host is found within seconds.
          dnsConfig: { namespaceId: this.namespace.id, dnsRecords: [{ type: 'A', ttl: 10 }], routingPolicy: 'MULTIVALUE' },
          ...(fargate.has(service) ? { healthCheckCustomConfig: {} } : {}),
          // Deleting the stack must not stall on instances the host registered itself.
          forceDestroy: !fargate.has(service),
          tags: getTags(env, service),
        },
        parent,
      );
    }
    this.services = services;
    this.registerOutputs({});
  }
}

/** Upstream values the services' environments are built from. */
export interface ServiceInputs {
  readonly region: pulumi.Input<string>;
  readonly tableNames: Readonly<Record<TableKey, pulumi.Input<string>>>;
  readonly bucketNames: Readonly<Record<BucketKey, pulumi.Input<string>>>;
  readonly backtestQueueUrl: pulumi.Input<string>;
  /** foundation sns_alerts_topic_arn */
  readonly alertsTopicArn: pulumi.Input<string>;
  readonly workflowArns: Readonly<Record<Workflow, pulumi.Input<string>>>;
  /** `host:port` */
  readonly rdsEndpoint: pulumi.Input<string>;
  readonly rdsDatabaseName: pulumi.Input<string>;
  readonly rdsSecretArn: pulumi.Input<string>;
  /** persistent cognito_user_pool_id, cognito_user_pool_client_id, cognito_m2m_client_id */
  readonly cognitoUserPoolId: pulumi.Input<string>;
  readonly cognitoWebClientId: pulumi.Input<string>;
  readonly cognitoM2mClientId: pulumi.Input<string>;
  /** persistent ecr_repository_urls */
  readonly repositoryUrls: pulumi.Input<Record<string, string>>;
}

/** A service's environment as ECS name/value pairs (EnvironmentBuilder: checked names, sorted). */
export function serviceEnvironmentVariables(cfg: TradaiConfig, service: ServiceName, i: ServiceInputs): pulumi.Output<EnvironmentVariable[]> {
  const endpoint = pulumi.output(i.rdsEndpoint).apply(parseRdsEndpoint);
  const record = serviceEnvironment<pulumi.Input<string>>(service, {
    env: cfg.environment,
    region: i.region,
    tableNames: i.tableNames,
    bucketNames: i.bucketNames,
    backtestQueueUrl: i.backtestQueueUrl,
    alertsTopicArn: i.alertsTopicArn,
    workflowArns: i.workflowArns,
    dbHost: endpoint.host,
    dbPort: endpoint.port,
    dbName: i.rdsDatabaseName,
    mlflowArtifactRoot: pulumi.output(i.bucketNames.mlflow).apply(mlflowArtifactRoot),
    cognitoUserPoolId: i.cognitoUserPoolId,
    cognitoClientIds: pulumi.all([i.cognitoWebClientId, i.cognitoM2mClientId]).apply(([web, m2m]) => cognitoClientIds(web, m2m)),
    ...(cfg.tradingStrategy !== undefined && { tradingStrategy: cfg.tradingStrategy }),
  });
  return new EnvironmentBuilder().addAll(record).build();
}

/** Image of a service, pinned by digest. */
export function serviceImage(service: ServiceName, repositoryUrls: pulumi.Input<Record<string, string>>): pulumi.Output<string> {
  const repo = SERVICES[service].imageRepo;
  return imageUri(
    'service',
    repo,
    pulumi.output(repositoryUrls).apply((urls) => {
      const url = urls[repo];
      if (!url) throw new Error(`tradai-persistent ecr_repository_urls has no repository "${repo}" (image of ${service})`);
      return url;
    }),
  );
}

export interface EcsServicesArgs {
  readonly cfg: TradaiConfig;
  readonly inputs: ServiceInputs;
  readonly clusterArn: pulumi.Input<string>;
  readonly executionRoleArn: pulumi.Input<string>;
  readonly taskRoleArn: pulumi.Input<string>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  readonly serviceDiscovery: ServiceDiscovery;
  readonly logGroups: Readonly<Record<ServiceName, aws.cloudwatch.LogGroup>>;
  /** ALB target groups (absent when tradai:skipAlb). */
  readonly targetGroups?: Readonly<Partial<Record<ServiceName, aws.lb.TargetGroup>>>;
  /** Wait for these before creating services (capacity providers, listener rules, role policies). */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The Fargate services (seed ecs_services.py): all seven in prod; in consolidated mode the four
 * consolidated services run on the EC2 host instead, so three here. Each has its task definition
 * (size, port, health check from SERVICES; env from EnvironmentBuilder; RDS credentials as ECS
 * secrets), its Cloud Map registration and, behind the ALB, its target group.
 */
export class EcsServices extends pulumi.ComponentResource {
  readonly services: Readonly<Partial<Record<ServiceName, aws.ecs.Service>>>;
  readonly taskDefinitions: Readonly<Partial<Record<ServiceName, aws.ecs.TaskDefinition>>>;

  constructor(name: string, args: EcsServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:EcsServices', name, {}, opts);
    const { cfg, inputs } = args;
    const env = cfg.environment;
    const parent = { parent: this };
    const services: Partial<Record<ServiceName, aws.ecs.Service>> = {};
    const taskDefinitions: Partial<Record<ServiceName, aws.ecs.TaskDefinition>> = {};

    for (const service of fargateServices(cfg)) {
      const s = SERVICES[service];
      const tags = getTags(env, service);
      const containerDefinitions = pulumi
        .all([serviceImage(service, inputs.repositoryUrls), serviceEnvironmentVariables(cfg, service, inputs), inputs.rdsSecretArn, args.logGroups[service].name, inputs.region])
        .apply(([image, environment, secretArn, logGroup, region]) =>
          JSON.stringify([serviceContainerDefinition(service, { image, environment, secrets: serviceSecrets(service, secretArn), logGroup, region })]),
        );
      const taskDefinition = new aws.ecs.TaskDefinition(
        `${name}-${service}-task`,
        {
          family: getResourceName(service, env),
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: String(s.cpu),
          memory: String(s.memory),
          executionRoleArn: args.executionRoleArn,
          taskRoleArn: args.taskRoleArn,
          runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
          containerDefinitions,
          tags,
        },
        parent,
      );
      taskDefinitions[service] = taskDefinition;

      const targetGroup = s.alb ? args.targetGroups?.[service] : undefined;
      const limits = deploymentLimits(service);
      services[service] = new aws.ecs.Service(
        `${name}-${service}`,
        {
          name: getResourceName(service, env),
          cluster: args.clusterArn,
          taskDefinition: taskDefinition.arn,
          desiredCount: getDesiredCount(service, env),
          capacityProviderStrategies: capacityProviderStrategy(service, env),
          platformVersion: 'LATEST',
          networkConfiguration: { subnets: args.privateSubnetIds, securityGroups: [args.securityGroupId], assignPublicIp: false },
          serviceRegistries: { registryArn: args.serviceDiscovery.services[service].arn },
          ...(targetGroup
            ? {
                loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: service, containerPort: s.port }],
                healthCheckGracePeriodSeconds: service === 'mlflow' ? 180 : 60,
              }
            : {}),
          deploymentCircuitBreaker: { enable: true, rollback: true },
          deploymentMinimumHealthyPercent: limits.minimumHealthyPercent,
          deploymentMaximumPercent: limits.maximumPercent,
          enableEcsManagedTags: true,
          propagateTags: 'SERVICE',
          waitForSteadyState: false,
          tags,
        },
        { ...parent, dependsOn: args.dependsOn },
      );
    }
    this.services = services;
    this.taskDefinitions = taskDefinitions;
    this.registerOutputs({});
  }
}

/** True when `service` runs on the consolidated host in this configuration. */
export function runsOnConsolidatedHost(cfg: TradaiConfig, service: ServiceName): boolean {
  return isConsolidatedMode(cfg) && SERVICES[service].consolidated;
}
