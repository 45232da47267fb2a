import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackConfig, upstream } from '../pulumi/index.js';
import { fixtureOutputs, upstreamFixtures } from './fixtures.js';
import { runInStack, setupStackTest } from './harness.js';
import { mockImageDigest, type PulumiMocks } from './mocks.js';

let mocks: PulumiMocks;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupStackTest({
    project: 'tradai-compute',
    stack: 'staging',
    config: { org: 'acme', strategyRepos: '["momentum"]' },
    stackOutputs: upstreamFixtures('compute', 'staging', 'acme'),
    missingImages: ['tradai/rollback:c-missing'],
  });
  outputs = await runInStack(() => {
    const cfg = stackConfig();
    const foundation = upstream('foundation', cfg);
    class Group extends pulumi.ComponentResource {
      constructor(name: string) {
        super('tradai:test:Group', name);
        new aws.sqs.Queue(`${name}-queue`, { name: foundation.require('vpc_id').apply((v) => `q-${v}`) }, { parent: this });
      }
    }
    new Group('g');
    const ami = aws.ec2.getAmiOutput({ owners: ['amazon'], mostRecent: true, filters: [{ name: 'architecture', values: ['arm64'] }] });
    const image = aws.ecr.getImageOutput({ repositoryName: 'tradai/rollback', imageTag: 'c-1' });
    const azs = aws.getAvailabilityZonesOutput({});
    const identity = aws.getCallerIdentityOutput({});
    const repo = new aws.ecr.Repository('repo', { name: 'tradai/backend' });
    return {
      env: cfg.environment,
      strategies: cfg.strategyRepos,
      vpc: foundation.require('vpc_id'),
      ami: ami.id,
      digest: image.imageDigest,
      azs: azs.names,
      account: identity.accountId,
      repoUrl: repo.repositoryUrl,
    };
  });
});

describe('Pulumi harness', () => {
  it('sets stack config: the stack name is the environment, tradai: keys are read', () => {
    expect(outputs['env']).toBe('staging');
    expect(outputs['strategies']).toEqual(['momentum']);
  });

  it('fills StackReferences from the given outputs (org from config)', () => {
    expect(outputs['vpc']).toBe(fixtureOutputs('foundation', 'staging').vpc_id);
  });

  it('records resources with type, name, inputs and parent', () => {
    const queue = mocks.find('aws:sqs/queue:Queue', 'g-queue');
    expect(queue.inputs['name']).toBe('q-vpc-0fixture');
    expect(queue.parent).toBe('tradai:test:Group::g');
    expect(mocks.find('tradai:test:Group', 'g').parent).toBeNull();
    expect(mocks.countsByType()['aws:sqs/queue:Queue']).toBe(1);
    expect(() => mocks.find('aws:sqs/queue:Queue', 'nope')).toThrow('have: g-queue');
  });

  it('answers the invokes the stacks use and records them', () => {
    expect(outputs['ami']).toBe('ami-0al2023arm64');
    expect(outputs['digest']).toBe(mockImageDigest('tradai/rollback', 'c-1'));
    expect(outputs['azs']).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    expect(outputs['account']).toBe('123456789012');
    expect(mocks.invokes.map((i) => i.token)).toContain('aws:ecr/getImage:getImage');
  });

  it('computes the attributes providers compute (repository URL)', () => {
    expect(outputs['repoUrl']).toBe('123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/backend');
  });

  it('reports a missing image and an unknown invoke loudly', () => {
    expect(() => mocks.call({ token: 'aws:ecr/getImage:getImage', inputs: { repositoryName: 'tradai/rollback', imageTag: 'c-missing' } })).toThrow('ImageNotFoundException');
    expect(() => mocks.call({ token: 'aws:kms/getKey:getKey', inputs: {} })).toThrow('no answer for invoke aws:kms/getKey:getKey');
  });

  it('refuses a StackReference it has no outputs for, listing the known ones', () => {
    expect(() => mocks.newResource({ type: 'pulumi:pulumi:StackReference', name: 'x', inputs: { name: 'acme/tradai-edge/staging' } })).toThrow(
      'no outputs given to the harness (known: acme/tradai-persistent/staging, acme/tradai-foundation/staging)',
    );
  });
});
