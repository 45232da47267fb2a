import type { LocatedResource } from '../../plan/model.js';
import { arnOf, goodBucket, idOf, patch, res, tlsOnlyPolicy, type RuleCase } from './builders.js';

/**
 * One passing and one failing scenario per rule. The rules test runs each rule alone on each
 * scenario and asserts no finding for `pass` and a finding containing `expect` for `fail`; a rule
 * without an entry here fails that test.
 */

// ---------- S3 ----------
const bucket = goodBucket();

// ---------- DynamoDB ----------
const table = (inputs: Record<string, unknown> = {}) =>
  res(
    'aws:dynamodb/table:Table',
    'idempotency',
    { name: 'tradai-idempotency-dev', billingMode: 'PAY_PER_REQUEST', pointInTimeRecovery: { enabled: true }, serverSideEncryption: { enabled: true }, deletionProtectionEnabled: true, ttl: { enabled: true, attributeName: 'expiration' }, ...inputs },
    'persistent',
  );

// ---------- ECR ----------
const repo = (inputs: Record<string, unknown> = {}) =>
  res('aws:ecr/repository:Repository', 'backend', { name: 'tradai/backend', imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true }, ...inputs }, 'persistent');
const repoLifecycle = res('aws:ecr/lifecyclePolicy:LifecyclePolicy', 'backend-lifecycle', { repository: 'tradai/backend', policy: '{"rules":[]}' }, 'persistent');

// ---------- RDS ----------
const db = (inputs: Record<string, unknown> = {}) =>
  res('aws:rds/instance:Instance', 'mlflow-db', {
    identifier: 'tradai-mlflow-db-prod',
    engine: 'postgres',
    storageEncrypted: true,
    publiclyAccessible: false,
    multiAz: true,
    deletionProtection: true,
    backupRetentionPeriod: 14,
    manageMasterUserPassword: true,
    enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
    autoMinorVersionUpgrade: true,
    ...inputs,
  });

// ---------- Security groups ----------
const albSg = res('aws:ec2/securityGroup:SecurityGroup', 'alb-sg', { name: 'tradai-alb-sg-dev', description: 'ALB', vpcId: 'vpc-1' });
const httpsIn = (sg: LocatedResource, extra: Record<string, unknown> = {}) =>
  res('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', `${sg.name}-https-in`, { securityGroupId: idOf(sg), ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'HTTPS from the internet', ...extra });
const lb = (inputs: Record<string, unknown> = {}) =>
  res('aws:lb/loadBalancer:LoadBalancer', 'alb', { name: 'tradai-alb-dev', loadBalancerType: 'application', securityGroups: [idOf(albSg)], dropInvalidHeaderFields: true, accessLogs: { enabled: true, bucket: 'tradai-logs-dev', prefix: 'alb' }, enableDeletionProtection: true, ...inputs }, 'compute');

// ---------- VPC / EC2 ----------
const vpc = res('aws:ec2/vpc:Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' });
const flowLog = res('aws:ec2/flowLog:FlowLog', 'vpc-flow', { vpcId: idOf(vpc), trafficType: 'ALL', logDestination: 'arn:aws:logs:eu-central-1:123456789012:log-group:/tradai/flow' });
const defaultSg = (inputs: Record<string, unknown> = {}) => res('aws:ec2/defaultSecurityGroup:DefaultSecurityGroup', 'vpc-default-sg', { vpcId: idOf(vpc), ...inputs });
const instance = (inputs: Record<string, unknown> = {}) =>
  res('aws:ec2/instance:Instance', 'host', { instanceType: 't3.small', metadataOptions: { httpTokens: 'required' }, rootBlockDevice: { encrypted: true, volumeSize: 30 }, associatePublicIpAddress: false, iamInstanceProfile: 'tradai-host-dev', ...inputs }, 'compute');
const launchTemplate = (inputs: Record<string, unknown> = {}) =>
  res('aws:ec2/launchTemplate:LaunchTemplate', 'consolidated', { instanceType: 't3.small', metadataOptions: { httpTokens: 'required' }, blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: 'true', volumeSize: 30 } }], iamInstanceProfile: { name: 'tradai-consolidated-dev' }, ...inputs }, 'compute');

// ---------- SQS / SNS ----------
const dlq = (inputs: Record<string, unknown> = {}) => res('aws:sqs/queue:Queue', 'backtest-dlq', { name: 'tradai-backtest-dlq-dev', messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true, ...inputs });
const queue = (inputs: Record<string, unknown> = {}) =>
  res('aws:sqs/queue:Queue', 'backtest', {
    name: 'tradai-backtest-queue-dev',
    visibilityTimeoutSeconds: 360,
    messageRetentionSeconds: 345_600,
    sqsManagedSseEnabled: true,
    redrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(dlq()), maxReceiveCount: 5 }),
    ...inputs,
  });
const consumer = res('aws:lambda/function:Function', 'backtest-consumer', { name: 'tradai-backtest-consumer-dev', timeout: 60, memorySize: 256 }, 'compute');
const mapping = res('aws:lambda/eventSourceMapping:EventSourceMapping', 'backtest-consumer-sqs', { eventSourceArn: arnOf(queue()), functionName: arnOf(consumer) }, 'compute');
const queuePolicy = (q: LocatedResource) => res('aws:sqs/queuePolicy:QueuePolicy', `${q.name}-policy`, { queueUrl: idOf(q), policy: tlsOnlyPolicy(arnOf(q)) });
const topic = (inputs: Record<string, unknown> = {}) => res('aws:sns/topic:Topic', 'alerts', { name: 'tradai-alerts-dev', kmsMasterKeyId: 'alias/aws/sns', ...inputs });
const topicPolicy = res('aws:sns/topicPolicy:TopicPolicy', 'alerts-policy', { arn: arnOf(topic()), policy: tlsOnlyPolicy(arnOf(topic()), 'sns:Publish') });

// ---------- Lambda / Step Functions / API ----------
const DIGEST = 'a'.repeat(64);
const fn = (inputs: Record<string, unknown> = {}) =>
  res('aws:lambda/function:Function', 'health-check', {
    name: 'tradai-health-check-dev',
    packageType: 'Image',
    imageUri: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/health-check@sha256:${DIGEST}`,
    timeout: 60,
    memorySize: 256,
    tracingConfig: { mode: 'Active' },
    ...inputs,
  }, 'compute');
const fnLogGroup = (inputs: Record<string, unknown> = {}) => res('aws:cloudwatch/logGroup:LogGroup', 'health-check-logs', { name: '/aws/lambda/tradai-health-check-dev', retentionInDays: 30, ...inputs }, 'compute');
const definition = (task: Record<string, unknown>) =>
  JSON.stringify({
    StartAt: 'Validate',
    States: {
      Validate: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 60, Next: 'Fanout' },
      Fanout: { Type: 'Parallel', Branches: [{ StartAt: 'Run', States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.sync', ...task, End: true } } }], End: true },
    },
  });
const stateMachine = (inputs: Record<string, unknown> = {}) =>
  res('aws:sfn/stateMachine:StateMachine', 'backtest-workflow', {
    name: 'tradai-backtest-workflow-dev',
    definition: definition({ TimeoutSeconds: 3600 }),
    loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: 'arn:aws:logs:eu-central-1:123456789012:log-group:/aws/states/x:*' },
    tracingConfiguration: { enabled: true },
    ...inputs,
  }, 'compute');
const route = (routeKey: string, authorizationType: string) => res('aws:apigatewayv2/route:Route', `route-${routeKey}`, { apiId: 'api', routeKey, authorizationType, ...(authorizationType === 'JWT' ? { authorizerId: 'auth' } : {}) }, 'edge');
const stage = (inputs: Record<string, unknown> = {}) =>
  res('aws:apigatewayv2/stage:Stage', 'api-stage', {
    apiId: 'api',
    name: '$default',
    accessLogSettings: { destinationArn: 'arn:aws:logs:eu-central-1:123456789012:log-group:/tradai/api', format: '{"requestId":"$context.requestId"}' },
    defaultRouteSettings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 },
    ...inputs,
  }, 'edge');
const logGroup = (retentionInDays?: number) => res('aws:cloudwatch/logGroup:LogGroup', 'waf-logs', { name: 'aws-waf-logs-tradai', ...(retentionInDays === undefined ? {} : { retentionInDays }) }, 'edge');
const alarm = (name: string, inputs: Record<string, unknown> = {}) => res('aws:cloudwatch/metricAlarm:MetricAlarm', name, { name, metricName: 'Errors', ...inputs }, 'edge');
const composite = (inputs: Record<string, unknown> = {}) => res('aws:cloudwatch/compositeAlarm:CompositeAlarm', 'composite', { alarmName: 'tradai-composite-dev', alarmRule: 'ALARM("tradai-rds-cpu-dev") OR ALARM("tradai-lambda-errors-dev")', alarmActions: ['arn:aws:sns:eu-central-1:123456789012:tradai-alerts-dev'], ...inputs }, 'edge');

// ---------- IAM ----------
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const rolePolicy = (...statements: Record<string, unknown>[]) => res('aws:iam/rolePolicy:RolePolicy', 'task-policy', { role: 'tradai-ecs-task-dev', policy: doc(...statements) }, 'compute');
const TABLE_ARN = 'arn:aws:dynamodb:eu-central-1:123456789012:table/tradai-workflow-state-dev';
const role = (assume: Record<string, unknown>, inputs: Record<string, unknown> = {}) => res('aws:iam/role:Role', 'role', { name: 'tradai-role-dev', assumeRolePolicy: doc(assume), ...inputs }, 'compute');
const OIDC = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const githubTrust = (sub?: string) => ({
  Effect: 'Allow',
  Principal: { Federated: OIDC },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, ...(sub ? { StringLike: { 'token.actions.githubusercontent.com:sub': sub } } : {}) },
});

// ---------- ELB / WAF ----------
const listener = (name: string, inputs: Record<string, unknown>) => res('aws:lb/listener:Listener', name, { loadBalancerArn: idOf(lb()), ...inputs }, 'compute');
const webAcl = (rules: Record<string, unknown>[]) => res('aws:wafv2/webAcl:WebAcl', 'waf', { name: 'tradai-waf-dev', scope: 'REGIONAL', rules }, 'edge');
const RATE_RULE = { name: 'rate', priority: 0, statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: 'IP' } } };
const BAD_INPUTS_RULE = { name: 'bad-inputs', priority: 1, statement: { managedRuleGroupStatement: { name: 'AWSManagedRulesKnownBadInputsRuleSet', vendorName: 'AWS' } } };

// ---------- ECS ----------
const taskDef = (container: Record<string, unknown>) =>
  res('aws:ecs/taskDefinition:TaskDefinition', 'backend-api-task', {
    family: 'tradai-backend-api-dev',
    cpu: '512',
    memory: '1024',
    containerDefinitions: JSON.stringify([{ name: 'app', image: 'x@sha256:1', logConfiguration: { logDriver: 'awslogs', options: {} }, ...container }]),
  }, 'compute');
const service = (name: string, inputs: Record<string, unknown> = {}) => res('aws:ecs/service:Service', name, { name: `tradai-${name}-prod`, desiredCount: 1, networkConfiguration: { subnets: ['s'], assignPublicIp: false }, ...inputs }, 'compute');

export const RULE_CASES: Readonly<Record<string, RuleCase>> = {
  'TRADAI-S3-001': { pass: bucket, fail: patch(bucket, 'configs-public-access', { blockPublicPolicy: false }), expect: 'blockPublicPolicy' },
  'TRADAI-S3-002': { pass: bucket, fail: goodBucket('configs', 'dev', ['policy']), expect: 'SecureTransport' },
  'TRADAI-S3-003': { pass: bucket, fail: goodBucket('configs', 'dev', ['encryption']), expect: 'sseAlgorithm' },
  'TRADAI-S3-004': { pass: bucket, fail: patch(bucket, 'configs-versioning', { versioningConfiguration: { status: 'Suspended' } }), expect: 'versioningConfiguration.status' },
  'TRADAI-S3-005': { pass: bucket, fail: goodBucket('configs', 'dev', ['logging']), expect: 'BucketLogging' },
  'TRADAI-S3-006': { pass: bucket, fail: patch(bucket, 'configs-lifecycle', { rules: [{ id: 'x', status: 'Disabled' }] }), expect: 'lifecycle' },
  'TRADAI-S3-007': { pass: bucket, fail: patch(bucket, 'configs-ownership', { rule: { objectOwnership: 'ObjectWriter' } }), expect: 'BucketOwnerEnforced' },

  'TRADAI-DDB-001': { pass: [table()], fail: [table({ pointInTimeRecovery: { enabled: false } })], expect: 'pointInTimeRecovery.enabled' },
  'TRADAI-DDB-002': { pass: [table()], fail: [table({ serverSideEncryption: undefined })], expect: 'serverSideEncryption.enabled' },
  'TRADAI-DDB-003': { env: 'prod', pass: [table({ name: 'tradai-idempotency-prod' })], fail: [table({ name: 'tradai-idempotency-prod', deletionProtectionEnabled: false })], expect: 'deletionProtectionEnabled' },
  'TRADAI-DDB-004': { pass: [table()], fail: [table({ ttl: { enabled: true, attributeName: 'expires_at' } })], expect: 'expiration' },

  'TRADAI-ECR-001': { pass: [repo()], fail: [repo({ imageTagMutability: 'MUTABLE' })], expect: 'imageTagMutability' },
  'TRADAI-ECR-002': { pass: [repo()], fail: [repo({ imageScanningConfiguration: { scanOnPush: false } })], expect: 'scanOnPush' },
  'TRADAI-ECR-003': { pass: [repo(), repoLifecycle], fail: [repo()], expect: 'LifecyclePolicy' },
  'TRADAI-ECR-004': {
    pass: [repo(), res('aws:ecr/repositoryPolicy:RepositoryPolicy', 'backend-policy', { repository: 'tradai/backend', policy: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'ecr:BatchGetImage' }) }, 'persistent')],
    fail: [repo(), res('aws:ecr/repositoryPolicy:RepositoryPolicy', 'backend-policy', { repository: 'tradai/backend', policy: doc({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }) }, 'persistent')],
    expect: 'Principal "*"',
  },

  'TRADAI-RDS-001': { pass: [db()], fail: [db({ storageEncrypted: false })], expect: 'storageEncrypted' },
  'TRADAI-RDS-002': { pass: [db()], fail: [db({ publiclyAccessible: true })], expect: 'publiclyAccessible' },
  'TRADAI-RDS-003': { pass: [db()], fail: [db({ multiAz: false })], expect: 'multiAz' },
  'TRADAI-RDS-004': { env: 'prod', pass: [db()], fail: [db({ deletionProtection: false })], expect: 'deletionProtection' },
  'TRADAI-RDS-005': { env: 'prod', pass: [db()], fail: [db({ backupRetentionPeriod: 7 })], expect: 'at least 14' },
  'TRADAI-RDS-006': { pass: [db()], fail: [db({ manageMasterUserPassword: undefined, password: 'hunter2hunter2' })], expect: 'password' },
  'TRADAI-RDS-007': { pass: [db()], fail: [db({ enabledCloudwatchLogsExports: ['upgrade'] })], expect: 'postgresql' },
  'TRADAI-RDS-008': { pass: [db()], fail: [db({ autoMinorVersionUpgrade: false })], expect: 'autoMinorVersionUpgrade' },

  'TRADAI-SG-001': { pass: [albSg, httpsIn(albSg), lb()], fail: [albSg, httpsIn(albSg)], expect: '0.0.0.0/0' },
  'TRADAI-SG-002': { pass: [albSg, httpsIn(albSg)], fail: [albSg, httpsIn(albSg, { description: undefined })], expect: 'description' },
  'TRADAI-SG-003': {
    pass: [albSg, httpsIn(albSg, { cidrIpv4: '10.0.0.0/16' })],
    fail: [res('aws:ec2/securityGroup:SecurityGroup', 'open', { description: 'open', ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['10.0.0.0/16'], description: 'all' }] })],
    expect: 'all traffic',
  },

  'TRADAI-VPC-001': { pass: [vpc, flowLog], fail: [vpc], expect: 'FlowLog' },
  'TRADAI-VPC-002': { pass: [vpc], fail: [vpc, res('aws:ec2/networkAcl:NetworkAcl', 'database-nacl', { vpcId: idOf(vpc) })], expect: 'network ACL' },
  'TRADAI-VPC-003': { pass: [vpc, defaultSg()], fail: [vpc, defaultSg({ ingress: [{ protocol: '-1', self: true, fromPort: 0, toPort: 0 }] })], expect: 'still has ingress/egress rules' },
  'TRADAI-VPC-004': {
    pass: [res('aws:ec2/subnet:Subnet', 'private-a', { vpcId: idOf(vpc), mapPublicIpOnLaunch: false })],
    fail: [res('aws:ec2/subnet:Subnet', 'private-a', { vpcId: idOf(vpc), mapPublicIpOnLaunch: true })],
    expect: 'mapPublicIpOnLaunch',
  },

  'TRADAI-EC2-001': { pass: [instance(), launchTemplate()], fail: [launchTemplate({ metadataOptions: { httpTokens: 'optional' } })], expect: 'httpTokens' },
  'TRADAI-EC2-002': { pass: [instance(), launchTemplate()], fail: [launchTemplate({ blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: 'false' } }] })], expect: 'ebs.encrypted' },
  'TRADAI-EC2-003': { pass: [instance(), launchTemplate()], fail: [launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: 'true' }] })], expect: 'associatePublicIpAddress' },
  'TRADAI-EC2-004': { pass: [instance(), launchTemplate()], fail: [instance({ iamInstanceProfile: undefined })], expect: 'iamInstanceProfile' },

  'TRADAI-SQS-001': { pass: [queue(), dlq()], fail: [queue({ redrivePolicy: undefined }), dlq()], expect: 'redrivePolicy' },
  'TRADAI-SQS-002': { pass: [queue(), dlq()], fail: [queue({ redrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(dlq()), maxReceiveCount: 2 }) }), dlq()], expect: 'maxReceiveCount' },
  'TRADAI-SQS-003': { pass: [queue(), dlq(), consumer, mapping], fail: [queue({ visibilityTimeoutSeconds: 120 }), dlq(), consumer, mapping], expect: 'at least 360s' },
  'TRADAI-SQS-004': { pass: [queue(), dlq()], fail: [queue({ sqsManagedSseEnabled: undefined }), dlq()], expect: 'sqsManagedSseEnabled' },
  'TRADAI-SQS-005': { pass: [queue(), queuePolicy(queue())], fail: [queue()], expect: 'SecureTransport' },
  'TRADAI-SQS-006': { pass: [queue(), dlq()], fail: [queue(), dlq({ messageRetentionSeconds: 345_600 })], expect: 'messageRetentionSeconds' },
  'TRADAI-SNS-001': { pass: [topic()], fail: [topic({ kmsMasterKeyId: undefined })], expect: 'kmsMasterKeyId' },
  'TRADAI-SNS-002': { pass: [topic(), topicPolicy], fail: [topic()], expect: 'SecureTransport' },

  'TRADAI-LMB-001': { pass: [fn()], fail: [fn({ imageUri: '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/health-check:latest' })], expect: 'imageUri' },
  'TRADAI-LMB-002': { pass: [fn()], fail: [fn({ tracingConfig: { mode: 'PassThrough' } })], expect: 'tracingConfig.mode' },
  'TRADAI-LMB-003': { pass: [fn()], fail: [fn({ memorySize: undefined })], expect: 'memorySize' },
  'TRADAI-LMB-004': { pass: [fn(), fnLogGroup()], fail: [fn(), fnLogGroup({ retentionInDays: undefined })], expect: 'retentionInDays' },
  'TRADAI-SFN-001': { pass: [stateMachine()], fail: [stateMachine({ loggingConfiguration: { level: 'ERROR', logDestination: 'arn:x' } })], expect: 'loggingConfiguration.level' },
  'TRADAI-SFN-002': { pass: [stateMachine()], fail: [stateMachine({ tracingConfiguration: undefined })], expect: 'tracingConfiguration.enabled' },
  'TRADAI-SFN-003': { pass: [stateMachine()], fail: [stateMachine({ definition: definition({}) })], expect: 'Fanout.Branches[0].Run' },
  'TRADAI-APIGW-001': { pass: [route('GET /health', 'NONE'), route('GET /api/v1/models', 'JWT')], fail: [route('GET /api/v1/models', 'NONE')], expect: 'GET /api/v1/models' },
  'TRADAI-APIGW-002': { pass: [stage()], fail: [stage({ accessLogSettings: undefined })], expect: 'accessLogSettings' },
  'TRADAI-APIGW-003': { pass: [stage()], fail: [stage({ defaultRouteSettings: { throttlingBurstLimit: 200 } })], expect: 'throttlingRateLimit' },
  'TRADAI-LOG-001': { pass: [logGroup(30)], fail: [logGroup()], expect: 'retentionInDays' },
  'TRADAI-LOG-002': { env: 'prod', pass: [logGroup(90)], fail: [logGroup(30)], expect: 'prod keeps logs 90 days' },
  'TRADAI-CW-001': {
    pass: [alarm('tradai-rds-cpu-dev'), alarm('tradai-lambda-errors-dev'), composite()],
    fail: [alarm('tradai-rds-cpu-dev'), alarm('tradai-orphan-dev'), composite()],
    expect: 'alarmActions',
  },

  'TRADAI-IAM-001': { pass: [rolePolicy({ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE_ARN })], fail: [rolePolicy({ Effect: 'Allow', Action: '*', Resource: TABLE_ARN })], expect: 'Action "*"' },
  'TRADAI-IAM-002': { pass: [rolePolicy({ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE_ARN })], fail: [rolePolicy({ Sid: 'Wide', Effect: 'Allow', Action: ['dynamodb:*'], Resource: TABLE_ARN })], expect: 'dynamodb:*' },
  'TRADAI-IAM-003': {
    pass: [rolePolicy({ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'xray:PutTraceSegments', 'ec2:DescribeNetworkInterfaces'], Resource: '*' }, { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN })],
    fail: [rolePolicy({ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'dynamodb:PutItem'], Resource: '*' })],
    expect: 'dynamodb:PutItem',
  },
  'TRADAI-IAM-004': {
    pass: [res('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'ssm', { role: 'r', policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' })],
    fail: [res('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'admin', { role: 'r', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })],
    expect: 'AdministratorAccess',
  },
  'TRADAI-IAM-005': {
    pass: [role({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' })],
    fail: [role({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' })],
    expect: 'any principal',
  },
  'TRADAI-IAM-006': { pass: [role(githubTrust('repo:tradai/platform:ref:refs/heads/main'))], fail: [role(githubTrust('repo:tradai/*'))], expect: 'any repository' },

  'TRADAI-ELB-001': { pass: [albSg, lb()], fail: [albSg, lb({ dropInvalidHeaderFields: false })], expect: 'dropInvalidHeaderFields' },
  'TRADAI-ELB-002': { pass: [albSg, lb()], fail: [albSg, lb({ accessLogs: { enabled: false, bucket: '' } })], expect: 'accessLogs' },
  'TRADAI-ELB-003': { env: 'prod', pass: [albSg, lb()], fail: [albSg, lb({ enableDeletionProtection: false })], expect: 'enableDeletionProtection' },
  'TRADAI-ELB-004': {
    pass: [lb(), listener('https', { protocol: 'HTTPS', port: 443, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' })],
    fail: [lb(), listener('https', { protocol: 'HTTPS', port: 443 })],
    expect: 'sslPolicy',
  },
  'TRADAI-ELB-005': {
    pass: [lb(), listener('https', { protocol: 'HTTPS', port: 443, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }), listener('http', { protocol: 'HTTP', port: 80, defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }] })],
    fail: [lb(), listener('https', { protocol: 'HTTPS', port: 443, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }), listener('http', { protocol: 'HTTP', port: 80, defaultActions: [{ type: 'forward', targetGroupArn: 'tg' }] })],
    expect: 'redirect',
  },
  'TRADAI-WAF-001': { pass: [webAcl([RATE_RULE, BAD_INPUTS_RULE])], fail: [webAcl([RATE_RULE])], expect: 'AWSManagedRulesKnownBadInputsRuleSet' },
  'TRADAI-WAF-002': {
    pass: [webAcl([RATE_RULE]), res('aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration', 'waf-logging', { resourceArn: arnOf(webAcl([])), logDestinationConfigs: ['arn:aws:logs:x'] }, 'edge')],
    fail: [webAcl([RATE_RULE])],
    expect: 'logging',
  },
  'TRADAI-WAF-003': { pass: [webAcl([RATE_RULE, BAD_INPUTS_RULE])], fail: [webAcl([BAD_INPUTS_RULE])], expect: 'rateBasedStatement' },

  'TRADAI-ECS-001': {
    pass: [res('aws:ecs/cluster:Cluster', 'cluster', { settings: [{ name: 'containerInsights', value: 'enabled' }] }, 'compute')],
    fail: [res('aws:ecs/cluster:Cluster', 'cluster', { settings: [{ name: 'containerInsights', value: 'disabled' }] }, 'compute')],
    expect: 'containerInsights',
  },
  'TRADAI-ECS-002': { pass: [taskDef({})], fail: [taskDef({ logConfiguration: undefined })], expect: 'logConfiguration' },
  'TRADAI-ECS-003': { pass: [taskDef({ privileged: false })], fail: [taskDef({ privileged: true })], expect: 'privileged' },
  'TRADAI-ECS-004': {
    pass: [taskDef({ environment: [{ name: 'RDS_SECRET_ARN', value: 'arn:aws:secretsmanager:x' }], secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:x' }] })],
    fail: [taskDef({ environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] })],
    expect: 'DB_PASSWORD',
  },
  'TRADAI-ECS-005': { pass: [service('backend-api')], fail: [service('backend-api', { networkConfiguration: { subnets: ['s'], assignPublicIp: true } })], expect: 'assignPublicIp' },
  'TRADAI-ECS-006': {
    pass: [service('live-trading', { capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }] }), service('dry-run-trading', { capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] })],
    fail: [service('live-trading', { capacityProviderStrategies: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }] })],
    expect: 'FARGATE_SPOT',
  },
  'TRADAI-KMS-001': { pass: [res('aws:kms/key:Key', 'alerts-key', { enableKeyRotation: true })], fail: [res('aws:kms/key:Key', 'alerts-key', {})], expect: 'enableKeyRotation' },
  'TRADAI-SM-001': {
    pass: [res('aws:secretsmanager/secret:Secret', 'api-key', { name: 'tradai-api-key-dev' }), res('aws:secretsmanager/secretRotation:SecretRotation', 'api-key-rotation', { secretId: arnOf(res('aws:secretsmanager/secret:Secret', 'api-key', { name: 'tradai-api-key-dev' })), rotationRules: { automaticallyAfterDays: 30 } })],
    fail: [res('aws:secretsmanager/secret:Secret', 'api-key', { name: 'tradai-api-key-dev' })],
    expect: 'SecretRotation',
  },
  'TRADAI-COG-001': {
    pass: [res('aws:cognito/userPool:UserPool', 'users', { passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true }, mfaConfiguration: 'ON' }, 'persistent')],
    fail: [res('aws:cognito/userPool:UserPool', 'users', { passwordPolicy: { minimumLength: 8, requireSymbols: false }, mfaConfiguration: 'ON' }, 'persistent')],
    expect: 'minimumLength',
  },
  'TRADAI-COG-002': {
    pass: [res('aws:cognito/userPool:UserPool', 'users', { mfaConfiguration: 'ON' }, 'persistent')],
    fail: [res('aws:cognito/userPool:UserPool', 'users', { mfaConfiguration: 'OPTIONAL' }, 'persistent')],
    expect: 'mfaConfiguration',
  },
  'TRADAI-CT-001': {
    pass: [res('aws:cloudtrail/trail:Trail', 'trail', { enableLogFileValidation: true, isMultiRegionTrail: true }, 'persistent')],
    fail: [res('aws:cloudtrail/trail:Trail', 'trail', { isMultiRegionTrail: true }, 'persistent')],
    expect: 'enableLogFileValidation',
  },
  'TRADAI-CT-002': {
    pass: [res('aws:cloudtrail/trail:Trail', 'trail', { enableLogFileValidation: true, isMultiRegionTrail: true }, 'persistent')],
    fail: [res('aws:cloudtrail/trail:Trail', 'trail', { enableLogFileValidation: true }, 'persistent')],
    expect: 'isMultiRegionTrail',
  },
};
