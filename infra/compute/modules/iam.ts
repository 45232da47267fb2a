import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LAMBDA_NAMES, type LambdaName, type TableKey } from '@tradai/contracts';
import {
  AssumeRolePolicyBuilder,
  GITHUB_OIDC_HOST,
  SCHEDULED_LAMBDAS,
  getResourceName,
  getTags,
  isConsolidatedMode,
  ownsAccountResources,
  type BucketKey,
  type ServiceName,
  type TradaiConfig,
} from '@tradai/infra-shared';
import { policyJson } from '@tradai/infra-shared/pulumi';
import type { ArnContext } from './arns.js';
import {
  SSM_CORE_POLICY_ARN,
  cliCiRolePolicy,
  executionRolePolicy,
  instanceRolePolicy,
  lambdaRolePolicy,
  schedulerRolePolicy,
  stepFunctionsRolePolicy,
  taskRolePolicy,
} from './iam.logic.js';

export interface IamArgs {
  readonly cfg: TradaiConfig;
  /** Partition, region, account and environment the role policies' ARNs are built in. */
  readonly ctx: pulumi.Input<ArnContext>;
  readonly tableArns: pulumi.Input<Record<TableKey, pulumi.Input<string>>>;
  readonly bucketArns: pulumi.Input<Record<BucketKey, string>>;
  readonly ecrRepositoryArns: pulumi.Input<Record<string, string>>;
  readonly alertsTopicArn: pulumi.Input<string>;
  readonly registrationTopicArn: pulumi.Input<string>;
  readonly backtestQueueArn: pulumi.Input<string>;
  readonly rdsSecretArn: pulumi.Input<string>;
  readonly m2mSecretArn: pulumi.Input<string>;
  readonly pulumiStateBucketName: pulumi.Input<string>;
  /** Services with a task definition here (their log groups are the execution role's). */
  readonly ecsServices: readonly ServiceName[];
  /** Consolidated mode: Cloud Map services the host registers in, and the namespace's hosted zone. */
  readonly consolidated?: {
    readonly serviceDiscoveryServiceArns: pulumi.Input<pulumi.Input<string>[]>;
    readonly hostedZoneId: pulumi.Input<string>;
  };
}

/**
 * Every IAM role of the compute layer (seed iam.py): ECS execution and task roles, the CLI/CI
 * role behind GitHub OIDC, one role per Lambda, the Step Functions and Scheduler roles, and the
 * consolidated host's role and instance profile. Policies are documents from iam.logic.ts.
 */
export class IamRoles extends pulumi.ComponentResource {
  readonly ecsExecutionRole: aws.iam.Role;
  readonly ecsTaskRole: aws.iam.Role;
  readonly cliCiRole: aws.iam.Role;
  /** ARN of the account's GitHub OIDC provider: created here, or looked up when another environment of a shared account owns it. */
  readonly githubOidcProviderArn: pulumi.Output<string>;
  readonly lambdaRoles: Readonly<Record<LambdaName, aws.iam.Role>>;
  readonly stepFunctionsRole: aws.iam.Role;
  readonly schedulerRole: aws.iam.Role;
  readonly instanceProfile?: aws.iam.InstanceProfile;
  /**
   * Inline policy of each role by key (`ecs-execution`, `lambda-<name>`, ...): a consumer whose
   * creation AWS checks against the permissions (a VPC Lambda, an event source mapping) depends on it.
   */
  readonly policies: Record<string, aws.iam.RolePolicy> = {};

  constructor(name: string, args: IamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:Iam', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env);
    const parent = { parent: this };
    const resources = {
      ctx: args.ctx,
      tableArns: args.tableArns,
      bucketArns: args.bucketArns,
      ecrRepositoryArns: args.ecrRepositoryArns,
      strategyRepos: [...cfg.strategyRepos],
      alertsTopicArn: args.alertsTopicArn,
      registrationTopicArn: args.registrationTopicArn,
      backtestQueueArn: args.backtestQueueArn,
      rdsSecretArn: args.rdsSecretArn,
      m2mSecretArn: args.m2mSecretArn,
    };

    const role = (key: string, component: string, description: string, trust: pulumi.Input<string>, policy: pulumi.Input<string>): aws.iam.Role => {
      const roleName = getResourceName(component, env);
      const r = new aws.iam.Role(`${name}-${key}`, { name: roleName, description, assumeRolePolicy: trust, tags }, parent);
      this.policies[key] = new aws.iam.RolePolicy(`${name}-${key}-policy`, { name: `${roleName}-policy`, role: r.id, policy }, parent);
      return r;
    };
    const account = pulumi.output(args.ctx).apply((c) => c.account);
    // aws:SourceAccount: the service may assume the role only on behalf of this account (confused deputy).
    const serviceTrust = (factory: (o: { sourceAccount: string }) => AssumeRolePolicyBuilder) => account.apply((a) => factory({ sourceAccount: a }).json());

    this.ecsExecutionRole = role(
      'ecs-execution',
      'ecs-execution',
      'ECS task execution: pull service and strategy images, write task logs, inject the RDS secret',
      serviceTrust((o) => AssumeRolePolicyBuilder.forEcsTasks(o)),
      policyJson(resources, (r) => executionRolePolicy(r, args.ecsServices)),
    );
    this.ecsTaskRole = role(
      'ecs-task',
      'ecs-task',
      'ECS tasks (services and the strategy task): tables, buckets, backtest queue, workflows',
      serviceTrust((o) => AssumeRolePolicyBuilder.forEcsTasks(o)),
      policyJson(resources, (r) => taskRolePolicy(r)),
    );

    // One provider per account and issuer URL: with tradai:sharedAccount only the owner creates it
    // (a second create fails with EntityAlreadyExists); the others find it by its URL.
    this.githubOidcProviderArn = ownsAccountResources(cfg)
      ? new aws.iam.OpenIdConnectProvider(`${name}-github-oidc`, { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: ['sts.amazonaws.com'], tags }, parent).arn
      : aws.iam.getOpenIdConnectProviderOutput({ url: `https://${GITHUB_OIDC_HOST}` }, parent).arn;
    this.cliCiRole = role(
      'cli-ci',
      'cli-ci',
      `CLI and CI (GitHub Actions of ${cfg.githubOidc.repository} on ${cfg.githubOidc.branches.join(', ')}): push images, register strategies, run workflows`,
      policyJson({ provider: this.githubOidcProviderArn }, ({ provider }) =>
        AssumeRolePolicyBuilder.forGithubOidc(provider, cfg.githubOidc.repository, cfg.githubOidc.branches),
      ),
      policyJson({ ...resources, state: args.pulumiStateBucketName }, ({ state, ...r }) => cliCiRolePolicy(r, { pulumiStateBucketArn: `arn:${r.ctx.partition}:s3:::${state}` })),
    );

    const lambdaRoles = {} as Record<LambdaName, aws.iam.Role>;
    for (const fn of LAMBDA_NAMES) {
      lambdaRoles[fn] = role(
        `lambda-${fn}`,
        `${fn}-role`,
        `Lambda ${fn}: what DESIGN.md says it touches`,
        serviceTrust((o) => AssumeRolePolicyBuilder.forLambda(o)),
        policyJson(resources, (r) => lambdaRolePolicy(fn, r)),
      );
    }
    this.lambdaRoles = lambdaRoles;

    this.stepFunctionsRole = role(
      'step-functions',
      'step-functions',
      'Step Functions workflows: run the strategy task, invoke the workflow Lambdas, deliver logs',
      serviceTrust((o) => AssumeRolePolicyBuilder.forStepFunctions(o)),
      policyJson({ ...resources, taskRole: this.ecsTaskRole.arn, executionRole: this.ecsExecutionRole.arn }, ({ taskRole, executionRole, ...r }) =>
        stepFunctionsRolePolicy(r, { ecsTaskRoleArn: taskRole, ecsExecutionRoleArn: executionRole }),
      ),
    );
    this.schedulerRole = role(
      'scheduler',
      'scheduler',
      'EventBridge Scheduler: invoke the scheduled Lambdas, dead-letter undeliverable events',
      serviceTrust((o) => AssumeRolePolicyBuilder.forService('scheduler.amazonaws.com', o)),
      pulumi.output(args.ctx).apply((c) => JSON.stringify(schedulerRolePolicy(c, SCHEDULED_LAMBDAS))),
    );

    if (isConsolidatedMode(cfg)) {
      if (!args.consolidated) throw new Error('IamRoles: consolidated mode needs the Cloud Map services the host registers in');
      const consolidated = args.consolidated;
      const hostRole = role(
        'consolidated',
        'consolidated',
        'Consolidated EC2 host: pull its images, run its four services, register in Cloud Map, SSM',
        AssumeRolePolicyBuilder.forEc2().json(),
        policyJson({ ...resources, sd: consolidated.serviceDiscoveryServiceArns, zone: consolidated.hostedZoneId }, ({ sd, zone, ...r }) =>
          instanceRolePolicy(r, { serviceDiscoveryServiceArns: sd, hostedZoneId: zone }),
        ),
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-consolidated-ssm`,
        { role: hostRole.name, policyArn: pulumi.output(args.ctx).apply((c) => SSM_CORE_POLICY_ARN(c.partition)) },
        parent,
      );
      this.instanceProfile = new aws.iam.InstanceProfile(`${name}-consolidated-profile`, { name: getResourceName('consolidated-profile', env), role: hostRole.name, tags }, parent);
    }

    this.registerOutputs({});
  }
}
