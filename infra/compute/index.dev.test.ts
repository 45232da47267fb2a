import { LAMBDA_NAMES, lambdaEnvNames } from '@tradai/contracts';
import { EC2_CONSOLIDATED_CONFIG, LAMBDA_FUNCTIONS, LAMBDA_SCHEDULES, getEcrRepoName, imageBuild, imageTag, outputKeys, parseLayerOutputs } from '@tradai/infra-shared';
import { fixtureOutputs, mockImageDigest, runProgram, setupStackTest, upstreamFixtures, type PulumiMocks } from '@tradai/infra-shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readGolden, useImageWorkspace } from './test-support.js';

let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
let restore: () => void;

beforeAll(async () => {
  restore = useImageWorkspace();
  mocks = await setupStackTest({ project: 'tradai-compute', stack: 'dev', stackOutputs: upstreamFixtures('compute', 'dev') });
  outputs = await runProgram(() => import('./index.js'));
});
afterAll(() => restore());

const T = {
  fn: 'aws:lambda/function:Function',
  service: 'aws:ecs/service:Service',
  taskDef: 'aws:ecs/taskDefinition:TaskDefinition',
  schedule: 'aws:scheduler/schedule:Schedule',
  sfn: 'aws:sfn/stateMachine:StateMachine',
  asg: 'aws:autoscaling/group:Group',
  lt: 'aws:ec2/launchTemplate:LaunchTemplate',
  tg: 'aws:lb/targetGroup:TargetGroup',
  role: 'aws:iam/role:Role',
  policy: 'aws:iam/rolePolicy:RolePolicy',
};
const foundation = fixtureOutputs('foundation', 'dev');
const persistent = fixtureOutputs('persistent', 'dev');

describe('compute (dev): counts of the seed', () => {
  it('18 functions, 6 schedules, 2 state machines', () => {
    expect(mocks.byType(T.fn)).toHaveLength(18);
    expect(mocks.byType(T.schedule)).toHaveLength(6);
    expect(mocks.byType(T.sfn)).toHaveLength(2);
  });

  it('consolidated mode: 3 Fargate services, the other 4 on one EC2 host in an ASG of 1', () => {
    expect(mocks.byType(T.service).map((s) => s.inputs['name']).sort()).toEqual(['tradai-dry-run-trading-dev', 'tradai-live-trading-dev', 'tradai-shadow-trading-dev']);
    // The strategy task + three service task definitions.
    expect(mocks.byType(T.taskDef)).toHaveLength(4);
    const asg = mocks.byType(T.asg);
    expect(asg).toHaveLength(1);
    // One host; max 2 leaves room for its replacement to start before it goes (ec2_consolidated.logic.ts).
    expect(asg[0]!.inputs).toMatchObject({ minSize: 1, maxSize: 2, desiredCapacity: 1, vpcZoneIdentifiers: foundation.private_subnet_ids });
  });
});

describe('compute (dev): outputs', () => {
  it('exports exactly the compute keys of the contract, consolidated_asg_name included', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('compute').filter((k) => k !== 'alb_https_listener_arn' && k !== 'api_certificate_arn').sort());
    expect(() => parseLayerOutputs('compute', outputs)).not.toThrow();
    expect(outputs['consolidated_asg_name']).toBe('tradai-consolidated-dev');
    expect(Object.keys(outputs['lambda_function_arns'] as object).sort()).toEqual([...LAMBDA_NAMES].sort());
    expect(Object.keys(outputs['ecs_service_arns'] as object).sort()).toEqual(['dry-run-trading', 'live-trading', 'shadow-trading']);
    expect(outputs['backtest_workflow_name']).toBe('tradai-backtest-workflow-dev');
    expect(outputs['retraining_workflow_name']).toBe('tradai-retraining-workflow-dev');
  });
});

describe('compute (dev): Lambda functions', () => {
  it('container images pinned by digest: the content tag of the bundle, resolved in ECR', () => {
    for (const name of LAMBDA_NAMES) {
      const fn = mocks.find(T.fn, LAMBDA_FUNCTIONS[name].deferred ? `lambdas-deferred-${name}` : `lambdas-${name}`);
      const tag = imageTag(imageBuild('lambda', name));
      expect(fn.inputs['packageType']).toBe('Image');
      expect(fn.inputs['imageUri']).toBe(`${persistent.ecr_repository_urls[name]}@${mockImageDigest(getEcrRepoName(name), tag)}`);
    }
    const lookups = mocks.invokes.filter((i) => i.token === 'aws:ecr/getImage:getImage').map((i) => i.inputs['repositoryName']);
    for (const name of LAMBDA_NAMES) expect(lookups).toContain(`tradai/${name}`);
  });

  it('each function gets exactly lambdaEnvNames(name), memory/timeout from config, VPC, X-Ray, JSON logs', () => {
    for (const fn of mocks.byType(T.fn)) {
      const name = LAMBDA_NAMES.find((n) => fn.inputs['name'] === `tradai-${n}-dev`)!;
      const vars = (fn.inputs['environment'] as { variables: Record<string, string> }).variables;
      expect(Object.keys(vars).sort(), name).toEqual(lambdaEnvNames(name).sort());
      expect(fn.inputs['memorySize']).toBe(LAMBDA_FUNCTIONS[name].memoryMb);
      expect(fn.inputs['timeout']).toBe(LAMBDA_FUNCTIONS[name].timeoutSeconds);
      expect(fn.inputs['vpcConfig']).toEqual({ subnetIds: foundation.private_subnet_ids, securityGroupIds: [foundation.lambda_security_group_id] });
      expect(fn.inputs['tracingConfig']).toEqual({ mode: 'Active' });
      expect(fn.inputs['loggingConfig']).toEqual({ logFormat: 'JSON', logGroup: `/aws/lambda/tradai-${name}-dev` });
      expect(fn.inputs['role']).toBe(`arn:aws:iam::123456789012:role/tradai-${name}-role-dev`);
    }
    const groups = mocks.byType('aws:cloudwatch/logGroup:LogGroup').filter((g) => String(g.inputs['name']).startsWith('/aws/lambda/'));
    expect(groups).toHaveLength(18);
    for (const g of groups) expect(g.inputs['retentionInDays']).toBe(30);
  });

  it('deferred functions carry the workflow ARNs the state machines got', () => {
    const consumer = mocks.find(T.fn, 'lambdas-deferred-backtest-consumer');
    expect((consumer.inputs['environment'] as { variables: Record<string, string> }).variables['BACKTEST_WORKFLOW_ARN']).toBe(
      'arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-backtest-workflow-dev',
    );
    const drift = mocks.find(T.fn, 'lambdas-deferred-drift-monitor');
    expect((drift.inputs['environment'] as { variables: Record<string, string> }).variables['RETRAINING_WORKFLOW_ARN']).toBe(
      'arn:aws:states:eu-central-1:123456789012:stateMachine:tradai-retraining-workflow-dev',
    );
  });

  it('data-collection-trigger gets the M2M secret ARN (not the secret) and may read exactly that secret', () => {
    const trigger = mocks.find(T.fn, 'lambdas-data-collection-trigger');
    expect((trigger.inputs['environment'] as { variables: Record<string, string> }).variables['COGNITO_M2M_SECRET_ARN']).toBe(persistent.cognito_m2m_secret_arn);
    const policy = JSON.parse(String(mocks.find('aws:iam/rolePolicy:RolePolicy', 'iam-lambda-data-collection-trigger-policy').inputs['policy'])) as { Statement: { Action: string[]; Resource: string | string[] }[] };
    const reads = policy.Statement.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(reads.map((s) => s.Resource).flat()).toEqual([persistent.cognito_m2m_secret_arn]);
  });

  it('schedules: seed expressions, retry policy and a DLQ for failed deliveries', () => {
    for (const s of mocks.byType(T.schedule)) {
      const lambda = Object.keys(LAMBDA_SCHEDULES).find((l) => s.inputs['name'] === `tradai-${l}-schedule-dev`) as keyof typeof LAMBDA_SCHEDULES;
      expect(s.inputs['scheduleExpression']).toBe(LAMBDA_SCHEDULES[lambda]);
      const target = s.inputs['target'] as { arn: string; deadLetterConfig: { arn: string }; retryPolicy: { maximumRetryAttempts: number } };
      expect(target.arn).toBe(`arn:aws:lambda:eu-central-1:123456789012:function:tradai-${lambda}-dev`);
      expect(target.deadLetterConfig.arn).toBe('arn:aws:sqs:eu-central-1:123456789012:tradai-lambda-async-dlq-dev');
      expect(target.retryPolicy.maximumRetryAttempts).toBeGreaterThan(0);
    }
    const async = mocks.byType('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig');
    expect(async).toHaveLength(8);
    for (const a of async) expect(a.inputs['destinationConfig']).toEqual({ onFailure: { destination: 'arn:aws:sqs:eu-central-1:123456789012:tradai-lambda-async-dlq-dev' } });
    // The DLQ refuses requests without TLS, like every other queue.
    const [dlqPolicy] = mocks.byType('aws:sqs/queuePolicy:QueuePolicy');
    expect(JSON.parse(String(dlqPolicy!.inputs['policy'])).Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Resource: 'arn:aws:sqs:eu-central-1:123456789012:tradai-lambda-async-dlq-dev', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it('the backtest queue feeds backtest-consumer with partial batch failures; SNS feeds the dispatcher and registrar', () => {
    const [esm, ...rest] = mocks.byType('aws:lambda/eventSourceMapping:EventSourceMapping');
    expect(rest).toEqual([]);
    expect(esm!.inputs).toMatchObject({
      eventSourceArn: foundation.backtest_queue_arn,
      functionName: 'arn:aws:lambda:eu-central-1:123456789012:function:tradai-backtest-consumer-dev',
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    const subs = mocks.byType('aws:sns/topicSubscription:TopicSubscription').map((s) => [s.inputs['topic'], s.inputs['endpoint']]);
    expect(subs).toEqual([
      [foundation.sns_alerts_topic_arn, 'arn:aws:lambda:eu-central-1:123456789012:function:tradai-notification-dispatcher-dev'],
      [foundation.sns_registration_topic_arn, 'arn:aws:lambda:eu-central-1:123456789012:function:tradai-strategy-registrar-dev'],
    ]);
    const perms = mocks.byType('aws:lambda/permission:Permission');
    expect(perms.map((p) => [p.inputs['principal'], p.inputs['sourceArn']])).toEqual([
      ['sns.amazonaws.com', foundation.sns_alerts_topic_arn],
      ['sns.amazonaws.com', foundation.sns_registration_topic_arn],
    ]);
  });
});

describe('compute (dev): workflows', () => {
  it('the deployed definitions are the reviewed golden files', () => {
    for (const w of ['backtest', 'retraining'] as const) {
      const sm = mocks.find(T.sfn, `workflows-${w}`);
      expect(JSON.parse(String(sm.inputs['definition']))).toEqual(readGolden(w));
      expect(sm.inputs).toMatchObject({ type: 'STANDARD', tracingConfiguration: { enabled: true } });
      expect(sm.inputs['loggingConfiguration']).toEqual({
        level: 'ALL',
        includeExecutionData: true,
        logDestination: `arn:aws:logs:eu-central-1:123456789012:log-group:/aws/vendedlogs/states/tradai-${w}-workflow-dev:*`,
      });
      expect(sm.inputs['roleArn']).toBe('arn:aws:iam::123456789012:role/tradai-step-functions-dev');
    }
  });
});

describe('compute (dev): consolidated EC2 host', () => {
  const lt = () => mocks.byType(T.lt)[0]!.inputs;

  it('t3.small from AL2023 x86_64, 30 GB encrypted gp3, IMDSv2 required, instance profile', () => {
    expect(lt()).toMatchObject({
      instanceType: EC2_CONSOLIDATED_CONFIG.instanceType,
      imageId: 'ami-0al2023x8664',
      metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' },
      iamInstanceProfile: { arn: 'arn:aws:iam::123456789012:instance-profile/tradai-consolidated-profile-dev' },
      vpcSecurityGroupIds: [foundation.consolidated_security_group_id],
    });
    expect(lt()['blockDeviceMappings']).toEqual([{ deviceName: '/dev/xvda', ebs: { volumeSize: 30, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }]);
    const ami = mocks.invokes.find((i) => i.token === 'aws:ec2/getAmi:getAmi')!;
    expect(ami.inputs['filters']).toContainEqual({ name: 'architecture', values: ['x86_64'] });
  });

  it('user data writes a compose file with the four services, images by digest, their env', () => {
    const script = Buffer.from(String(lt()['userData']), 'base64').toString();
    expect(script.startsWith('#!/bin/bash')).toBe(true);
    const compose = parse(script.split("<<'TRADAI_COMPOSE_EOF'\n")[1]!.split('\nTRADAI_COMPOSE_EOF')[0]!) as {
      services: Record<string, { image: string; environment: Record<string, string> }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual([...EC2_CONSOLIDATED_CONFIG.services].sort());
    const backend = compose.services['backend-api']!;
    const tag = imageTag(imageBuild('service', 'backend'));
    expect(backend.image).toBe(`${persistent.ecr_repository_urls['backend']}@${mockImageDigest('tradai/backend', tag)}`);
    expect(backend.environment).toMatchObject({ WORKFLOW_STATE_TABLE: 'tradai-workflow-state-dev', AWS_REGION: 'eu-central-1' });
    // backend-api submits no backtests itself (API Gateway sends them to the queue): no queue URL.
    expect(backend.environment).not.toHaveProperty('BACKTEST_QUEUE_URL');
    expect(compose.services['mlflow']!.environment).toMatchObject({ DB_HOST: 'tradai-mlflow-db-dev.c0abcdefghij.eu-central-1.rds.amazonaws.com', DB_PORT: '5432' });
    // The API services on the host check tokens against the persistent stack's user pool and clients.
    for (const name of ['backend-api', 'data-collection', 'strategy-service']) {
      expect(compose.services[name]!.environment, name).toMatchObject({
        COGNITO_USER_POOL_ID: persistent.cognito_user_pool_id,
        COGNITO_CLIENT_IDS: `${persistent.cognito_user_pool_client_id},${persistent.cognito_m2m_client_id}`,
      });
    }
    expect(compose.services['mlflow']!.environment).not.toHaveProperty('COGNITO_USER_POOL_ID');
    expect(script).not.toMatch(/DB_PASSWORD=/);
    // Registered in Cloud Map for each of its services (the services' ids).
    for (const s of EC2_CONSOLIDATED_CONFIG.services) expect(script).toContain(`register '${s}' `);
  });

  it('the ASG puts the host in the four target groups, which take instance targets', () => {
    const tgs = mocks.byType(T.tg);
    expect(tgs).toHaveLength(4);
    for (const tg of tgs) expect(tg.inputs['targetType']).toBe('instance');
    expect((mocks.byType(T.asg)[0]!.inputs['targetGroupArns'] as string[]).length).toBe(4);
    // Cloud Map services of the host have no ECS health (the host registers itself).
    const sd = mocks.byType('aws:servicediscovery/service:Service');
    expect(sd).toHaveLength(7);
    expect(sd.filter((s) => s.inputs['healthCheckCustomConfig'] !== undefined).map((s) => s.inputs['name']).sort()).toEqual(['dry-run-trading', 'live-trading', 'shadow-trading']);
  });

  it('the host role has SSM core attached', () => {
    const attach = mocks.byType('aws:iam/rolePolicyAttachment:RolePolicyAttachment');
    expect(attach.map((a) => a.inputs['policyArn'])).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
  });
});

describe('compute (dev): ALB without a certificate', () => {
  it('internal ALB in the private subnets (seed), HTTP listener forwarding by the rules, access logs, no deletion protection', () => {
    const [lb] = mocks.byType('aws:lb/loadBalancer:LoadBalancer');
    expect(foundation.private_subnet_ids).not.toEqual(foundation.public_subnet_ids);
    expect(lb!.inputs).toMatchObject({
      internal: true,
      subnets: foundation.private_subnet_ids,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: false,
      accessLogs: { bucket: persistent.s3_logs_bucket_id, prefix: 'alb', enabled: true },
    });
    const listeners = mocks.byType('aws:lb/listener:Listener');
    expect(listeners.map((l) => [l.inputs['protocol'], l.inputs['port']])).toEqual([['HTTP', 80]]);
    expect(mocks.byType('aws:lb/listenerRule:ListenerRule')).toHaveLength(5);
    // Dev sets no tradai:apiDomain: no certificate is requested.
    expect(mocks.byType('aws:acm/certificate:Certificate')).toHaveLength(0);
  });
});

describe('compute (dev): platform manifest', () => {
  it('records each function image digest and the Fargate desired counts for infra-drift-detector', () => {
    const [item] = mocks.byType('aws:dynamodb/tableItem:TableItem');
    expect(item!.inputs).toMatchObject({ tableName: 'tradai-deployments-dev', hashKey: 'strategy', rangeKey: 'deployed_at' });
    const record = JSON.parse(String(item!.inputs['item']));
    expect(record.strategy).toEqual({ S: '_platform' });
    expect(record.deployed_at).toEqual({ S: 'manifest' });
    const images = record.lambda_images.M as Record<string, { S: string }>;
    expect(Object.keys(images)).toHaveLength(18);
    expect(images['tradai-rollback-dev']).toEqual({ S: mockImageDigest('tradai/rollback', imageTag(imageBuild('lambda', 'rollback'))) });
    expect(record.service_desired_counts).toEqual({ M: { 'tradai-dry-run-trading-dev': { N: '1' }, 'tradai-live-trading-dev': { N: '1' }, 'tradai-shadow-trading-dev': { N: '1' } } });
  });
});

describe('compute (dev): IAM', () => {
  it('roles: execution, task, CLI/CI, 18 Lambdas, Step Functions, scheduler, consolidated host', () => {
    expect(mocks.byType(T.role)).toHaveLength(24);
    expect(mocks.byType(T.policy)).toHaveLength(24);
    const oidc = mocks.byType('aws:iam/openIdConnectProvider:OpenIdConnectProvider');
    expect(oidc.map((o) => o.inputs)).toEqual([expect.objectContaining({ url: 'https://token.actions.githubusercontent.com', clientIdLists: ['sts.amazonaws.com'] })]);
    const ci = JSON.parse(String(mocks.find(T.role, 'iam-cli-ci').inputs['assumeRolePolicy']));
    expect(ci.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual(['repo:tradai/platform:ref:refs/heads/main']);
  });
});
