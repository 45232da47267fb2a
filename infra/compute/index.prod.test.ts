import { SERVICES, SERVICE_NAMES, getEcrRepoName, imageBuild, imageTag, outputKeys, parseLayerOutputs } from '@tradai/infra-shared';
import { fixtureOutputs, mockImageDigest, runProgram, setupStackTest, upstreamFixtures, type PulumiMocks } from '@tradai/infra-shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useImageWorkspace } from './test-support.js';

const CERT = 'arn:aws:acm:eu-central-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666';
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
let restore: () => void;

beforeAll(async () => {
  restore = useImageWorkspace();
  mocks = await setupStackTest({ project: 'tradai-compute', stack: 'prod', config: { certificateArn: CERT }, stackOutputs: upstreamFixtures('compute', 'prod') });
  outputs = await runProgram(() => import('./index.js'));
});
afterAll(() => restore());

const foundation = fixtureOutputs('foundation', 'prod');
const persistent = fixtureOutputs('persistent', 'prod');
const service = (name: string) => mocks.find('aws:ecs/service:Service', `ecs-services-${name}`).inputs;
type Container = { name: string; image: string; environment: { name: string; value: string }[]; secrets?: { name: string; valueFrom: string }[]; portMappings: { containerPort: number }[] };
const container = (name: string) => (JSON.parse(String(mocks.find('aws:ecs/taskDefinition:TaskDefinition', `ecs-services-${name}-task`).inputs['containerDefinitions'])) as Container[])[0]!;

describe('compute (prod): Fargate everywhere', () => {
  it('7 ECS services, no consolidated host', () => {
    expect(mocks.byType('aws:ecs/service:Service')).toHaveLength(7);
    expect(mocks.byType('aws:autoscaling/group:Group')).toEqual([]);
    expect(mocks.byType('aws:ec2/launchTemplate:LaunchTemplate')).toEqual([]);
    expect(mocks.byType('aws:iam/instanceProfile:InstanceProfile')).toEqual([]);
    expect(mocks.byType('aws:lambda/function:Function')).toHaveLength(18);
    expect(mocks.byType('aws:scheduler/schedule:Schedule')).toHaveLength(6);
    expect(mocks.byType('aws:sfn/stateMachine:StateMachine')).toHaveLength(2);
  });

  it('exports every compute key but consolidated_asg_name', () => {
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('compute').filter((k) => k !== 'consolidated_asg_name' && k !== 'api_certificate_arn').sort());
    expect(() => parseLayerOutputs('compute', outputs)).not.toThrow();
    expect(Object.keys(outputs['ecs_service_arns'] as object).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it('desired counts, spot per config, live-trading never on Spot, Cloud Map registration', () => {
    expect(service('backend-api')['desiredCount']).toBe(2);
    expect(service('mlflow')['desiredCount']).toBe(1);
    expect(service('live-trading')['capacityProviderStrategies']).toEqual([{ capacityProvider: 'FARGATE', weight: 1, base: 0 }]);
    expect(service('live-trading')).toMatchObject({ deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
    for (const name of SERVICE_NAMES) {
      const strategy = service(name)['capacityProviderStrategies'] as { capacityProvider: string }[];
      expect(strategy.some((s) => s.capacityProvider === 'FARGATE_SPOT'), name).toBe(SERVICES[name].spot);
      expect(service(name)['networkConfiguration']).toEqual({ subnets: foundation.private_subnet_ids, securityGroups: [foundation.ecs_security_group_id], assignPublicIp: false });
      expect((service(name)['serviceRegistries'] as { registryArn: string }).registryArn).toContain(`service/${name}`);
    }
  });

  it('ALB services sit behind their ip target groups, the others behind none', () => {
    for (const name of SERVICE_NAMES) {
      const lbs = service(name)['loadBalancers'] as { containerName: string; containerPort: number }[] | undefined;
      expect(lbs?.map((l) => [l.containerName, l.containerPort]), name).toEqual(SERVICES[name].alb ? [[name, SERVICES[name].port]] : undefined);
    }
    for (const tg of mocks.byType('aws:lb/targetGroup:TargetGroup')) expect(tg.inputs['targetType']).toBe('ip');
  });
});

describe('compute (prod): task definitions', () => {
  it('sizes and port from SERVICES, images pinned by digest', () => {
    for (const name of SERVICE_NAMES) {
      const td = mocks.find('aws:ecs/taskDefinition:TaskDefinition', `ecs-services-${name}-task`).inputs;
      expect(td).toMatchObject({ cpu: String(SERVICES[name].cpu), memory: String(SERVICES[name].memory), networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] });
      const c = container(name);
      const repo = SERVICES[name].imageRepo;
      expect(c.image).toBe(`${persistent.ecr_repository_urls[repo]}@${mockImageDigest(getEcrRepoName(repo), imageTag(imageBuild('service', repo)))}`);
      expect(c.portMappings[0]!.containerPort).toBe(SERVICES[name].port);
    }
  });

  it('the API services get the user pool and client ids from the persistent stack; the bots do not', () => {
    const env = (name: string) => Object.fromEntries(container(name).environment.map((e) => [e.name, e.value]));
    for (const name of ['backend-api', 'data-collection', 'strategy-service']) {
      expect(env(name), name).toMatchObject({
        COGNITO_USER_POOL_ID: persistent.cognito_user_pool_id,
        COGNITO_CLIENT_IDS: `${persistent.cognito_user_pool_client_id},${persistent.cognito_m2m_client_id}`,
      });
    }
    for (const name of ['mlflow', 'live-trading', 'dry-run-trading', 'shadow-trading']) expect(env(name), name).not.toHaveProperty('COGNITO_USER_POOL_ID');
  });

  it('MLflow reads its DB credentials from Secrets Manager, never from plain environment', () => {
    const c = container('mlflow');
    expect(c.secrets).toEqual([
      { name: 'DB_USERNAME', valueFrom: `${foundation.rds_secret_arn}:username::` },
      { name: 'DB_PASSWORD', valueFrom: `${foundation.rds_secret_arn}:password::` },
    ]);
    expect(c.environment.map((e) => e.name)).not.toContain('DB_PASSWORD');
    expect(Object.fromEntries(c.environment.map((e) => [e.name, e.value]))).toMatchObject({ DB_NAME: 'mlflow', MLFLOW_ARTIFACT_ROOT: 's3://tradai-mlflow-prod/artifacts' });
    for (const name of SERVICE_NAMES.filter((n) => n !== 'mlflow')) expect(container(name).secrets, name).toBeUndefined();
  });

  it('the strategy task: base image from config, results bucket and MLflow URI, retention 90 days', () => {
    const td = mocks.find('aws:ecs/taskDefinition:TaskDefinition', 'ecs-strategy').inputs;
    const [c] = JSON.parse(String(td['containerDefinitions'])) as Container[];
    expect(c!.name).toBe('strategy');
    expect(Object.fromEntries(c!.environment.map((e) => [e.name, e.value]))).toMatchObject({
      MODE: 'backtest',
      RESULTS_BUCKET: 'tradai-results-prod',
      MLFLOW_TRACKING_URI: 'http://mlflow.tradai-prod.local:5000/mlflow',
    });
    for (const g of mocks.byType('aws:cloudwatch/logGroup:LogGroup')) expect(g.inputs['retentionInDays'], String(g.inputs['name'])).toBe(90);
    // Strategy runs stay on on-demand Fargate in prod.
    const def = JSON.parse(String(mocks.find('aws:sfn/stateMachine:StateMachine', 'workflows-backtest').inputs['definition']));
    expect(def.States.RunBacktest.Parameters.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
  });
});

describe('compute (prod): ALB with a certificate', () => {
  it('deletion protection, HTTPS with the certificate, HTTP redirects to it', () => {
    expect(mocks.byType('aws:lb/loadBalancer:LoadBalancer')[0]!.inputs).toMatchObject({ enableDeletionProtection: true, dropInvalidHeaderFields: true, internal: true });
    const https = mocks.find('aws:lb/listener:Listener', 'alb-https').inputs;
    expect(https).toMatchObject({ protocol: 'HTTPS', port: 443, certificateArn: CERT });
    expect(String(https['sslPolicy'])).toMatch(/^ELBSecurityPolicy-TLS13/);
    const http = mocks.find('aws:lb/listener:Listener', 'alb-http').inputs;
    expect(http['defaultActions']).toEqual([{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }]);
    expect(outputs['alb_https_listener_arn']).toMatch(/listener\/app\//);
  });

  it('listener rules hang on the HTTPS listener and cover every ALB path', () => {
    const rules = mocks.byType('aws:lb/listenerRule:ListenerRule');
    expect(rules).toHaveLength(5);
    for (const rule of rules) expect(rule.inputs['listenerArn']).toBe(outputs['alb_https_listener_arn']);
    const paths = rules.flatMap((r) => (r.inputs['conditions'] as { pathPattern: { values: string[] } }[])[0]!.pathPattern.values);
    expect(paths.sort()).toEqual(
      ['/health', '/api/v1/backtests*', '/api/v1/models*', '/api/v1/deployments*', '/api/v1/trading*', '/api/v1/retraining*', '/api/v1/strategies*', '/api/v1/data*', '/mlflow*'].sort(),
    );
  });
});

it('platform manifest (prod): the seven services with their desired counts', () => {
  const record = JSON.parse(String(mocks.byType('aws:dynamodb/tableItem:TableItem')[0]!.inputs['item']));
  const counts = record.service_desired_counts.M as Record<string, { N: string }>;
  expect(Object.keys(counts)).toHaveLength(7);
  expect(counts['tradai-backend-api-prod']).toEqual({ N: '2' });
});

it('IAM (prod): no consolidated host role, 23 roles', () => {
  expect(mocks.byType('aws:iam/role:Role')).toHaveLength(23);
  const exec = JSON.parse(String(mocks.find('aws:iam/rolePolicy:RolePolicy', 'iam-ecs-execution-policy').inputs['policy']));
  const logs = exec.Statement.find((s: { Sid: string }) => s.Sid === 'EcsExecutionCloudWatchLogs').Resource as string[];
  expect(logs).toContain('arn:aws:logs:eu-central-1:123456789012:log-group:/ecs/tradai-live-trading-prod');
  expect(logs).toContain('arn:aws:logs:eu-central-1:123456789012:log-group:/ecs/tradai-backend-api-prod');
});
