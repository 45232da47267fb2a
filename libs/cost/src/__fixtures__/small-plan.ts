import type { Environment, InterfaceEndpointMode, Layer } from '@tradai/infra-shared';
import { mockResourceState } from '@tradai/infra-shared/testing';
import { PlanGraph, type LocatedResource } from '@tradai/policy';

const res = (type: string, name: string, inputs: Record<string, unknown>, layer: Layer): LocatedResource => ({ type, name, inputs, parent: null, layer });
const id = (r: LocatedResource) => mockResourceState(r.type, r.name, r.inputs).id;
const arn = (r: LocatedResource) => String(mockResourceState(r.type, r.name, r.inputs).state['arn']);

/**
 * A small synthetic plan with one of each priced kind, shaped like the real synth output
 * (references are the mock runtime's ids and ARNs). `consolidated` adds the EC2 host (refreshed
 * launch-before-terminate behind a 900 s launch hook); otherwise the four core services run on
 * Fargate. `endpoints` places the four interface endpoints as tradai:interfaceEndpoints would.
 */
export function smallPlan(env: Environment, consolidated: boolean, endpoints: InterfaceEndpointMode = 'none'): PlanGraph {
  const nat = res('aws:ec2/instance:Instance', 'nat', { instanceType: 't4g.nano', sourceDestCheck: false, associatePublicIpAddress: true, rootBlockDevice: { volumeType: 'gp3', encrypted: true } }, 'foundation');
  const eip = res('aws:ec2/eip:Eip', 'nat-eip', { domain: 'vpc', instance: id(nat) }, 'foundation');
  const db = res('aws:rds/instance:Instance', 'mlflow-db', { identifier: `tradai-mlflow-db-${env}`, instanceClass: env === 'prod' ? 'db.t4g.small' : 'db.t4g.micro', allocatedStorage: env === 'prod' ? 50 : 20, multiAz: env === 'prod', manageMasterUserPassword: true }, 'foundation');
  const queue = res('aws:sqs/queue:Queue', 'backtest', { name: `tradai-backtest-queue-${env}` }, 'foundation');
  const fn = res('aws:lambda/function:Function', 'heartbeat-monitor', { name: `tradai-heartbeat-monitor-${env}`, memorySize: 256, timeout: 30, architectures: ['x86_64'] }, 'compute');
  const consumer = res('aws:lambda/function:Function', 'backtest-consumer', { name: `tradai-backtest-consumer-${env}`, memorySize: 256, timeout: 60 }, 'compute');
  const schedule = res('aws:scheduler/schedule:Schedule', 'heartbeat-schedule', { scheduleExpression: 'rate(5 minutes)', target: { arn: arn(fn) } }, 'compute');
  const esm = res('aws:lambda/eventSourceMapping:EventSourceMapping', 'consumer-sqs', { eventSourceArn: arn(queue), functionName: arn(consumer) }, 'compute');
  const table = res('aws:dynamodb/table:Table', 'trading-state', { name: `tradai-trading-state-${env}`, billingMode: 'PAY_PER_REQUEST', pointInTimeRecovery: { enabled: true } }, 'persistent');
  const bucket = res('aws:s3/bucket:Bucket', 'arcticdb', { bucket: `tradai-arcticdb-${env}` }, 'persistent');
  const role = res('aws:iam/role:Role', 'role', { assumeRolePolicy: '{}' }, 'compute');
  const strange = res('aws:appsync/graphQLApi:GraphQLApi', 'mystery', {}, 'edge');
  const component = res('tradai:compute:Lambdas', 'lambdas', {}, 'compute');
  const m2m = res('aws:cognito/userPoolClient:UserPoolClient', 'cognito-m2m-client', { name: `tradai-m2m-${env}`, allowedOauthFlows: ['client_credentials'], generateSecret: true }, 'persistent');
  const web = res('aws:cognito/userPoolClient:UserPoolClient', 'cognito-web-client', { name: `tradai-web-${env}`, allowedOauthFlows: ['code'] }, 'persistent');
  const subnets = ['a', 'b'].map((az) => res('aws:ec2/subnet:Subnet', `private-${az}`, { availabilityZone: `eu-central-1${az}` }, 'foundation'));
  const all = [nat, eip, db, queue, fn, consumer, schedule, esm, table, bucket, role, strange, component, m2m, web, ...subnets];
  if (endpoints !== 'none') {
    const ids = subnets.map(id).slice(0, endpoints === 'single-az' ? 1 : 2);
    for (const service of ['ecr-api', 'ecr-dkr', 'logs', 'sts']) all.push(res('aws:ec2/vpcEndpoint:VpcEndpoint', `vpce-${service}`, { vpcEndpointType: 'Interface', subnetIds: ids }, 'foundation'));
  }

  const task = (name: string, cpu: number, memory: number) => res('aws:ecs/taskDefinition:TaskDefinition', `${name}-task`, { family: `tradai-${name}-${env}`, cpu: String(cpu), memory: String(memory) }, 'compute');
  const live = task('live-trading', 512, 1024);
  all.push(live, res('aws:ecs/service:Service', 'live-trading', { name: `tradai-live-trading-${env}`, desiredCount: 1, taskDefinition: arn(live), capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }] }, 'compute'));
  const strategy = task('strategy', 1024, 2048);
  all.push(strategy);
  if (consolidated) {
    const lt = res('aws:ec2/launchTemplate:LaunchTemplate', 'consolidated-lt', { instanceType: 't3.small', blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 30, volumeType: 'gp3', encrypted: 'true' } }] }, 'compute');
    all.push(
      lt,
      res(
        'aws:autoscaling/group:Group',
        'consolidated-asg',
        {
          desiredCapacity: 1,
          minSize: 1,
          maxSize: 2,
          launchTemplate: { id: id(lt), version: '1' },
          initialLifecycleHooks: [{ name: 'healthy', lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', defaultResult: 'ABANDON', heartbeatTimeout: 900 }],
          instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: '90' } },
        },
        'compute',
      ),
    );
  } else {
    for (const [name, cpu, memory] of [['backend-api', 512, 1024], ['data-collection', 256, 512], ['mlflow', 512, 1024], ['strategy-service', 256, 512]] as const) {
      const td = task(name, cpu, memory);
      all.push(td, res('aws:ecs/service:Service', `svc-${name}`, { name: `tradai-${name}-${env}`, desiredCount: name === 'backend-api' && env === 'prod' ? 2 : 1, taskDefinition: arn(td), launchType: 'FARGATE' }, 'compute'));
    }
  }
  return new PlanGraph(env, all);
}
