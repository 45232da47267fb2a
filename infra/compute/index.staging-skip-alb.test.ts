import { LAMBDA_SCHEDULES, getStackReferenceName, outputKeys, parseLayerOutputs } from '@tradai/infra-shared';
import { fixtureOutputs, runProgram, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useImageWorkspace } from './test-support.js';

/**
 * staging with tradai:skipAlb, a schedule override, a strategy repository and a CI branch list:
 * the config paths the dev/prod scenarios do not take.
 */
let mocks: PulumiMocks;
let outputs: Record<string, unknown>;
let restore: () => void;

beforeAll(async () => {
  restore = useImageWorkspace();
  mocks = await setupStackTest({
    project: 'tradai-compute',
    stack: 'staging',
    config: {
      skipAlb: 'true',
      lambdaSchedules: '{"heartbeat-monitor":"rate(2 minutes)","infra-drift-detector":"cron(30 5 * * ? *)"}',
      strategyRepos: '["momentum"]',
      githubOidc: '{"repository":"acme/tradai","branches":["main","release"]}',
    },
    stackOutputs: {
      [getStackReferenceName('organization', 'persistent', 'staging')]: fixtureOutputs('persistent', 'staging', ['momentum']),
      [getStackReferenceName('organization', 'foundation', 'staging')]: fixtureOutputs('foundation', 'staging'),
    },
  });
  outputs = await runProgram(() => import('./index.js'));
});
afterAll(() => restore());

describe('compute (staging, skipAlb)', () => {
  it('creates no load balancer, listener, rule or target group, and exports no alb_* key', () => {
    for (const t of ['aws:lb/loadBalancer:LoadBalancer', 'aws:lb/listener:Listener', 'aws:lb/listenerRule:ListenerRule', 'aws:lb/targetGroup:TargetGroup']) {
      expect(mocks.byType(t), t).toEqual([]);
    }
    expect(Object.keys(outputs).filter((k) => k.startsWith('alb_'))).toEqual([]);
    expect(Object.keys(outputs).sort()).toEqual(outputKeys('compute').filter((k) => !k.startsWith('alb_') && k !== 'api_certificate_arn').sort());
    expect(() => parseLayerOutputs('compute', outputs)).not.toThrow();
  });

  it('the consolidated host still runs, registered in Cloud Map, in no target group', () => {
    const asg = mocks.byType('aws:autoscaling/group:Group');
    expect(asg).toHaveLength(1);
    expect(asg[0]!.inputs['targetGroupArns']).toBeUndefined();
    expect(outputs['consolidated_asg_name']).toBe('tradai-consolidated-staging');
    expect(mocks.byType('aws:ecs/service:Service').every((s) => s.inputs['loadBalancers'] === undefined)).toBe(true);
  });

  it('schedule expressions come from tradai:lambdaSchedules where set, the seed elsewhere', () => {
    const by = Object.fromEntries(mocks.byType('aws:scheduler/schedule:Schedule').map((s) => [s.inputs['name'], s.inputs['scheduleExpression']]));
    expect(by).toEqual({
      'tradai-health-check-schedule-staging': LAMBDA_SCHEDULES['health-check'],
      'tradai-heartbeat-monitor-schedule-staging': 'rate(2 minutes)',
      'tradai-drift-monitor-schedule-staging': LAMBDA_SCHEDULES['drift-monitor'],
      'tradai-infra-drift-detector-schedule-staging': 'cron(30 5 * * ? *)',
      'tradai-orphan-cleanup-schedule-staging': LAMBDA_SCHEDULES['orphan-cleanup'],
      'tradai-data-collection-trigger-schedule-staging': LAMBDA_SCHEDULES['data-collection-trigger'],
    });
    // Lambda's own async retry window follows the overridden period.
    const heartbeat = mocks.find('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'lambda-triggers-heartbeat-monitor-async');
    expect(heartbeat.inputs['maximumEventAgeInSeconds']).toBe(120);
  });

  it('the strategy task runs the first strategy repository; the execution role may pull it', () => {
    const td = mocks.find('aws:ecs/taskDefinition:TaskDefinition', 'ecs-strategy').inputs;
    const [c] = JSON.parse(String(td['containerDefinitions'])) as { image: string }[];
    expect(c!.image).toBe('123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/momentum:latest');
    const exec = JSON.parse(String(mocks.find('aws:iam/rolePolicy:RolePolicy', 'iam-ecs-execution-policy').inputs['policy']));
    const pull = exec.Statement.find((s: { Sid: string }) => s.Sid === 'EcsExecutionEcrPull').Resource as string[];
    expect(pull).toContain('arn:aws:ecr:eu-central-1:123456789012:repository/tradai/momentum');
  });

  it('the CLI/CI role trusts the configured repository and branches only', () => {
    const trust = JSON.parse(String(mocks.find('aws:iam/role:Role', 'iam-cli-ci').inputs['assumeRolePolicy']));
    expect(trust.Statement[0].Principal).toEqual({ Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' });
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': ['repo:acme/tradai:ref:refs/heads/main', 'repo:acme/tradai:ref:refs/heads/release'],
    });
  });
});
