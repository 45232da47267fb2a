import { beforeAll, describe, expect, it } from 'vitest';
import { ECR_REPOS, LAMBDA_ECR_REPOS, getTags } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;
const STRATEGIES = ['momentum', 'mean-reversion'];

beforeAll(async () => {
  mocks = await setupStackTest({
    project: 'tradai-persistent',
    stack: 'dev',
    config: { strategyRepos: JSON.stringify(STRATEGIES), ecrKeepLastImages: '5' },
  });
  const { EcrRepositories } = await import('./ecr.js');
  ({ outputs, options } = await runRecordingOptions(() => {
    const ecr = new EcrRepositories('ecr', { cfg: stackConfig() });
    return { urls: ecr.repositoryUrls, arns: ecr.repositoryArns };
  }));
});

describe('EcrRepositories (dev, two strategies from tradai:strategyRepos, keep 5)', () => {
  const keys = [...ECR_REPOS, ...LAMBDA_ECR_REPOS, ...STRATEGIES];

  it('creates 6 service + 18 Lambda + the configured strategy repositories, named tradai/<key>', () => {
    const repos = mocks.byType(T.repository);
    expect(repos).toHaveLength(6 + 18 + 2);
    expect(repos.map((r) => r.inputs['name'])).toEqual(keys.map((k) => `tradai/${k}`));
  });

  it('makes every repository immutable, scanned on push, encrypted, tagged, retained', () => {
    for (const r of mocks.byType(T.repository)) {
      expect(r.inputs).toMatchObject({
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: 'AES256' }],
        forceDelete: false,
        tags: getTags('dev'),
      });
      expect(optionsOf(options, T.repository, r.name)).toMatchObject({ retainOnDelete: true, protect: false });
    }
  });

  it('keeps the last tradai:ecrKeepLastImages images in every repository', () => {
    const policies = mocks.byType(T.ecrLifecycle);
    expect(policies.map((p) => p.inputs['repository'])).toEqual(keys.map((k) => `tradai/${k}`));
    for (const p of policies) {
      const doc = JSON.parse(p.inputs['policy'] as string) as { rules: { selection: { tagStatus: string; countType: string; countNumber: number }; action: { type: string } }[] };
      expect(doc.rules).toHaveLength(1);
      expect(doc.rules[0]!.selection).toEqual({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 });
      expect(doc.rules[0]!.action).toEqual({ type: 'expire' });
    }
  });

  it('exposes URL and ARN maps keyed by repository key', () => {
    const urls = outputs['urls'] as Record<string, string>;
    expect(Object.keys(urls)).toEqual(keys);
    expect(urls['momentum']).toBe('123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/momentum');
    expect((outputs['arns'] as Record<string, string>)['backtest-consumer']).toBe('arn:aws:ecr:eu-central-1:123456789012:repository/tradai/backtest-consumer');
  });

  it('gives each Lambda repository, and only those, a pull policy for its own function', () => {
    const policies = mocks.byType(T.ecrRepositoryPolicy);
    expect(policies.map((p) => p.inputs['repository'])).toEqual(LAMBDA_ECR_REPOS.map((k) => `tradai/${k}`));
    for (const p of policies) {
      const key = (p.inputs['repository'] as string).replace('tradai/', '');
      const doc = JSON.parse(p.inputs['policy'] as string) as { Statement: { Principal: unknown; Condition: { StringLike: Record<string, string[]> } }[] };
      expect(doc.Statement).toHaveLength(1);
      expect(doc.Statement[0]!.Principal).toEqual({ Service: 'lambda.amazonaws.com' });
      expect(doc.Statement[0]!.Condition.StringLike['aws:sourceArn']![0]).toBe(`arn:aws:lambda:eu-central-1:123456789012:function:tradai-${key}-dev`);
    }
  });
});
