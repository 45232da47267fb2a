import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { LambdaName, TableKey } from '@tradai/contracts';
import { LAMBDA_FUNCTIONS, denyInsecureTransport, getResourceName, getTags, resourcePolicy, type TradaiConfig } from '@tradai/infra-shared';
import { EnvironmentBuilder, imageUri } from '@tradai/infra-shared/pulumi';
import { lambdaDlqName, lambdaLogGroupName, type Workflow } from './arns.js';
import { isAsyncInvoked } from './iam.logic.js';
import { ASYNC_MAX_RETRY_ATTEMPTS, BACKTEST_QUEUE_MAPPING, lambdaEnvironment, maxEventAgeSeconds, schedulePlan } from './lambda_funcs.logic.js';

/** Upstream and stack values the functions' environments are built from. */
export interface LambdaInputs {
  readonly tableNames: Readonly<Record<TableKey, pulumi.Input<string>>>;
  readonly configsBucket: pulumi.Input<string>;
  readonly resultsBucket: pulumi.Input<string>;
  readonly alertsTopicArn: pulumi.Input<string>;
  readonly clusterArn: pulumi.Input<string>;
  /** persistent cognito_m2m_secret_arn. */
  readonly m2mSecretArn: pulumi.Input<string>;
  /** persistent ecr_repository_urls: each function's image repository. */
  readonly repositoryUrls: pulumi.Input<Record<string, string>>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
}

export interface LambdaFunctionsArgs {
  readonly cfg: TradaiConfig;
  /** Which functions this group creates (the immediate ones, or the deferred ones). */
  readonly names: readonly LambdaName[];
  readonly inputs: LambdaInputs;
  readonly roles: Readonly<Record<LambdaName, aws.iam.Role>>;
  /** Each role's inline policy: AWS checks the VPC permissions when the function is created. */
  readonly rolePolicies: Readonly<Record<LambdaName, pulumi.Resource>>;
  /** Deferred functions: the state machines' ARNs (so they are created after them). */
  readonly workflowArns?: Readonly<Partial<Record<Workflow, pulumi.Input<string>>>>;
}

/** A function's image, pinned by digest, from its repository in ecr_repository_urls. */
export function lambdaImage(name: LambdaName, repositoryUrls: pulumi.Input<Record<string, string>>): pulumi.Output<string> {
  return imageUri(
    'lambda',
    name,
    pulumi.output(repositoryUrls).apply((urls) => {
      const url = urls[name];
      if (!url) throw new Error(`tradai-persistent ecr_repository_urls has no repository "${name}"`);
      return url;
    }),
  );
}

/**
 * Container-image Lambda functions (seed lambda_funcs.py): image by digest, memory/timeout from
 * LAMBDA_FUNCTIONS, environment exactly lambdaEnvNames(name), in the private subnets with the
 * Lambda security group, X-Ray tracing, JSON logs into `/aws/lambda/<name>` with retention.
 */
export class LambdaFunctions extends pulumi.ComponentResource {
  readonly functions: Readonly<Partial<Record<LambdaName, aws.lambda.Function>>>;

  constructor(name: string, args: LambdaFunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:LambdaFunctions', name, {}, opts);
    const { cfg, inputs } = args;
    const env = cfg.environment;
    const parent = { parent: this };
    const functions: Partial<Record<LambdaName, aws.lambda.Function>> = {};

    for (const fn of args.names) {
      const settings = LAMBDA_FUNCTIONS[fn];
      if (settings.deferred && !args.workflowArns) throw new Error(`Lambda ${fn} is deferred: create it after the state machines, with their ARNs`);
      const tags = getTags(env, fn);
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-${fn}-logs`,
        { name: lambdaLogGroupName(fn, env), retentionInDays: cfg.logRetentionDays, tags },
        parent,
      );
      const variables = new EnvironmentBuilder()
        .addAll(
          lambdaEnvironment<pulumi.Input<string>>(fn, {
            env,
            tableNames: inputs.tableNames,
            configsBucket: inputs.configsBucket,
            resultsBucket: inputs.resultsBucket,
            alertsTopicArn: inputs.alertsTopicArn,
            clusterArn: inputs.clusterArn,
            m2mSecretArn: inputs.m2mSecretArn,
            workflowArns: args.workflowArns,
          }),
        )
        .buildRecord();
      functions[fn] = new aws.lambda.Function(
        `${name}-${fn}`,
        {
          name: getResourceName(fn, env),
          description: `TradAI ${fn} (${settings.trigger})`,
          packageType: 'Image',
          imageUri: lambdaImage(fn, inputs.repositoryUrls),
          architectures: ['x86_64'],
          role: args.roles[fn].arn,
          memorySize: settings.memoryMb,
          timeout: settings.timeoutSeconds,
          environment: { variables },
          vpcConfig: { subnetIds: inputs.privateSubnetIds, securityGroupIds: [inputs.securityGroupId] },
          tracingConfig: { mode: 'Active' },
          loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
          tags,
        },
        { ...parent, dependsOn: [logGroup, args.rolePolicies[fn]] },
      );
    }
    this.functions = functions;
    this.registerOutputs({});
  }
}

export interface LambdaTriggersArgs {
  readonly cfg: TradaiConfig;
  readonly functions: Readonly<Record<LambdaName, aws.lambda.Function>>;
  readonly rolePolicies: Readonly<Record<LambdaName, pulumi.Resource>>;
  readonly schedulerRoleArn: pulumi.Input<string>;
  /** The scheduler role's policy: it must allow the invoke and the DLQ before a schedule fires. */
  readonly schedulerRolePolicy: pulumi.Resource;
  readonly backtestQueueArn: pulumi.Input<string>;
  readonly alertsTopicArn: pulumi.Input<string>;
  readonly registrationTopicArn: pulumi.Input<string>;
}

/**
 * How the functions are triggered: the six EventBridge Scheduler schedules (expressions from
 * config, overridable with tradai:lambdaSchedules), the backtest queue mapping with partial batch
 * failures, the SNS subscriptions, and the dead-letter queue for failed asynchronous invocations.
 */
export class LambdaTriggers extends pulumi.ComponentResource {
  readonly asyncDlq: aws.sqs.Queue;
  readonly schedules: aws.scheduler.Schedule[] = [];
  readonly backtestQueueMapping: aws.lambda.EventSourceMapping;

  constructor(name: string, args: LambdaTriggersArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:LambdaTriggers', name, {}, opts);
    const { cfg, functions } = args;
    const env = cfg.environment;
    const tags = getTags(env);
    const parent = { parent: this };
    const plan = schedulePlan(cfg);

    this.asyncDlq = new aws.sqs.Queue(
      `${name}-async-dlq`,
      {
        name: lambdaDlqName(env),
        // The longest SQS retention: time to inspect and redrive after a weekend.
        messageRetentionSeconds: 14 * 24 * 3600,
        sqsManagedSseEnabled: true,
        tags,
      },
      parent,
    );
    // TLS-only, like every other queue and topic of the platform (policy rule TRADAI-SQS-005).
    new aws.sqs.QueuePolicy(
      `${name}-async-dlq-policy`,
      {
        queueUrl: this.asyncDlq.url,
        policy: this.asyncDlq.arn.apply((arn) => JSON.stringify(resourcePolicy([denyInsecureTransport('sqs:*', arn)], 'lambda-async-dlq'))),
      },
      parent,
    );

    // Asynchronous invocations (schedules, SNS): Lambda retries, then sends the event to the DLQ.
    const expressionOf = new Map<string, string>(plan.map((p) => [p.lambda, p.expression]));
    for (const fn of Object.keys(functions) as LambdaName[]) {
      if (!isAsyncInvoked(fn)) continue;
      const expression = expressionOf.get(fn);
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-${fn}-async`,
        {
          functionName: functions[fn].name,
          maximumRetryAttempts: ASYNC_MAX_RETRY_ATTEMPTS,
          maximumEventAgeInSeconds: expression ? maxEventAgeSeconds(expression) : 3600,
          destinationConfig: { onFailure: { destination: this.asyncDlq.arn } },
        },
        { ...parent, dependsOn: [args.rolePolicies[fn]] },
      );
    }

    for (const p of plan) {
      this.schedules.push(
        new aws.scheduler.Schedule(
          `${name}-${p.lambda}-schedule`,
          {
            name: p.name,
            description: `Runs ${p.lambda} (${p.expression})`,
            scheduleExpression: p.expression,
            scheduleExpressionTimezone: 'UTC',
            flexibleTimeWindow: { mode: 'OFF' },
            target: {
              arn: functions[p.lambda].arn,
              roleArn: args.schedulerRoleArn,
              // What the scheduled handlers parse (domain ScheduledEvent); the scheduler fills in the time.
              input: JSON.stringify({ source: 'tradai.scheduler', 'detail-type': 'Scheduled Event', time: '<aws.scheduler.scheduled-time>' }),
              retryPolicy: p.retry,
              deadLetterConfig: { arn: this.asyncDlq.arn },
            },
          },
          { ...parent, dependsOn: [args.schedulerRolePolicy] },
        ),
      );
    }

    this.backtestQueueMapping = new aws.lambda.EventSourceMapping(
      `${name}-backtest-queue`,
      {
        eventSourceArn: args.backtestQueueArn,
        functionName: functions['backtest-consumer'].arn,
        batchSize: BACKTEST_QUEUE_MAPPING.batchSize,
        maximumBatchingWindowInSeconds: BACKTEST_QUEUE_MAPPING.maximumBatchingWindowInSeconds,
        functionResponseTypes: [...BACKTEST_QUEUE_MAPPING.functionResponseTypes],
        scalingConfig: { ...BACKTEST_QUEUE_MAPPING.scalingConfig },
        tags,
      },
      // Lambda checks the role can receive from the queue when the mapping is created.
      { ...parent, dependsOn: [args.rolePolicies['backtest-consumer']] },
    );

    const subscriptions: [LambdaName, pulumi.Input<string>, string][] = [
      ['notification-dispatcher', args.alertsTopicArn, 'alerts'],
      ['strategy-registrar', args.registrationTopicArn, 'registration'],
    ];
    for (const [fn, topicArn, topic] of subscriptions) {
      const permission = new aws.lambda.Permission(
        `${name}-${fn}-sns`,
        { action: 'lambda:InvokeFunction', function: functions[fn].name, principal: 'sns.amazonaws.com', sourceArn: topicArn },
        parent,
      );
      new aws.sns.TopicSubscription(
        `${name}-${fn}-${topic}`,
        { topic: topicArn, protocol: 'lambda', endpoint: functions[fn].arn },
        { ...parent, dependsOn: [permission] },
      );
    }

    this.registerOutputs({});
  }
}
