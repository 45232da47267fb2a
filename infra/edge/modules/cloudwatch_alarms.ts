import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LAMBDA_NAMES, getTags, type TradaiConfig } from '@tradai/infra-shared';
import type { LambdaName } from '@tradai/contracts';
import { alarmName, buildAlarmSpecs, compositeAlarmRule, lambdaFunctionNames, type HeartbeatMetric } from './cloudwatch_alarms.logic.js';

export interface CloudwatchAlarmsArgs {
  readonly cfg: TradaiConfig;
  /** Foundation's `sns_alerts_topic_arn`: every alarm notifies it. */
  readonly alertsTopicArn: pulumi.Input<string>;
  readonly rdsInstanceIdentifier: pulumi.Input<string>;
  /** Compute's `lambda_function_arns` (function key -> ARN). */
  readonly lambdaFunctionArns: pulumi.Input<Record<string, string>>;
  readonly backtestStateMachineArn: pulumi.Input<string>;
  readonly retrainingStateMachineArn: pulumi.Input<string>;
  readonly apiId: pulumi.Input<string>;
  /** Where heartbeat-monitor publishes stale heartbeats. */
  readonly heartbeat: HeartbeatMetric;
}

/**
 * The stack's alarms: one Errors alarm per Lambda, ExecutionsFailed per workflow, RDS CPU and free
 * storage, stale heartbeats, API 5xx, and a composite over all of them. Child alarms notify the
 * alerts topic when they fire (the message names the failing part); the composite also notifies
 * on recovery, so one OK closes an incident however many children fired.
 */
export class CloudwatchAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly composite: aws.cloudwatch.CompositeAlarm;
  /** function key -> its error alarm ARN. */
  readonly lambdaErrorAlarmArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: CloudwatchAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:edge:CloudwatchAlarms', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env);

    // Alarms are created for the 18 functions the contract names; the apply checks compute agrees.
    const functionNames = pulumi.output(args.lambdaFunctionArns).apply(lambdaFunctionNames);
    const specs = buildAlarmSpecs<pulumi.Input<string>>({
      env,
      lambdaFunctionNames: Object.fromEntries(LAMBDA_NAMES.map((fn) => [fn, functionNames.apply((m) => m[fn])])) as Record<LambdaName, pulumi.Output<string>>,
      rdsInstanceIdentifier: args.rdsInstanceIdentifier,
      rdsAllocatedStorageGb: cfg.settings.rds.allocatedStorageGb,
      backtestStateMachineArn: args.backtestStateMachineArn,
      retrainingStateMachineArn: args.retrainingStateMachineArn,
      apiId: args.apiId,
      heartbeat: args.heartbeat,
      heartbeatSchedule: cfg.schedules['heartbeat-monitor'],
    });

    this.alarms = specs.map(
      (s) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${s.key}`,
          {
            name: s.name,
            alarmDescription: `${s.description}. Missing data: ${s.treatMissingData} (${s.missingDataReason}).`,
            namespace: s.namespace,
            metricName: s.metricName,
            dimensions: s.dimensions,
            statistic: s.statistic,
            period: s.period,
            evaluationPeriods: s.evaluationPeriods,
            datapointsToAlarm: s.datapointsToAlarm,
            threshold: s.threshold,
            comparisonOperator: s.comparisonOperator,
            treatMissingData: s.treatMissingData,
            alarmActions: [args.alertsTopicArn],
            tags,
          },
          { parent: this },
        ),
    );

    this.composite = new aws.cloudwatch.CompositeAlarm(
      `${name}-composite`,
      {
        alarmName: alarmName('composite', env),
        alarmDescription: `TradAI ${env}: at least one alarm is firing (${specs.length} children)`,
        alarmRule: compositeAlarmRule(specs.map((s) => s.name)),
        alarmActions: [args.alertsTopicArn],
        okActions: [args.alertsTopicArn],
        tags,
      },
      // The rule names the children by name: they must exist first.
      { parent: this, dependsOn: this.alarms },
    );

    const byKey = new Map(specs.map((s, i) => [s.key, this.alarms[i]!]));
    this.lambdaErrorAlarmArns = pulumi
      .all(LAMBDA_NAMES.map((fn) => byKey.get(`${fn}-errors`)!.arn))
      .apply((arns) => Object.fromEntries(LAMBDA_NAMES.map((fn, i) => [fn, arns[i]!])));

    this.registerOutputs({ compositeAlarmArn: this.composite.arn, lambdaErrorAlarmArns: this.lambdaErrorAlarmArns });
  }
}
