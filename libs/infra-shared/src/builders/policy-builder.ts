import {
  ACTION_PATTERN,
  ARN_PATTERN,
  assertValidPolicyDocument,
  POLICY_VERSION,
  toSidPart,
  type PolicyCondition,
  type PolicyDocument,
  type PolicyStatement,
} from './policy-document.js';

/**
 * Actions AWS only authorizes against `Resource: "*"` (no resource-level permissions), so a
 * statement made only of these may use "*". Each is narrowed by a condition where AWS offers one.
 * Source: the Service Authorization Reference for each service.
 */
export const STAR_RESOURCE_ACTIONS: ReadonlySet<string> = new Set([
  // CloudWatch metrics have no ARN; scoped by the cloudwatch:namespace condition key.
  'cloudwatch:PutMetricData',
  // A registry-wide login token; repository access is still checked on each pull.
  'ecr:GetAuthorizationToken',
  // CodeArtifact bearer tokens; scoped by sts:AWSServiceName.
  'sts:GetServiceBearerToken',
  // X-Ray has no resource-level permissions for writing segments or sampling.
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
  // ListTasks is scoped by the ecs:cluster condition, not by a task ARN.
  'ecs:ListTasks',
]);

/** Options for a generic statement. */
export interface StatementOptions {
  readonly condition?: PolicyCondition;
  /**
   * Required to use `Resource: "*"` for actions outside STAR_RESOURCE_ACTIONS: say why the
   * action cannot be scoped (e.g. "ec2:DescribeNetworkInterfaces has no resource-level permissions").
   */
  readonly starResourceReason?: string;
}

const DYNAMODB_READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
// TransactWriteItems/TransactGetItems are authorized through these item-level actions.
const DYNAMODB_WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const S3_BUCKET_READ = ['s3:GetBucketLocation', 's3:ListBucket'];
const S3_OBJECT_READ = ['s3:GetObject', 's3:GetObjectVersion'];
const S3_OBJECT_WRITE = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:PutObject'];

const S3_BUCKET_ARN = /^arn:aws(?:-cn|-us-gov)?:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ECS_CLUSTER_ARN = /^(arn:aws(?:-cn|-us-gov)?:ecs:[a-z0-9-]+:\d{12}):cluster\/([A-Za-z0-9_-]+)$/;

/** The EventBridge rule Step Functions manages for `ecs:runTask.sync` integrations. */
export function stepFunctionsEcsSyncRuleArn(region: string, accountId: string, partition = 'aws'): string {
  return `arn:${partition}:events:${region}:${accountId}:rule/StepFunctionsGetEventsForECSTaskRule`;
}

/**
 * Fluent builder for least-privilege IAM identity policies (seed section 8).
 *
 * Resources are plain strings: the builder validates them (ARN shape, no stray "*") and derives
 * sub-resources (`<table>/index/*`, `<bucket>/*`). Stack code, where ARNs are Pulumi Outputs,
 * builds the policy inside `policyJson(inputs, (arns) => new PolicyBuilder(...)...)` from
 * `@tradai/infra-shared/pulumi`, which resolves the Outputs first; the same checks then run on
 * the real ARNs.
 *
 * Each preset adds its own statements with Sid `<Prefix><Preset>`. Nothing is merged: a Sid used
 * twice throws (pass all ARNs to one call), as do empty resource lists, a `*` action and a `*`
 * resource outside STAR_RESOURCE_ACTIONS without a stated reason.
 *
 * @example
 * new PolicyBuilder('backend-api').withDynamoDbCrud([tableArn]).withS3ReadWrite([bucketArn]).build()
 */
export class PolicyBuilder {
  private readonly prefix: string;
  private readonly statements: PolicyStatement[] = [];

  /** @param sidPrefix names the policy in errors and prefixes every Sid (`backend-api` -> `BackendApi`). */
  constructor(readonly sidPrefix: string) {
    this.prefix = toSidPart(sidPrefix);
    if (!this.prefix) throw new Error(`PolicyBuilder: sidPrefix "${sidPrefix}" has no letters or digits`);
  }

  /** Item CRUD on tables and their GSIs/LSIs (`<arn>/index/*`). */
  withDynamoDbCrud(tableArns: readonly string[]): this {
    return this.statement('DynamoDbCrud', [...DYNAMODB_READ, ...DYNAMODB_WRITE], this.withIndexes('withDynamoDbCrud', tableArns));
  }

  /** Read-only item access on tables and their indexes. */
  withDynamoDbRead(tableArns: readonly string[]): this {
    return this.statement('DynamoDbRead', DYNAMODB_READ, this.withIndexes('withDynamoDbRead', tableArns));
  }

  /** List the buckets (bucket ARN) and read their objects (`<arn>/*`). */
  withS3Read(bucketArns: readonly string[]): this {
    const buckets = this.bucketArns('withS3Read', bucketArns);
    this.statement('S3ReadBuckets', S3_BUCKET_READ, buckets);
    return this.statement('S3ReadObjects', S3_OBJECT_READ, buckets.map((arn) => `${arn}/*`));
  }

  /** List the buckets and read, write and delete their objects. */
  withS3ReadWrite(bucketArns: readonly string[]): this {
    const buckets = this.bucketArns('withS3ReadWrite', bucketArns);
    this.statement('S3ReadWriteBuckets', [...S3_BUCKET_READ, 's3:ListBucketMultipartUploads'], buckets);
    return this.statement('S3ReadWriteObjects', [...S3_OBJECT_READ, ...S3_OBJECT_WRITE], buckets.map((arn) => `${arn}/*`));
  }

  /** Read secret values (e.g. the RDS-managed master secret). */
  withSecretsRead(secretArns: readonly string[]): this {
    return this.statement('SecretsRead', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], secretArns);
  }

  /** Write log events into existing log groups (streams are created on demand). */
  withCloudWatchLogs(logGroupArns: readonly string[]): this {
    // PutLogEvents is authorized on the log-stream ARN; group ARNs may arrive with a trailing ":*".
    const groups = logGroupArns.map((arn) => arn.replace(/:\*$/, ''));
    for (const arn of groups) {
      if (!/^arn:[^:]+:logs:[^:]*:\d{12}:log-group:[^:*]+$/.test(arn)) throw new Error(`${this.label}: withCloudWatchLogs: "${arn}" is not a log group ARN (…:log-group:<name>)`);
    }
    const resources = groups.flatMap((arn) => [arn, `${arn}:log-stream:*`]);
    return this.statement('CloudWatchLogs', ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources);
  }

  /** Publish custom metrics into one namespace. PutMetricData requires `Resource: "*"`. */
  withCloudWatchMetrics(namespace: string): this {
    if (!namespace.trim()) throw new Error(`${this.label}: withCloudWatchMetrics needs a namespace`);
    return this.statement('CloudWatchMetrics', ['cloudwatch:PutMetricData'], ['*'], { condition: { StringEquals: { 'cloudwatch:namespace': namespace } } });
  }

  withSnsPublish(topicArns: readonly string[]): this {
    return this.statement('SnsPublish', ['sns:Publish'], topicArns);
  }

  /** Receive and delete messages (Lambda event source mappings need exactly these). */
  withSqsConsume(queueArns: readonly string[]): this {
    return this.statement('SqsConsume', ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], queueArns);
  }

  withSqsSend(queueArns: readonly string[]): this {
    return this.statement('SqsSend', ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], queueArns);
  }

  /** Install packages from one CodeArtifact repository (token on the domain, reads on the repo). */
  withCodeArtifactRead(domainArn: string, repoArn: string): this {
    this.statement('CodeArtifactToken', ['codeartifact:GetAuthorizationToken'], [domainArn]);
    this.statement('CodeArtifactRead', ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'], [repoArn]);
    // The CodeArtifact token is an STS bearer token: "*" resource, scoped to the CodeArtifact service.
    return this.statement('CodeArtifactBearerToken', ['sts:GetServiceBearerToken'], ['*'], {
      condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
    });
  }

  /** Pull images from the repositories (plus the registry login, which AWS only grants on "*"). */
  withEcrPull(repoArns: readonly string[]): this {
    this.statement('EcrPull', ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], repoArns);
    return this.statement('EcrAuth', ['ecr:GetAuthorizationToken'], ['*']);
  }

  withStatesStartExecution(stateMachineArns: readonly string[]): this {
    return this.statement('StatesStartExecution', ['states:StartExecution'], stateMachineArns);
  }

  /**
   * Run the task definitions; with `clusterArn` only on that cluster. Pair with withPassRole for
   * the task and execution roles.
   */
  withEcsRunTask(taskDefArns: readonly string[], clusterArn?: string): this {
    const condition = clusterArn === undefined ? undefined : { ArnEquals: { 'ecs:cluster': clusterArn } };
    return this.statement('EcsRunTask', ['ecs:RunTask'], taskDefArns, { condition });
  }

  /** Describe, list and stop tasks of one cluster (orphan cleanup, Step Functions .sync). */
  withEcsStopTasks(clusterArn: string): this {
    const match = ECS_CLUSTER_ARN.exec(clusterArn);
    if (!match) throw new Error(`${this.label}: withEcsStopTasks: "${clusterArn}" is not an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)`);
    const [, base, cluster] = match;
    this.statement('EcsStopTasks', ['ecs:DescribeTasks', 'ecs:StopTask'], [`${base}:task/${cluster}/*`]);
    return this.statement('EcsListTasks', ['ecs:ListTasks'], ['*'], { condition: { ArnEquals: { 'ecs:cluster': clusterArn } } });
  }

  /**
   * What a state machine running `arn:aws:states:::ecs:runTask.sync` needs besides RunTask and
   * StopTasks: Step Functions manages an EventBridge rule to learn when the task stops.
   * `ruleArn` from stepFunctionsEcsSyncRuleArn().
   */
  withStatesEcsSyncRule(ruleArn: string): this {
    if (!/:rule\/StepFunctionsGetEventsForECSTaskRule$/.test(ruleArn)) {
      throw new Error(`${this.label}: withStatesEcsSyncRule: "${ruleArn}" is not the StepFunctionsGetEventsForECSTaskRule ARN`);
    }
    return this.statement('StatesEcsSyncRule', ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], [ruleArn]);
  }

  /** Hand roles to one AWS service only (e.g. `ecs-tasks.amazonaws.com`). */
  withPassRole(roleArns: readonly string[], service: string): this {
    if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(service)) throw new Error(`${this.label}: withPassRole: "${service}" is not a service principal (<name>.amazonaws.com)`);
    return this.statement('PassRole', ['iam:PassRole'], roleArns, { condition: { StringEquals: { 'iam:PassedToService': service } } });
  }

  /** Invoke functions, including their versions and aliases (`<arn>:*`). */
  withLambdaInvoke(functionArns: readonly string[]): this {
    this.nonEmpty('withLambdaInvoke', functionArns);
    return this.statement('LambdaInvoke', ['lambda:InvokeFunction'], functionArns.flatMap((arn) => [arn, `${arn}:*`]));
  }

  /** Send traces to X-Ray (no resource-level permissions exist). */
  withXRay(): this {
    return this.statement('XRay', ['xray:GetSamplingRules', 'xray:GetSamplingStatisticSummaries', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'], ['*']);
  }

  /** A custom Allow statement; Sid becomes `<Prefix><Sid>`. */
  allow(sid: string, actions: readonly string[], resources: readonly string[], options: StatementOptions = {}): this {
    return this.statement(sid, actions, resources, options);
  }

  /** A custom Deny statement (a Deny may target `*` resources: it only ever narrows). */
  deny(sid: string, actions: readonly string[], resources: readonly string[], options: Pick<StatementOptions, 'condition'> = {}): this {
    return this.statement(sid, actions, resources, options, 'Deny');
  }

  /** The policy document; throws if empty or if the document fails validatePolicyDocument. */
  build(): PolicyDocument {
    if (this.statements.length === 0) throw new Error(`${this.label}: refusing to build an empty policy`);
    const doc: PolicyDocument = { Version: POLICY_VERSION, Statement: this.statements.map((s) => structuredClone(s)) };
    assertValidPolicyDocument(this.label, doc);
    return doc;
  }

  /** `JSON.stringify(build())`, what `aws.iam.RolePolicy.policy` takes. */
  json(): string {
    return JSON.stringify(this.build());
  }

  private get label(): string {
    return `PolicyBuilder(${this.sidPrefix})`;
  }

  private nonEmpty(method: string, list: readonly string[]): void {
    if (list.length === 0) throw new Error(`${this.label}: ${method} was given no resources`);
  }

  private withIndexes(method: string, tableArns: readonly string[]): string[] {
    this.nonEmpty(method, tableArns);
    for (const arn of tableArns) {
      if (!/:table\/[A-Za-z0-9_.-]+$/.test(arn)) throw new Error(`${this.label}: ${method}: "${arn}" is not a DynamoDB table ARN (…:table/<name>)`);
    }
    return tableArns.flatMap((arn) => [arn, `${arn}/index/*`]);
  }

  private bucketArns(method: string, bucketArns: readonly string[]): readonly string[] {
    this.nonEmpty(method, bucketArns);
    for (const arn of bucketArns) {
      if (!S3_BUCKET_ARN.test(arn)) throw new Error(`${this.label}: ${method}: "${arn}" is not a bucket ARN (arn:aws:s3:::<bucket>, no key part)`);
    }
    return bucketArns;
  }

  private statement(sidName: string, actions: readonly string[], resources: readonly string[], options: StatementOptions = {}, effect: 'Allow' | 'Deny' = 'Allow'): this {
    const sid = `${this.prefix}${toSidPart(sidName)}`;
    const where = `${this.label}: statement ${sid}`;
    if (!toSidPart(sidName)) throw new Error(`${this.label}: Sid "${sidName}" has no letters or digits`);
    if (this.statements.some((s) => s.Sid === sid)) {
      throw new Error(`${where} is already in the policy; pass all resources to one call instead of merging two`);
    }
    if (actions.length === 0) throw new Error(`${where} has no actions`);
    if (resources.length === 0) throw new Error(`${where} has no resources`);
    for (const action of actions) {
      if (action === '*') throw new Error(`${where}: action "*" is refused; list the actions`);
      if (!ACTION_PATTERN.test(action)) throw new Error(`${where}: "${action}" is not of the form service:Action`);
      if (effect === 'Allow' && action.endsWith(':*')) throw new Error(`${where}: "${action}" allows a whole service; list the actions`);
    }
    const duplicate = [actions, resources].flatMap((list) => list.filter((v, i) => list.indexOf(v) !== i))[0];
    if (duplicate !== undefined) throw new Error(`${where}: "${duplicate}" is listed twice`);
    for (const resource of resources) {
      if (resource !== '*' && !ARN_PATTERN.test(resource)) throw new Error(`${where}: resource "${resource}" is not an ARN`);
    }
    if (effect === 'Allow' && resources.includes('*')) {
      if (resources.length > 1) throw new Error(`${where}: "*" mixed with ARNs; put the "*" actions in their own statement`);
      const unscoped = actions.filter((a) => !STAR_RESOURCE_ACTIONS.has(a));
      if (unscoped.length > 0 && !options.starResourceReason?.trim()) {
        throw new Error(`${where}: Resource "*" for ${unscoped.join(', ')} needs starResourceReason (only ${[...STAR_RESOURCE_ACTIONS].join(', ')} are known to require "*")`);
      }
    }
    this.statements.push({
      Sid: sid,
      Effect: effect,
      Action: [...actions],
      Resource: [...resources],
      ...(options.condition ? { Condition: options.condition } : {}),
    });
    return this;
  }
}
