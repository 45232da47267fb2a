import { LAMBDA_ACCESS, LAMBDA_NAMES, TABLE_KEYS, type LambdaName, type TableKey } from '@tradai/contracts';
import { BUCKET_KEYS, SCHEDULED_LAMBDAS, STAR_RESOURCE_ACTIONS, validatePolicyDocument, type BucketKey, type PolicyDocument, type PolicyStatement } from '@tradai/infra-shared';
import { fixtureOutputs } from '@tradai/infra-shared/testing';
import { describe, expect, it } from 'vitest';
import { mockArnContext } from '../test-support.js';
import { SERVICE_ACCESS } from './access.logic.js';
import {
  WORKFLOW_LAMBDAS,
  cliCiRolePolicy,
  consolidatedAccess,
  executionRolePolicy,
  instanceRolePolicy,
  isAsyncInvoked,
  lambdaRolePolicy,
  schedulerRolePolicy,
  stepFunctionsRolePolicy,
  taskRolePolicy,
  type IamResources,
} from './iam.logic.js';

const persistent = fixtureOutputs('persistent', 'dev', ['momentum']);
const foundation = fixtureOutputs('foundation', 'dev');
const ctx = mockArnContext('dev');
const r: IamResources = {
  ctx,
  tableArns: Object.fromEntries(TABLE_KEYS.map((t) => [t, persistent[`dynamodb_${t}_table_arn`]])) as Record<TableKey, string>,
  bucketArns: persistent.s3_bucket_arns as Record<BucketKey, string>,
  ecrRepositoryArns: persistent.ecr_repository_arns,
  strategyRepos: ['momentum'],
  alertsTopicArn: foundation.sns_alerts_topic_arn,
  registrationTopicArn: foundation.sns_registration_topic_arn,
  backtestQueueArn: foundation.backtest_queue_arn,
  rdsSecretArn: foundation.rds_secret_arn,
  m2mSecretArn: persistent.cognito_m2m_secret_arn,
};

const list = (v: string | readonly string[] | undefined) => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);
const actions = (doc: PolicyDocument) => doc.Statement.flatMap((s) => list(s.Action));
const resources = (doc: PolicyDocument) => doc.Statement.flatMap((s) => list(s.Resource));
const statementsFor = (doc: PolicyDocument, action: string) => doc.Statement.filter((s) => list(s.Action).includes(action));
const resourcesFor = (doc: PolicyDocument, action: string) => statementsFor(doc, action).flatMap((s) => list(s.Resource));

/**
 * `*` resources allowed beyond STAR_RESOURCE_ACTIONS (each has a stated reason in iam.logic.ts):
 * VPC ENI management, Step Functions log delivery, registering task definitions, listing services,
 * Cloud Map operation polling.
 */
const REASONED_STAR_ACTIONS = new Set([
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
  'ecs:RegisterTaskDefinition',
  'ecs:ListServices',
  'ec2:DescribeInstances',
  'servicediscovery:GetOperation',
]);

/** Every statement with Resource "*" uses only actions that have no narrower resource. */
function expectNoUnexpectedStar(doc: PolicyDocument): void {
  for (const s of doc.Statement as PolicyStatement[]) {
    if (!list(s.Resource).includes('*')) continue;
    for (const a of list(s.Action)) expect(STAR_RESOURCE_ACTIONS.has(a) || REASONED_STAR_ACTIONS.has(a), `${s.Sid}: ${a} on *`).toBe(true);
  }
  expect(actions(doc).filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  expect(validatePolicyDocument(doc)).toEqual([]);
}

const tableArn = (t: TableKey) => r.tableArns[t];

describe('Lambda roles: exactly what LAMBDA_ACCESS says each function touches', () => {
  it.each(LAMBDA_NAMES)('%s', (name) => {
    const doc = lambdaRolePolicy(name, r);
    expectNoUnexpectedStar(doc);
    const access = LAMBDA_ACCESS[name];
    const written = TABLE_KEYS.filter((t) => access.tables[t] === 'write');
    const read = TABLE_KEYS.filter((t) => access.tables[t] === 'read');
    // Writes only where it writes; reads where it reads or writes; never another table.
    expect(resourcesFor(doc, 'dynamodb:PutItem').filter((a) => !a.endsWith('/index/*')).sort()).toEqual(written.map(tableArn).sort());
    expect(resourcesFor(doc, 'dynamodb:GetItem').filter((a) => !a.endsWith('/index/*')).sort()).toEqual([...written, ...read].map(tableArn).sort());
    expect(resources(doc).filter((a) => a.includes(':dynamodb:') && !TABLE_KEYS.some((t) => a.startsWith(tableArn(t))))).toEqual([]);

    const buckets = access.buckets ?? {};
    expect(resourcesFor(doc, 's3:PutObject').sort()).toEqual(BUCKET_KEYS.filter((b) => buckets[b as 'configs'] === 'write').map((b) => `${r.bucketArns[b]}/*`).sort());
    expect(resourcesFor(doc, 's3:GetObject').sort()).toEqual(BUCKET_KEYS.filter((b) => buckets[b as 'configs']).map((b) => `${r.bucketArns[b]}/*`).sort());

    expect(resourcesFor(doc, 'sns:Publish')).toEqual(access.publishesAlerts ? [r.alertsTopicArn] : []);
    expect(resourcesFor(doc, 'states:StartExecution')).toEqual(
      (access.startsWorkflows ?? []).map((w) => `arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-${w}-workflow-dev`),
    );
    expect(resourcesFor(doc, 'lambda:InvokeFunction').filter((a) => !a.endsWith(':*'))).toEqual(
      (access.invokes ?? []).map((f) => `arn:aws:lambda:eu-central-1:123456789012:function:tradai-${f}-dev`),
    );
    expect(statementsFor(doc, 'cloudwatch:PutMetricData').map((s) => s.Condition)).toEqual(access.putsMetrics ? [{ StringEquals: { 'cloudwatch:namespace': 'TradAI' } }] : []);
    expect(statementsFor(doc, 'ecs:StopTask')).toHaveLength(access.ecs === 'stop-tasks' ? 1 : 0);
    expect(statementsFor(doc, 'ecs:DescribeServices')).toHaveLength(access.ecs === 'describe' ? 1 : 0);
    expect(statementsFor(doc, 'ecr:DescribeImages')).toHaveLength(access.ecrRead ? 1 : 0);
    expect(statementsFor(doc, 'lambda:GetFunction')).toHaveLength(access.lambdaRead ? 1 : 0);
    // Only the M2M callers read a secret, and then exactly the M2M one (aws/secretsmanager key: no KMS grant).
    expect(resourcesFor(doc, 'secretsmanager:GetSecretValue')).toEqual(access.m2mScopes?.length ? [r.m2mSecretArn] : []);
    expect(actions(doc).filter((x) => x.startsWith('kms:'))).toEqual([]);

    // Every function: its own log group only, X-Ray, VPC ENIs.
    expect(resourcesFor(doc, 'logs:PutLogEvents')).toEqual([
      `arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/tradai-${name}-dev`,
      `arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/tradai-${name}-dev:log-stream:*`,
    ]);
    expect(actions(doc)).toContain('xray:PutTraceSegments');
    expect(actions(doc)).toContain('ec2:CreateNetworkInterface');
  });

  it('the backtest consumer consumes the queue; async-invoked functions may dead-letter; nobody else touches SQS', () => {
    const dlq = 'arn:aws:sqs:eu-central-1:123456789012:tradai-lambda-async-dlq-dev';
    for (const name of LAMBDA_NAMES) {
      const doc = lambdaRolePolicy(name, r);
      expect(resourcesFor(doc, 'sqs:ReceiveMessage'), name).toEqual(name === 'backtest-consumer' ? [r.backtestQueueArn] : []);
      expect(resourcesFor(doc, 'sqs:SendMessage'), name).toEqual(isAsyncInvoked(name) ? [dlq] : []);
    }
    expect(LAMBDA_NAMES.filter(isAsyncInvoked).sort()).toEqual([...SCHEDULED_LAMBDAS, 'notification-dispatcher', 'strategy-registrar'].sort());
  });

  it('orphan-cleanup stops tasks of this cluster only; the drift detector only describes', () => {
    const cleanup = lambdaRolePolicy('orphan-cleanup', r);
    expect(resourcesFor(cleanup, 'ecs:StopTask')).toEqual(['arn:aws:ecs:eu-central-1:123456789012:task/tradai-cluster-dev/*']);
    expect(statementsFor(cleanup, 'ecs:ListTasks')[0]!.Condition).toEqual({ ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-central-1:123456789012:cluster/tradai-cluster-dev' } });
    const drift = lambdaRolePolicy('infra-drift-detector', r);
    expect(actions(drift)).not.toContain('ecs:StopTask');
    expect(resourcesFor(drift, 'lambda:GetFunctionConfiguration')).toEqual(['arn:aws:lambda:eu-central-1:123456789012:function:tradai-*-dev']);
  });
});

describe('ECS roles', () => {
  it('execution role: pulls service and strategy images, writes the task log groups, reads the RDS secret', () => {
    const doc = executionRolePolicy(r, ['live-trading', 'dry-run-trading', 'shadow-trading']);
    expectNoUnexpectedStar(doc);
    const repos = resourcesFor(doc, 'ecr:BatchGetImage');
    expect(repos).toContain(persistent.ecr_repository_arns['backend']);
    expect(repos).toContain(persistent.ecr_repository_arns['momentum']);
    expect(repos).not.toContain(persistent.ecr_repository_arns['rollback']);
    expect(resourcesFor(doc, 'secretsmanager:GetSecretValue')).toEqual([r.rdsSecretArn]);
    expect(resourcesFor(doc, 'logs:PutLogEvents')).toContain('arn:aws:logs:eu-central-1:123456789012:log-group:/ecs/tradai-strategy-dev');
    expect(actions(doc)).not.toContain('dynamodb:PutItem');
  });

  it('task role: the union of the services and the strategy task, nothing of the Lambdas', () => {
    const doc = taskRolePolicy(r);
    expectNoUnexpectedStar(doc);
    expect(resourcesFor(doc, 'dynamodb:PutItem').filter((a) => !a.includes('/index/')).sort()).toEqual(
      (['workflow_state', 'config_versions', 'trading_state'] as TableKey[]).map(tableArn).sort(),
    );
    // Backtests reach SQS from API Gateway, never from a service.
    expect(actions(doc)).not.toContain('sqs:SendMessage');
    expect(resourcesFor(doc, 'states:StartExecution')).toEqual(['arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-retraining-workflow-dev']);
    // backend-api cancels backtests and answers a retried retraining start.
    expect(resourcesFor(doc, 'states:StopExecution').sort()).toEqual([
      'arn:aws:states:eu-central-1:123456789012:execution:tradai-backtest-workflow-dev:*',
      'arn:aws:states:eu-central-1:123456789012:execution:tradai-retraining-workflow-dev:*',
    ]);
    expect(resourcesFor(doc, 's3:PutObject').sort()).toEqual((['configs', 'results', 'arcticdb', 'mlflow'] as BucketKey[]).map((b) => `${r.bucketArns[b]}/*`).sort());
    // Only live-trading's exchange credentials (the role is shared: one task role for every service).
    expect(resourcesFor(doc, 'secretsmanager:GetSecretValue')).toEqual(['arn:aws:secretsmanager:eu-central-1:123456789012:secret:tradai/dev/exchange-credentials-??????']);
    // The bots' daily-loss-limit alert.
    expect(resourcesFor(doc, 'sns:Publish')).toEqual([r.alertsTopicArn]);
  });
});

describe('Step Functions role', () => {
  const doc = stepFunctionsRolePolicy(r, {
    ecsTaskRoleArn: 'arn:aws:iam::123456789012:role/tradai-ecs-task-dev',
    ecsExecutionRoleArn: 'arn:aws:iam::123456789012:role/tradai-ecs-execution-dev',
  });

  it('runs the strategy family on the cluster, follows it with the managed .sync rule, stops it', () => {
    expectNoUnexpectedStar(doc);
    const run = statementsFor(doc, 'ecs:RunTask');
    expect(list(run[0]!.Resource)).toEqual(['arn:aws:ecs:eu-central-1:123456789012:task-definition/tradai-strategy-dev:*']);
    expect(run[0]!.Condition).toEqual({ ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:eu-central-1:123456789012:cluster/tradai-cluster-dev' } });
    expect(resourcesFor(doc, 'ecs:StopTask')).toEqual(['arn:aws:ecs:eu-central-1:123456789012:task/tradai-cluster-dev/*']);
    expect(resourcesFor(doc, 'ecs:DescribeTasks')).toEqual(['arn:aws:ecs:eu-central-1:123456789012:task/tradai-cluster-dev/*']);
    for (const a of ['events:PutTargets', 'events:PutRule', 'events:DescribeRule']) {
      expect(resourcesFor(doc, a)).toEqual(['arn:aws:events:eu-central-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule']);
    }
  });

  it('passes only the ECS task and execution roles, only to ECS', () => {
    const pass = statementsFor(doc, 'iam:PassRole');
    expect(pass).toHaveLength(1);
    expect(list(pass[0]!.Resource)).toEqual(['arn:aws:iam::123456789012:role/tradai-ecs-task-dev', 'arn:aws:iam::123456789012:role/tradai-ecs-execution-dev']);
    expect(pass[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  it('invokes exactly the six workflow Lambdas', () => {
    expect(resourcesFor(doc, 'lambda:InvokeFunction').filter((a) => !a.endsWith(':*')).sort()).toEqual(
      WORKFLOW_LAMBDAS.map((f) => `arn:aws:lambda:eu-central-1:123456789012:function:tradai-${f}-dev`).sort(),
    );
    expect(actions(doc)).toContain('logs:CreateLogDelivery');
    expect(actions(doc)).toContain('xray:PutTraceSegments');
  });
});

describe('CLI/CI, scheduler and consolidated host roles', () => {
  it('CLI/CI: pushes tradai/ images, registers strategies, runs workflows; no IAM, no wildcard services', () => {
    const doc = cliCiRolePolicy(r, { pulumiStateBucketArn: 'arn:aws:s3:::tradai-pulumi-state-dev' });
    expectNoUnexpectedStar(doc);
    expect(resourcesFor(doc, 'ecr:PutImage')).toEqual(['arn:aws:ecr:eu-central-1:123456789012:repository/tradai/*']);
    expect(resourcesFor(doc, 'sns:Publish')).toEqual([r.registrationTopicArn]);
    expect(resourcesFor(doc, 'states:StartExecution')).toHaveLength(2);
    expect(actions(doc).filter((a) => a.startsWith('iam:'))).toEqual([]);
  });

  it('scheduler: invokes the six scheduled functions and dead-letters to the async DLQ', () => {
    const doc = schedulerRolePolicy(ctx, SCHEDULED_LAMBDAS);
    expectNoUnexpectedStar(doc);
    expect(resourcesFor(doc, 'lambda:InvokeFunction').filter((a) => !a.endsWith(':*'))).toHaveLength(6);
    expect(resourcesFor(doc, 'sqs:SendMessage')).toEqual(['arn:aws:sqs:eu-central-1:123456789012:tradai-lambda-async-dlq-dev']);
  });

  it('consolidated host: its four images, its Cloud Map services and zone, the four services own access', () => {
    const sd = ['arn:aws:servicediscovery:eu-central-1:123456789012:service/srv-backend', 'arn:aws:servicediscovery:eu-central-1:123456789012:service/srv-mlflow'];
    const doc = instanceRolePolicy(r, { serviceDiscoveryServiceArns: sd, hostedZoneId: 'Z0HOSTED' });
    expectNoUnexpectedStar(doc);
    expect(resourcesFor(doc, 'ecr:BatchGetImage').sort()).toEqual(
      ['backend', 'data-collection', 'mlflow', 'strategy-service'].map((k) => persistent.ecr_repository_arns[k]!).sort(),
    );
    expect(resourcesFor(doc, 'servicediscovery:RegisterInstance')).toEqual(sd);
    expect(resourcesFor(doc, 'route53:ChangeResourceRecordSets')).toEqual(['arn:aws:route53:::hostedzone/Z0HOSTED']);
    expect(resourcesFor(doc, 'secretsmanager:GetSecretValue')).toEqual([r.rdsSecretArn]);
    // The host runs the four consolidated services only: it writes what they write, not the trading bots' state.
    expect(resourcesFor(doc, 'dynamodb:PutItem').filter((a) => !a.includes('/index/')).sort()).toEqual((['config_versions', 'workflow_state'] as TableKey[]).map(tableArn).sort());
    expect(consolidatedAccess().tables.trading_state).toBe('read');
    expect(SERVICE_ACCESS['live-trading'].tables.trading_state).toBe('write');
    expect(actions(doc)).not.toContain('elasticloadbalancing:RegisterTargets');
    expect(resourcesFor(doc, 'autoscaling:CompleteLifecycleAction')).toEqual(['arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:*:autoScalingGroupName/tradai-consolidated-dev']);
    expect(() => instanceRolePolicy(r, { serviceDiscoveryServiceArns: [], hostedZoneId: 'Z' })).toThrow('no Cloud Map service ARNs');
  });

  it('names the missing upstream ARN instead of building a policy with a hole', () => {
    const noStrategy = { ...r, ecrRepositoryArns: fixtureOutputs('persistent', 'dev').ecr_repository_arns };
    expect(() => executionRolePolicy(noStrategy, [])).toThrow('no ARN for ECR repository "momentum"');
  });
});

it('every Lambda in LAMBDA_ACCESS gets a role policy that validates', () => {
  for (const name of LAMBDA_NAMES as readonly LambdaName[]) expect(validatePolicyDocument(lambdaRolePolicy(name, r))).toEqual([]);
});
