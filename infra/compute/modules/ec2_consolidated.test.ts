import * as pulumi from '@pulumi/pulumi';
import { EC2_CONSOLIDATED_CONFIG } from '@tradai/infra-shared';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { runInStack, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { INSTANCE_WARMUP_SECONDS, LAUNCH_HOOK_NAME, LAUNCH_HOOK_TIMEOUT_SECONDS } from './ec2_consolidated.logic.js';

/** One scenario: staging with the Packer-built AMI configured; the module on its own with plain inputs. */
let mocks: PulumiMocks;
const AMI = 'ami-0123456789abcdef0';
const REPO = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/backend';

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-compute', stack: 'staging', config: { consolidatedAmiId: AMI } });
  const { ConsolidatedHost } = await import('./ec2_consolidated.js');
  await runInStack(() => {
    const service = (s: string) => ({ image: `${REPO}@sha256:${'a'.repeat(64)}`, environment: [{ name: 'SERVICE_NAME', value: s }], logGroupName: `/ecs/tradai-${s}-staging`, serviceDiscoveryId: `srv-${s}` });
    const host = new ConsolidatedHost('consolidated', {
      cfg: stackConfig(),
      region: 'eu-central-1',
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/tradai-consolidated-profile-staging',
      privateSubnetIds: ['subnet-a', 'subnet-b'],
      securityGroupId: 'sg-host',
      registryRepositoryUrl: REPO,
      rdsSecretArn: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds-AbCdEf',
      services: {
        'backend-api': service('backend-api'),
        'data-collection': service('data-collection'),
        mlflow: service('mlflow'),
        'strategy-service': service('strategy-service'),
      },
      targetGroupArns: ['arn:tg/1', 'arn:tg/2', 'arn:tg/3', 'arn:tg/4'],
    });
    return { asg: host.autoScalingGroup.name };
  });
  await pulumi.runtime.disconnect();
});

const asg = () => mocks.byType('aws:autoscaling/group:Group')[0]!.inputs;

describe('ConsolidatedHost with tradai:consolidatedAmiId', () => {
  it('launches the configured AMI and does not look up stock AL2023', () => {
    expect(mocks.byType('aws:ec2/launchTemplate:LaunchTemplate')[0]!.inputs['imageId']).toBe(AMI);
    expect(mocks.invokes.filter((i) => i.token === 'aws:ec2/getAmi:getAmi')).toHaveLength(0);
    expect(mocks.byType('aws:ec2/launchTemplate:LaunchTemplate')[0]!.inputs['instanceType']).toBe(EC2_CONSOLIDATED_CONFIG.instanceType);
  });
});

describe('ConsolidatedHost replacement: the old host serves until the new one is healthy', () => {
  it('refreshes launch-before-terminate (100 % healthy kept, 200 % allowed), rolling back on failure', () => {
    expect(asg()['instanceRefresh']).toEqual({
      strategy: 'Rolling',
      preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: String(INSTANCE_WARMUP_SECONDS), autoRollback: true, skipMatching: false },
    });
    // Every other replacement (rebalancing, max lifetime) launches first as well.
    expect(asg()['instanceMaintenancePolicy']).toEqual({ minHealthyPercentage: 100, maxHealthyPercentage: 200 });
  });

  it('has room for the second host and pins the launch template version (auto rollback refuses $Latest)', () => {
    expect(asg()).toMatchObject({ minSize: 1, maxSize: 2, desiredCapacity: 1 });
    expect((asg()['launchTemplate'] as { version: string }).version).toMatch(/^\d+$/);
  });

  it('gates every new host on a launch hook its user data answers, abandoning it when unanswered', () => {
    expect(asg()['initialLifecycleHooks']).toEqual([
      { name: LAUNCH_HOOK_NAME, lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', defaultResult: 'ABANDON', heartbeatTimeout: LAUNCH_HOOK_TIMEOUT_SECONDS },
    ]);
    const script = Buffer.from(String(mocks.byType('aws:ec2/launchTemplate:LaunchTemplate')[0]!.inputs['userData']), 'base64').toString();
    expect(script).toContain(`ASG_NAME='${String(asg()['name'])}'`);
    expect(script).toContain(`LAUNCH_HOOK='${LAUNCH_HOOK_NAME}'`);
  });
});
