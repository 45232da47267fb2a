/**
 * Writes the fixture plans the report CLI tests read: `npx tsx tools/reports/__fixtures__/generate.ts`.
 * The same small platform for dev and prod (references are mock-runtime ids and ARNs, as synth
 * writes them). The RDS instance is single-AZ in both: suppressed in dev, a violation in prod.
 * Staging has only its persistent plan, for the missing-plan error. Written to `plans/<env>/`
 * (not a `dist/` folder, which git ignores); the tests copy them to `<tmp>/dist/synth/<env>/`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYERS, type Environment, type Layer } from '@tradai/infra-shared';
import { mockResourceState } from '@tradai/infra-shared/testing';

interface R {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly parent: null;
}
const r = (type: string, name: string, inputs: Record<string, unknown>): R => ({ type, name, inputs, parent: null });
const id = (x: R) => mockResourceState(x.type, x.name, x.inputs).id;
const arn = (x: R) => String(mockResourceState(x.type, x.name, x.inputs).state['arn']);
const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const tlsDeny = (resource: string, action: string) => ({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: action, Resource: resource, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

function bucket(component: string, env: Environment, logged: boolean, versioned: boolean): R[] {
  const b = r('aws:s3/bucket:Bucket', `s3-${component}`, { bucket: `tradai-${component}-${env}` });
  const bucketId = id(b);
  return [
    b,
    r('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', `s3-${component}-public-access`, { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    r('aws:s3/bucketOwnershipControls:BucketOwnershipControls', `s3-${component}-ownership`, { bucket: bucketId, rule: { objectOwnership: 'BucketOwnerEnforced' } }),
    r('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', `s3-${component}-encryption`, { bucket: bucketId, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] }),
    r('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', `s3-${component}-lifecycle`, { bucket: bucketId, rules: [{ id: 'abort-multipart', status: 'Enabled', abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }] }),
    r('aws:s3/bucketPolicy:BucketPolicy', `s3-${component}-policy`, { bucket: bucketId, policy: doc(tlsDeny(`${arn(b)}/*`, 's3:*')) }),
    ...(versioned ? [r('aws:s3/bucketVersioning:BucketVersioning', `s3-${component}-versioning`, { bucket: bucketId, versioningConfiguration: { status: 'Enabled' } })] : []),
    ...(logged ? [r('aws:s3/bucketLogging:BucketLogging', `s3-${component}-logging`, { bucket: bucketId, targetBucket: `tradai-logs-${env}`, targetPrefix: `s3/${component}/` })] : []),
  ];
}

function persistent(env: Environment): R[] {
  const repo = r('aws:ecr/repository:Repository', 'ecr-backend', { name: 'tradai/backend', imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } });
  return [
    ...bucket('configs', env, true, true),
    ...bucket('logs', env, false, false),
    r('aws:dynamodb/table:Table', 'dynamodb-idempotency', {
      name: `tradai-idempotency-${env}`,
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
      ttl: { enabled: true, attributeName: 'expiration' },
    }),
    repo,
    r('aws:ecr/lifecyclePolicy:LifecyclePolicy', 'ecr-backend-lifecycle', { repository: 'tradai/backend', policy: '{"rules":[]}' }),
  ];
}

function foundation(env: Environment): R[] {
  const vpc = r('aws:ec2/vpc:Vpc', 'vpc', { cidrBlock: '10.0.0.0/16', tags: { Name: `tradai-vpc-${env}` } });
  const nat = r('aws:ec2/instance:Instance', 'nat', {
    instanceType: 't4g.nano',
    associatePublicIpAddress: true,
    sourceDestCheck: false,
    iamInstanceProfile: `tradai-nat-instance-${env}`,
    metadataOptions: { httpTokens: 'required' },
    rootBlockDevice: { encrypted: true, volumeType: 'gp3' },
    tags: { Name: `tradai-nat-${env}` },
  });
  const albSg = r('aws:ec2/securityGroup:SecurityGroup', 'sg-alb', { name: `tradai-alb-sg-${env}`, description: 'Application Load Balancer', vpcId: id(vpc) });
  const dlq = r('aws:sqs/queue:Queue', 'backtest-dlq', { name: `tradai-backtest-dlq-${env}`, messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true });
  const queue = r('aws:sqs/queue:Queue', 'backtest', {
    name: `tradai-backtest-queue-${env}`,
    visibilityTimeoutSeconds: 360,
    messageRetentionSeconds: 345_600,
    sqsManagedSseEnabled: true,
    redrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlq), maxReceiveCount: 5 }),
  });
  return [
    vpc,
    r('aws:ec2/flowLog:FlowLog', 'flow-logs', { vpcId: id(vpc), trafficType: 'ALL' }),
    r('aws:ec2/defaultSecurityGroup:DefaultSecurityGroup', 'vpc-default-sg', { vpcId: id(vpc) }),
    r('aws:cloudwatch/logGroup:LogGroup', 'flow-logs-logs', { name: `/aws/vpc/flow-logs/tradai-vpc-${env}`, retentionInDays: 90 }),
    nat,
    r('aws:ec2/eip:Eip', 'nat-eip', { domain: 'vpc', instance: id(nat) }),
    albSg,
    r('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', 'sg-alb-https', { securityGroupId: id(albSg), ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'HTTPS from the internet' }),
    r('aws:rds/instance:Instance', 'mlflow-db', {
      identifier: `tradai-mlflow-db-${env}`,
      engine: 'postgres',
      instanceClass: 'db.t4g.micro',
      allocatedStorage: 20,
      storageEncrypted: true,
      publiclyAccessible: false,
      multiAz: false,
      deletionProtection: true,
      backupRetentionPeriod: 14,
      manageMasterUserPassword: true,
      enabledCloudwatchLogsExports: ['postgresql'],
    }),
    dlq,
    queue,
    ...[dlq, queue].map((q) => r('aws:sqs/queuePolicy:QueuePolicy', `${q.name}-policy`, { queueUrl: id(q), policy: doc(tlsDeny(arn(q), 'sqs:*')) })),
  ];
}

function compute(env: Environment, foundationPlan: R[]): R[] {
  const albSg = foundationPlan.find((x) => x.name === 'sg-alb')!;
  const td = r('aws:ecs/taskDefinition:TaskDefinition', 'live-trading-task', {
    family: `tradai-live-trading-${env}`,
    cpu: '512',
    memory: '1024',
    containerDefinitions: JSON.stringify([{ name: 'live-trading', image: `x@sha256:${'b'.repeat(64)}`, logConfiguration: { logDriver: 'awslogs' } }]),
  });
  const lt = r('aws:ec2/launchTemplate:LaunchTemplate', 'consolidated-lt', {
    instanceType: 't3.small',
    metadataOptions: { httpTokens: 'required' },
    iamInstanceProfile: { name: `tradai-consolidated-${env}` },
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { encrypted: 'true', volumeSize: 30, volumeType: 'gp3' } }],
  });
  const fn = `tradai-health-check-${env}`;
  return [
    r('aws:lb/loadBalancer:LoadBalancer', 'alb', { name: `tradai-alb-${env}`, internal: true, loadBalancerType: 'application', securityGroups: [id(albSg)], dropInvalidHeaderFields: true, enableDeletionProtection: true, accessLogs: { enabled: true, bucket: `tradai-logs-${env}` } }),
    td,
    r('aws:ecs/service:Service', 'live-trading', { name: `tradai-live-trading-${env}`, desiredCount: 1, taskDefinition: arn(td), capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }], networkConfiguration: { assignPublicIp: false, subnets: ['subnet-1'] } }),
    lt,
    r('aws:autoscaling/group:Group', 'consolidated-asg', { name: `tradai-consolidated-${env}`, desiredCapacity: 1, minSize: 1, maxSize: 1, launchTemplate: { id: id(lt), version: '1' } }),
    r('aws:lambda/function:Function', 'health-check', { name: fn, packageType: 'Image', imageUri: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/health-check@sha256:${'a'.repeat(64)}`, timeout: 60, memorySize: 256, tracingConfig: { mode: 'Active' } }),
    r('aws:cloudwatch/logGroup:LogGroup', 'health-check-logs', { name: `/aws/lambda/${fn}`, retentionInDays: 90 }),
  ];
}

function edge(env: Environment): R[] {
  const acl = r('aws:wafv2/webAcl:WebAcl', 'waf', {
    name: `tradai-waf-${env}`,
    scope: 'REGIONAL',
    rules: [
      { name: 'rate', priority: 0, statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: 'IP' } } },
      { name: 'bad-inputs', priority: 1, statement: { managedRuleGroupStatement: { name: 'AWSManagedRulesKnownBadInputsRuleSet', vendorName: 'AWS' } } },
    ],
  });
  return [
    r('aws:apigatewayv2/api:Api', 'api', { name: `tradai-api-${env}`, protocolType: 'HTTP' }),
    r('aws:apigatewayv2/route:Route', 'route-health', { apiId: 'api', routeKey: 'GET /health', authorizationType: 'NONE' }),
    r('aws:apigatewayv2/route:Route', 'route-backtests', { apiId: 'api', routeKey: 'POST /api/v1/backtests', authorizationType: 'JWT', authorizerId: 'jwt' }),
    r('aws:apigatewayv2/stage:Stage', 'api-stage', { apiId: 'api', name: '$default', accessLogSettings: { destinationArn: 'arn:aws:logs:eu-central-1:123456789012:log-group:/tradai/api', format: '{}' }, defaultRouteSettings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 } }),
    acl,
    r('aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration', 'waf-logging', { resourceArn: arn(acl), logDestinationConfigs: ['arn:aws:logs:eu-central-1:123456789012:log-group:aws-waf-logs-tradai'] }),
    r('aws:cloudwatch/logGroup:LogGroup', 'waf-logs', { name: `aws-waf-logs-tradai-${env}`, retentionInDays: 90 }),
  ];
}

const root = join(dirname(fileURLToPath(import.meta.url)), 'plans');
rmSync(root, { recursive: true, force: true });
for (const env of ['dev', 'staging', 'prod'] as const) {
  const f = foundation(env);
  const plans: Record<Layer, R[]> = { persistent: persistent(env), foundation: f, compute: compute(env, f), edge: edge(env) };
  for (const layer of env === 'staging' ? (['persistent'] as const) : LAYERS) {
    const file = join(root, env, `${layer}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ stack: `tradai-${layer}`, environment: env, resources: plans[layer], outputs: {} }, null, 2)}\n`);
  }
}
console.log(`fixture plans written under ${root}`);
