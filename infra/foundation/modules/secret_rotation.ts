import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { rotationAlertTransformer, rotationDays, rotationEventPattern } from './secret_rotation.logic.js';

export interface SecretRotationArgs {
  readonly cfg: TradaiConfig;
  /** The RDS-managed master user secret (`aws.rds.Instance.masterUserSecrets[0].secretArn`). */
  readonly secretArn: pulumi.Input<string>;
  /** Identifier of the instance whose credentials rotate (named in the alert). */
  readonly dbIdentifier: string;
  /** SNS topic that receives the rotation outcome. */
  readonly alertsTopicArn: pulumi.Input<string>;
}

/**
 * Rotation of the RDS master credentials every RDS_CONFIG.rotationDays (<= 30) days, and an
 * alert on the alerts topic for each outcome (succeeded, failed, abandoned).
 *
 * Mechanism: the secret is the one RDS manages (manageMasterUserPassword), and RDS rotates it
 * itself; `aws.secretsmanager.SecretRotation` without a Lambda only sets its schedule. That is
 * what AWS recommends today for a master user: no rotation Lambda to deploy, patch, put in the
 * VPC and give network access to the database, no Serverless Application Repository template,
 * and RDS updates the password and the secret together so clients never see a half-rotated
 * state. A rotation Lambda would only be needed for application users with their own secrets
 * (single- or alternating-user strategy), which this stack does not have.
 */
export class SecretRotation extends pulumi.ComponentResource {
  readonly rotation: aws.secretsmanager.SecretRotation;
  readonly rule: aws.cloudwatch.EventRule;

  constructor(name: string, args: SecretRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:SecretRotation', name, {}, opts);
    const env = args.cfg.environment;
    const tags = getTags(env);

    this.rotation = new aws.secretsmanager.SecretRotation(
      name,
      {
        secretId: args.secretArn,
        rotationRules: { automaticallyAfterDays: rotationDays() },
        // The password was generated at creation; the first rotation follows the schedule.
        rotateImmediately: false,
      },
      { parent: this },
    );

    this.rule = new aws.cloudwatch.EventRule(
      `${name}-events`,
      {
        name: getResourceName('rds-secret-rotation', env),
        description: `Rotation outcome of the ${args.dbIdentifier} master credentials`,
        eventPattern: pulumi.output(args.secretArn).apply(rotationEventPattern),
        tags,
      },
      { parent: this },
    );

    new aws.cloudwatch.EventTarget(
      `${name}-alert`,
      {
        rule: this.rule.name,
        arn: args.alertsTopicArn,
        inputTransformer: rotationAlertTransformer(env, args.dbIdentifier),
      },
      { parent: this },
    );

    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}
