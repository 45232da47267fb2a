import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, type TradaiConfig } from '@tradai/infra-shared';
import { buildDashboardBody, dashboardUrl, ecsNameFromArn } from './cloudwatch_dashboard.logic.js';
import { functionNameFromArn } from './cloudwatch_alarms.logic.js';

export interface CloudwatchDashboardArgs {
  readonly cfg: TradaiConfig;
  readonly region: pulumi.Input<string>;
  readonly ecsClusterArn: pulumi.Input<string>;
  /** Compute's `ecs_service_arns` (Fargate services only). */
  readonly ecsServiceArns: pulumi.Input<Record<string, string>>;
  /** Compute's `consolidated_asg_name`, absent outside consolidated mode. */
  readonly consolidatedAsgName: pulumi.Input<string | undefined>;
  readonly lambdaFunctionArns: pulumi.Input<Record<string, string>>;
  readonly rdsInstanceIdentifier: pulumi.Input<string>;
  readonly apiId: pulumi.Input<string>;
  readonly backtestStateMachineArn: pulumi.Input<string>;
  readonly retrainingStateMachineArn: pulumi.Input<string>;
  /** Composite first, then the children: shown in the status widget. */
  readonly alarmArns: pulumi.Input<pulumi.Input<string>[]>;
}

/** The operations dashboard (ECS, Lambda, RDS, API Gateway, Step Functions, alarm status). */
export class CloudwatchDashboard extends pulumi.ComponentResource {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: CloudwatchDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:edge:CloudwatchDashboard', name, {}, opts);
    const env = args.cfg.environment;
    const dashboardName = getResourceName('operations', env);

    const body = pulumi
      .output({
        region: args.region,
        clusterArn: args.ecsClusterArn,
        serviceArns: args.ecsServiceArns,
        asg: args.consolidatedAsgName,
        lambdaArns: args.lambdaFunctionArns,
        rds: args.rdsInstanceIdentifier,
        apiId: args.apiId,
        backtest: args.backtestStateMachineArn,
        retraining: args.retrainingStateMachineArn,
        alarms: args.alarmArns,
      })
      .apply((v) =>
        JSON.stringify(
          buildDashboardBody({
            env,
            region: v.region,
            clusterName: ecsNameFromArn(v.clusterArn),
            ecsServices: Object.fromEntries(Object.entries(v.serviceArns).map(([svc, arn]) => [svc, ecsNameFromArn(arn)])),
            consolidatedAsgName: v.asg,
            lambdaFunctions: Object.fromEntries(Object.entries(v.lambdaArns).map(([fn, arn]) => [fn, functionNameFromArn(arn)])),
            rdsInstanceIdentifier: v.rds,
            apiId: v.apiId,
            stateMachines: { backtest: v.backtest, retraining: v.retraining },
            alarmArns: v.alarms,
          }),
        ),
      );

    this.dashboard = new aws.cloudwatch.Dashboard(`${name}-dashboard`, { dashboardName, dashboardBody: body }, { parent: this });
    this.url = pulumi.output(args.region).apply((region) => dashboardUrl(region, dashboardName));
    this.registerOutputs({ url: this.url });
  }
}
