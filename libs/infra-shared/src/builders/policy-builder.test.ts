import { describe, expect, it } from 'vitest';
import { PolicyBuilder, STAR_RESOURCE_ACTIONS, stepFunctionsEcsSyncRuleArn } from './policy-builder.js';
import { validatePolicyDocument, type PolicyDocument, type PolicyStatement } from './policy-document.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-central-1';
const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
const TABLE = arn('dynamodb', 'table/tradai-workflow-state-dev');
const TABLE2 = arn('dynamodb', 'table/tradai-idempotency-dev');
const BUCKET = 'arn:aws:s3:::tradai-results-dev';
const SECRET = arn('secretsmanager', 'secret:rds!db-abc-123456');
const LOG_GROUP = arn('logs', 'log-group:/ecs/tradai-backend-api-dev');
const TOPIC = arn('sns', 'tradai-alerts-dev');
const QUEUE = arn('sqs', 'tradai-backtest-queue-dev');
const DOMAIN = arn('codeartifact', 'domain/tradai');
const REPO = arn('codeartifact', 'repository/tradai/tradai-python');
const ECR_REPO = arn('ecr', 'repository/tradai/backend');
const STATE_MACHINE = arn('states', 'stateMachine:tradai-backtest-dev');
const TASK_DEF = arn('ecs', 'task-definition/tradai-strategy-dev:3');
const CLUSTER = arn('ecs', 'cluster/tradai-dev');
const ROLE = `arn:aws:iam::${ACCOUNT}:role/tradai-strategy-task-dev`;
const FUNCTION = arn('lambda', 'function:tradai-update-status-dev');

function statement(doc: PolicyDocument, sid: string): PolicyStatement {
  const found = doc.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${doc.Statement.map((s) => s.Sid).join(', ')}`);
  return found;
}

/** Every preset, so one test can prove each yields a valid document on its own. */
const PRESETS: Record<string, (b: PolicyBuilder) => PolicyBuilder> = {
  withDynamoDbCrud: (b) => b.withDynamoDbCrud([TABLE, TABLE2]),
  withDynamoDbRead: (b) => b.withDynamoDbRead([TABLE]),
  withS3Read: (b) => b.withS3Read([BUCKET]),
  withS3ReadWrite: (b) => b.withS3ReadWrite([BUCKET]),
  withSecretsRead: (b) => b.withSecretsRead([SECRET]),
  withCloudWatchLogs: (b) => b.withCloudWatchLogs([LOG_GROUP]),
  withCloudWatchMetrics: (b) => b.withCloudWatchMetrics('TradAI'),
  withSnsPublish: (b) => b.withSnsPublish([TOPIC]),
  withSqsConsume: (b) => b.withSqsConsume([QUEUE]),
  withSqsSend: (b) => b.withSqsSend([QUEUE]),
  withCodeArtifactRead: (b) => b.withCodeArtifactRead(DOMAIN, REPO),
  withEcrPull: (b) => b.withEcrPull([ECR_REPO]),
  withStatesStartExecution: (b) => b.withStatesStartExecution([STATE_MACHINE]),
  withEcsRunTask: (b) => b.withEcsRunTask([TASK_DEF], CLUSTER),
  withEcsStopTasks: (b) => b.withEcsStopTasks(CLUSTER),
  withStatesEcsSyncRule: (b) => b.withStatesEcsSyncRule(stepFunctionsEcsSyncRuleArn(REGION, ACCOUNT)),
  withPassRole: (b) => b.withPassRole([ROLE], 'ecs-tasks.amazonaws.com'),
  withLambdaInvoke: (b) => b.withLambdaInvoke([FUNCTION]),
  withXRay: (b) => b.withXRay(),
};

describe('PolicyBuilder presets', () => {
  it.each(Object.entries(PRESETS))('%s yields a valid document', (_name, preset) => {
    const doc = preset(new PolicyBuilder('tradai')).build();
    expect(validatePolicyDocument(doc)).toEqual([]);
    expect(doc.Version).toBe('2012-10-17');
    for (const s of doc.Statement) expect(s.Sid).toMatch(/^Tradai[A-Za-z0-9]+$/);
  });

  it('composes every preset into one valid document with unique Sids', () => {
    const doc = Object.values(PRESETS)
      .reduce((b, preset) => preset(b), new PolicyBuilder('backend-api'))
      .build();
    expect(validatePolicyDocument(doc)).toEqual([]);
    const sids = doc.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids.every((s) => s!.startsWith('BackendApi'))).toBe(true);
  });

  it('DynamoDB CRUD covers the tables and their indexes, with item writes', () => {
    const s = statement(new PolicyBuilder('t').withDynamoDbCrud([TABLE]).build(), 'TDynamoDbCrud');
    expect(s.Resource).toEqual([TABLE, `${TABLE}/index/*`]);
    expect(s.Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:ConditionCheckItem']));
  });

  it('DynamoDB read grants no write action', () => {
    const s = statement(new PolicyBuilder('t').withDynamoDbRead([TABLE]).build(), 'TDynamoDbRead');
    expect(s.Resource).toEqual([TABLE, `${TABLE}/index/*`]);
    expect((s.Action as string[]).filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });

  it('S3 read-write lists on the bucket and writes on objects only', () => {
    const doc = new PolicyBuilder('t').withS3ReadWrite([BUCKET]).build();
    const buckets = statement(doc, 'TS3ReadWriteBuckets');
    const objects = statement(doc, 'TS3ReadWriteObjects');
    expect(buckets.Resource).toEqual([BUCKET]);
    expect(buckets.Action).toContain('s3:ListBucket');
    expect(objects.Resource).toEqual([`${BUCKET}/*`]);
    expect(objects.Action).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']));
    expect(objects.Action).not.toContain('s3:ListBucket');
  });

  it('S3 read grants no object write', () => {
    const doc = new PolicyBuilder('t').withS3Read([BUCKET]).build();
    expect(statement(doc, 'TS3ReadObjects').Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
  });

  it('refuses an object ARN where a bucket ARN is expected', () => {
    expect(() => new PolicyBuilder('t').withS3Read([`${BUCKET}/*`])).toThrow(/not a bucket ARN/);
  });

  it('CloudWatch metrics use "*" constrained to the namespace', () => {
    const s = statement(new PolicyBuilder('t').withCloudWatchMetrics('TradAI/Trading').build(), 'TCloudWatchMetrics');
    expect(s).toMatchObject({ Action: ['cloudwatch:PutMetricData'], Resource: ['*'], Condition: { StringEquals: { 'cloudwatch:namespace': 'TradAI/Trading' } } });
  });

  it('CloudWatch logs target the group and its streams, normalising a trailing ":*"', () => {
    const s = statement(new PolicyBuilder('t').withCloudWatchLogs([`${LOG_GROUP}:*`]).build(), 'TCloudWatchLogs');
    expect(s.Resource).toEqual([LOG_GROUP, `${LOG_GROUP}:log-stream:*`]);
    expect(() => new PolicyBuilder('t').withCloudWatchLogs([TOPIC])).toThrow(/not a log group ARN/);
  });

  it('CodeArtifact read adds the bearer token scoped to CodeArtifact', () => {
    const doc = new PolicyBuilder('t').withCodeArtifactRead(DOMAIN, REPO).build();
    expect(statement(doc, 'TCodeArtifactToken').Resource).toEqual([DOMAIN]);
    expect(statement(doc, 'TCodeArtifactRead').Resource).toEqual([REPO]);
    expect(statement(doc, 'TCodeArtifactBearerToken')).toMatchObject({
      Action: ['sts:GetServiceBearerToken'],
      Resource: ['*'],
      Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
    });
  });

  it('ECR pull scopes layers to the repos and puts the login token on "*" alone', () => {
    const doc = new PolicyBuilder('t').withEcrPull([ECR_REPO]).build();
    expect(statement(doc, 'TEcrPull')).toMatchObject({ Resource: [ECR_REPO] });
    expect(statement(doc, 'TEcrAuth')).toMatchObject({ Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] });
  });

  it('ECS stop tasks derives the cluster task ARN and scopes ListTasks by cluster', () => {
    const doc = new PolicyBuilder('t').withEcsStopTasks(CLUSTER).build();
    expect(statement(doc, 'TEcsStopTasks').Resource).toEqual([arn('ecs', 'task/tradai-dev/*')]);
    expect(statement(doc, 'TEcsListTasks').Condition).toEqual({ ArnEquals: { 'ecs:cluster': CLUSTER } });
    expect(() => new PolicyBuilder('t').withEcsStopTasks(TASK_DEF)).toThrow(/not an ECS cluster ARN/);
  });

  it('ECS run task is limited to the cluster when given', () => {
    const s = statement(new PolicyBuilder('t').withEcsRunTask([TASK_DEF], CLUSTER).build(), 'TEcsRunTask');
    expect(s).toMatchObject({ Action: ['ecs:RunTask'], Resource: [TASK_DEF], Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } } });
    expect(statement(new PolicyBuilder('t').withEcsRunTask([TASK_DEF]).build(), 'TEcsRunTask').Condition).toBeUndefined();
  });

  it('Step Functions .sync rule targets only the managed EventBridge rule', () => {
    const rule = stepFunctionsEcsSyncRuleArn(REGION, ACCOUNT);
    expect(rule).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForECSTaskRule`);
    expect(statement(new PolicyBuilder('t').withStatesEcsSyncRule(rule).build(), 'TStatesEcsSyncRule')).toMatchObject({ Resource: [rule], Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'] });
    expect(() => new PolicyBuilder('t').withStatesEcsSyncRule(arn('events', 'rule/other'))).toThrow(/not the StepFunctionsGetEventsForECSTaskRule ARN/);
  });

  it('PassRole is limited to one service', () => {
    const s = statement(new PolicyBuilder('t').withPassRole([ROLE], 'ecs-tasks.amazonaws.com').build(), 'TPassRole');
    expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(() => new PolicyBuilder('t').withPassRole([ROLE], 'ecs-tasks')).toThrow(/not a service principal/);
  });

  it('Lambda invoke covers versions and aliases', () => {
    expect(statement(new PolicyBuilder('t').withLambdaInvoke([FUNCTION]).build(), 'TLambdaInvoke').Resource).toEqual([FUNCTION, `${FUNCTION}:*`]);
  });

  it('every "*" resource a preset emits is a known AWS-requires-star action', () => {
    const doc = Object.values(PRESETS)
      .reduce((b, preset) => preset(b), new PolicyBuilder('all'))
      .build();
    const starActions = doc.Statement.filter((s) => (s.Resource as string[]).includes('*')).flatMap((s) => s.Action as string[]);
    expect(starActions.length).toBeGreaterThan(0);
    for (const action of starActions) expect(STAR_RESOURCE_ACTIONS.has(action)).toBe(true);
  });
});

describe('PolicyBuilder refusals', () => {
  it('refuses an empty policy', () => {
    expect(() => new PolicyBuilder('empty').build()).toThrow('PolicyBuilder(empty): refusing to build an empty policy');
  });

  it('refuses the same Sid twice instead of merging', () => {
    const b = new PolicyBuilder('t').withSnsPublish([TOPIC]);
    expect(() => b.withSnsPublish([arn('sns', 'other')])).toThrow(/TSnsPublish is already in the policy/);
  });

  it('refuses a "*" action and a whole-service wildcard in Allow', () => {
    expect(() => new PolicyBuilder('t').allow('All', ['*'], [TOPIC])).toThrow(/action "\*" is refused/);
    expect(() => new PolicyBuilder('t').allow('S3', ['s3:*'], [BUCKET])).toThrow(/allows a whole service/);
    expect(new PolicyBuilder('t').allow('S3Get', ['s3:Get*'], [`${BUCKET}/*`]).build().Statement).toHaveLength(1);
  });

  it('refuses a "*" resource for scopable actions unless a reason is given', () => {
    expect(() => new PolicyBuilder('t').allow('Publish', ['sns:Publish'], ['*'])).toThrow(/Resource "\*" for sns:Publish needs starResourceReason/);
    const doc = new PolicyBuilder('t')
      .allow('Describe', ['ec2:DescribeNetworkInterfaces'], ['*'], { starResourceReason: 'ec2:Describe* has no resource-level permissions' })
      .build();
    expect(doc.Statement[0]).toMatchObject({ Sid: 'TDescribe', Resource: ['*'] });
  });

  it('accepts "*" for known star actions through allow() and refuses "*" mixed with ARNs', () => {
    expect(new PolicyBuilder('t').allow('Ecr', ['ecr:GetAuthorizationToken'], ['*']).build().Statement).toHaveLength(1);
    expect(() => new PolicyBuilder('t').allow('Mixed', ['ecr:GetAuthorizationToken'], ['*', ECR_REPO])).toThrow(/mixed with ARNs/);
  });

  it('refuses malformed actions and resources, empty lists and duplicates', () => {
    expect(() => new PolicyBuilder('t').allow('X', ['PutItem'], [TABLE])).toThrow(/"PutItem" is not of the form service:Action/);
    expect(() => new PolicyBuilder('t').allow('X', ['sns:Publish'], ['tradai-alerts'])).toThrow(/resource "tradai-alerts" is not an ARN/);
    expect(() => new PolicyBuilder('t').withSnsPublish([])).toThrow(/TSnsPublish has no resources/);
    expect(() => new PolicyBuilder('t').withDynamoDbCrud([])).toThrow(/withDynamoDbCrud was given no resources/);
    expect(() => new PolicyBuilder('t').allow('X', [], [TOPIC])).toThrow(/has no actions/);
    expect(() => new PolicyBuilder('t').withSnsPublish([TOPIC, TOPIC])).toThrow(/listed twice/);
    expect(() => new PolicyBuilder('t').withDynamoDbRead([BUCKET])).toThrow(/not a DynamoDB table ARN/);
    expect(() => new PolicyBuilder('t').withCloudWatchMetrics(' ')).toThrow(/needs a namespace/);
    expect(() => new PolicyBuilder('--')).toThrow(/has no letters or digits/);
  });

  it('allows Deny with "*" resources (it only narrows)', () => {
    const doc = new PolicyBuilder('t')
      .withS3Read([BUCKET])
      .deny('InsecureTransport', ['s3:*'], ['*'], { condition: { Bool: { 'aws:SecureTransport': false } } })
      .build();
    expect(statement(doc, 'TInsecureTransport')).toMatchObject({ Effect: 'Deny', Action: ['s3:*'], Resource: ['*'] });
    expect(validatePolicyDocument(doc)).toEqual([]);
  });

  it('build() returns copies: mutating a result does not change the next build', () => {
    const b = new PolicyBuilder('t').withSnsPublish([TOPIC]);
    const first = b.build();
    (first.Statement[0]!.Resource as string[]).push('*');
    expect(b.build().Statement[0]!.Resource).toEqual([TOPIC]);
    expect(JSON.parse(b.json())).toEqual(b.build());
  });
});
