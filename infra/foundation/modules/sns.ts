import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { getResourceName, getTags, type TradaiConfig } from '@tradai/infra-shared';
import { AWS_MANAGED_SNS_KEY, alertsKeyPolicy, alertsTopicPolicy, emailSubscriptionName, missingAlertEmailsWarning, registrationTopicPolicy, uniqueEmails } from './sns.logic.js';

export interface TopicsArgs {
  readonly cfg: TradaiConfig;
}

/**
 * The alerts topic (alarms, rotation events, Lambda notifications; email subscriptions from
 * tradai:alertEmails) and the registration topic (CI announces new strategy images).
 *
 * Encryption: registration uses the AWS-managed key alias/aws/sns (only IAM principals publish).
 * Alerts uses a customer-managed key, because EventBridge and CloudWatch alarms cannot use
 * aws/sns (its key policy cannot grant service principals) and would drop every alert.
 */
export class Topics extends pulumi.ComponentResource {
  readonly alerts: aws.sns.Topic;
  readonly registration: aws.sns.Topic;
  readonly alertsKey: aws.kms.Key;
  readonly emailSubscriptions: aws.sns.TopicSubscription[];

  constructor(name: string, args: TopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:foundation:Topics', name, {}, opts);
    const { cfg } = args;
    const env = cfg.environment;
    const tags = getTags(env);
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    this.alertsKey = new aws.kms.Key(
      `${name}-alerts-key`,
      {
        description: `tradai ${env}: encrypts the alerts topic (usable by EventBridge and CloudWatch alarms)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi
          .all([identity.accountId, region, partition])
          .apply(([accountId, r, p]) => JSON.stringify(alertsKeyPolicy({ accountId, region: r, partition: p }))),
        tags,
      },
      { parent: this },
    );
    new aws.kms.Alias(`${name}-alerts-key-alias`, { name: `alias/${getResourceName('alerts', env)}`, targetKeyId: this.alertsKey.keyId }, { parent: this });

    this.alerts = new aws.sns.Topic(
      `${name}-alerts`,
      { name: getResourceName('alerts', env), displayName: `TradAI ${env} alerts`, kmsMasterKeyId: this.alertsKey.arn, tags },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-alerts-policy`,
      { arn: this.alerts.arn, policy: pulumi.all([this.alerts.arn, identity.accountId]).apply(([arn, account]) => JSON.stringify(alertsTopicPolicy(arn, account))) },
      { parent: this },
    );

    // Preview (and the offline synth) run this program: the warning shows before anything is deployed.
    const warning = missingAlertEmailsWarning(env, cfg.alertEmails);
    if (warning) pulumi.log.warn(warning, this);
    // Each address receives a confirmation email; until it is confirmed, nothing is delivered.
    this.emailSubscriptions = uniqueEmails(cfg.alertEmails).map(
      (email) =>
        new aws.sns.TopicSubscription(emailSubscriptionName(`${name}-alerts-email`, email), { topic: this.alerts.arn, protocol: 'email', endpoint: email }, { parent: this }),
    );

    this.registration = new aws.sns.Topic(
      `${name}-registration`,
      { name: getResourceName('registration', env), displayName: `TradAI ${env} strategy registration`, kmsMasterKeyId: AWS_MANAGED_SNS_KEY, tags },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-registration-policy`,
      { arn: this.registration.arn, policy: this.registration.arn.apply((arn) => JSON.stringify(registrationTopicPolicy(arn))) },
      { parent: this },
    );

    this.registerOutputs({ alertsTopicArn: this.alerts.arn, registrationTopicArn: this.registration.arn });
  }
}
