import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { EC2_CONSOLIDATED_CONFIG, getResourceName, getTags, type ServiceName, type TradaiConfig } from '@tradai/infra-shared';
import { getLatestAl2023Ami, type EnvironmentVariable } from '@tradai/infra-shared/pulumi';
import { LAUNCH_HOOK_NAME, MAINTENANCE_POLICY, consolidatedGroupName, instanceRefresh, launchHooks } from './ec2_consolidated.logic.js';
import { registryOf, renderComposeFile, renderUserData } from './ec2_userdata.js';

type ConsolidatedServiceName = (typeof EC2_CONSOLIDATED_CONFIG.services)[number];

export interface ConsolidatedHostArgs {
  readonly cfg: TradaiConfig;
  readonly region: pulumi.Input<string>;
  readonly instanceProfileArn: pulumi.Input<string>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  /** One service image repository URL (for the registry host `docker login` needs). */
  readonly registryRepositoryUrl: pulumi.Input<string>;
  readonly rdsSecretArn: pulumi.Input<string>;
  /** Per consolidated service: image (by digest), environment, log group, Cloud Map service id. */
  readonly services: Readonly<
    Record<
      ConsolidatedServiceName,
      {
        readonly image: pulumi.Input<string>;
        readonly environment: pulumi.Input<EnvironmentVariable[]>;
        readonly logGroupName: pulumi.Input<string>;
        readonly serviceDiscoveryId: pulumi.Input<string>;
      }
    >
  >;
  /** ALB target groups of the four services (instance targets); absent when tradai:skipAlb. */
  readonly targetGroupArns?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The consolidated EC2 host (seed ec2_consolidated.py), dev/staging only: one t3.small running
 * backend-api, data-collection, mlflow and strategy-service with Docker Compose (~$15/month vs
 * ~$37 for four Fargate tasks). An Auto Scaling group of exactly one replaces the instance when
 * EC2 reports it impaired (self-healing) and registers it in the ALB target groups; the user data
 * registers it in Cloud Map. A change to the user data (new image digests, new environment) or
 * the AMI (tradai:consolidatedAmiId, built from infra/ami) makes a new launch template version,
 * which the instance refresh rolls out launch-before-terminate, gated on the services' health
 * (ec2_consolidated.logic.ts).
 */
export class ConsolidatedHost extends pulumi.ComponentResource {
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly autoScalingGroup: aws.autoscaling.Group;

  constructor(name: string, args: ConsolidatedHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:ConsolidatedHost', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env, 'consolidated');
    const parent = { parent: this };
    const names = EC2_CONSOLIDATED_CONFIG.services;

    const specs = pulumi.all(
      names.map((s) =>
        pulumi
          .all([args.services[s].image, args.services[s].environment, args.services[s].logGroupName])
          .apply(([image, environment, logGroup]) => ({ name: s as ServiceName, image, environment, logGroup })),
      ),
    );
    const composeFile = pulumi.all([args.region, specs]).apply(([region, services]) => renderComposeFile({ env, region, services }));
    const registrations = pulumi.all(
      names.map((s) => pulumi.output(args.services[s].serviceDiscoveryId).apply((serviceId) => ({ name: s as ServiceName, serviceId }))),
    );
    const userData = pulumi
      .all([args.region, pulumi.output(args.registryRepositoryUrl).apply(registryOf), args.rdsSecretArn, composeFile, registrations])
      .apply(([region, registry, rdsSecretArn, compose, regs]) =>
        Buffer.from(
          renderUserData({ env, region, registry, rdsSecretArn, composeFile: compose, registrations: regs, launchHook: { groupName: consolidatedGroupName(env), hookName: LAUNCH_HOOK_NAME } }),
        ).toString('base64'),
      );

    this.launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        name: getResourceName('consolidated', env),
        description: `TradAI ${env} consolidated host: ${names.join(', ')}`,
        imageId: cfg.consolidatedAmiId ?? getLatestAl2023Ami(EC2_CONSOLIDATED_CONFIG.architecture, parent),
        instanceType: EC2_CONSOLIDATED_CONFIG.instanceType,
        iamInstanceProfile: { arn: args.instanceProfileArn },
        vpcSecurityGroupIds: [args.securityGroupId],
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: { volumeSize: EC2_CONSOLIDATED_CONFIG.volumeSizeGb, volumeType: EC2_CONSOLIDATED_CONFIG.volumeType, encrypted: 'true', deleteOnTermination: 'true' },
          },
        ],
        // IMDSv2 only. Hop limit 2: the containers (one network hop behind the Docker bridge)
        // get the instance role's credentials from IMDS too.
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 2 },
        // t3 unlimited would bill CPU credits beyond the baseline; standard throttles instead (dev/staging).
        creditSpecification: { cpuCredits: 'standard' },
        userData,
        updateDefaultVersion: true,
        tagSpecifications: [
          { resourceType: 'instance', tags: { ...tags, Name: getResourceName('consolidated', env) } },
          { resourceType: 'volume', tags },
        ],
        tags,
      },
      parent,
    );

    this.autoScalingGroup = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        name: consolidatedGroupName(env),
        minSize: 1,
        // Room for the replacement that runs next to the old host until it is healthy.
        maxSize: 2,
        desiredCapacity: 1,
        // Both private subnets: a replacement may start in the other AZ when one is impaired.
        vpcZoneIdentifiers: args.privateSubnetIds,
        launchTemplate: { id: this.launchTemplate.id, version: pulumi.interpolate`${this.launchTemplate.latestVersion}` },
        ...(args.targetGroupArns ? { targetGroupArns: args.targetGroupArns } : {}),
        // EC2 status checks, not ELB: one failing service must not recycle the host running the
        // other three (Compose restarts the container; the ALB keeps it out of rotation).
        healthCheckType: 'EC2',
        healthCheckGracePeriod: 600,
        initialLifecycleHooks: launchHooks(),
        instanceMaintenancePolicy: { ...MAINTENANCE_POLICY },
        instanceRefresh: instanceRefresh(),
        // The first host, too, waits in the launch hook until its services are healthy.
        waitForCapacityTimeout: '20m',
        tags: Object.entries({ ...tags, Name: getResourceName('consolidated', env) }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      },
      parent,
    );

    this.registerOutputs({});
  }
}
