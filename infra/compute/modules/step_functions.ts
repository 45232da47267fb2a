import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getTags, type TradaiConfig } from '@tradai/infra-shared';
import type { EnvironmentVariable } from '@tradai/infra-shared/pulumi';
import { WORKFLOWS, workflowLogGroupName, workflowName, type Workflow } from './arns.js';
import type { WORKFLOW_LAMBDAS } from './iam.logic.js';
import { WORKFLOW_TEMPLATES, workflowLoader, workflowTemplateVars, type WorkflowInputs } from './step_functions.logic.js';

export interface StepFunctionsArgs {
  readonly cfg: TradaiConfig;
  readonly region: pulumi.Input<string>;
  readonly roleArn: pulumi.Input<string>;
  /** The role's policy: Step Functions checks log delivery permissions when the machine is created. */
  readonly rolePolicy: pulumi.Resource;
  readonly functionArns: Readonly<Record<(typeof WORKFLOW_LAMBDAS)[number], pulumi.Input<string>>>;
  readonly clusterArn: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly strategyFamily: pulumi.Input<string>;
  readonly executionRoleArn: pulumi.Input<string>;
  readonly taskRoleArn: pulumi.Input<string>;
  readonly strategyLogGroupName: pulumi.Input<string>;
  readonly strategyEnvironment: pulumi.Input<EnvironmentVariable[]>;
}

/**
 * The backtest and retraining state machines (seed step_functions.py): STANDARD workflows
 * rendered from asl-templates/*.json.njk with the ARNs, cluster, subnets and security groups
 * injected (rendering validates the ASL); every execution logged at level ALL with its data,
 * and traced with X-Ray.
 */
export class StepFunctions extends pulumi.ComponentResource {
  readonly stateMachines: Readonly<Record<Workflow, aws.sfn.StateMachine>>;

  constructor(name: string, args: StepFunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:StepFunctions', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const parent = { parent: this };

    // pulumi.all types tuples of up to eight: group the inputs.
    const network = pulumi.all([args.clusterArn, args.subnetIds, args.securityGroupIds]);
    const strategy = pulumi.all([args.strategyFamily, args.executionRoleArn, args.taskRoleArn, args.strategyLogGroupName, args.strategyEnvironment]);
    const vars = pulumi
      .all([args.region, pulumi.all(args.functionArns), network, strategy])
      .apply(([region, functionArns, [clusterArn, subnets, securityGroups], [strategyFamily, executionRoleArn, taskRoleArn, strategyLogGroup, strategyEnvironment]]) =>
        workflowTemplateVars({
          env,
          region,
          functionArns: functionArns as WorkflowInputs['functionArns'],
          clusterArn,
          subnets,
          securityGroups,
          strategyFamily,
          executionRoleArn,
          taskRoleArn,
          strategyLogGroup,
          strategyEnvironment,
        }),
      );

    const machines = {} as Record<Workflow, aws.sfn.StateMachine>;
    for (const workflow of WORKFLOWS) {
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-${workflow}-logs`,
        { name: workflowLogGroupName(workflow, env), retentionInDays: cfg.logRetentionDays, tags: getTags(env, `${workflow}-workflow`) },
        parent,
      );
      machines[workflow] = new aws.sfn.StateMachine(
        `${name}-${workflow}`,
        {
          name: workflowName(workflow, env),
          type: 'STANDARD',
          roleArn: args.roleArn,
          definition: vars.apply((v) => workflowLoader().renderJson(WORKFLOW_TEMPLATES[workflow], v)),
          // Step Functions requires the `:*` suffix on the log group ARN.
          loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
          tracingConfiguration: { enabled: true },
          tags: getTags(env, `${workflow}-workflow`),
        },
        { ...parent, dependsOn: [args.rolePolicy] },
      );
    }
    this.stateMachines = machines;
    this.registerOutputs({});
  }
}
