import { describe, expect, it } from 'vitest';
import { LAMBDA_ECR_REPOS } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { T, runRecordingOptions } from './test-support.js';

const SHARED = JSON.stringify({ owner: 'staging', environments: ['dev', 'staging'] });

async function run(env: string, config: Record<string, string>): Promise<{ mocks: PulumiMocks; outputs: Record<string, unknown> }> {
  const mocks = await setupStackTest({ project: 'tradai-persistent', stack: env, config: { strategyRepos: '["momentum"]', ...config } });
  const { outputs } = await runRecordingOptions(async () => (await import('./index.js')).default());
  return { mocks, outputs };
}

const getRepository = 'aws:ecr/getRepository:getRepository';

describe('account-wide resources of persistent (ECR repositories without an environment in their names, the trail)', () => {
  it('an environment with its own account creates all of them', async () => {
    const { mocks } = await run('prod', {});
    expect(mocks.byType(T.repository)).toHaveLength(25);
    expect(mocks.byType(T.trail)).toHaveLength(1);
    expect(mocks.invokes.filter((i) => i.token === getRepository)).toEqual([]);
  });

  it('shared account: the owner creates them once and lets the Lambdas of every sharing environment pull', async () => {
    const { mocks } = await run('staging', { sharedAccount: SHARED });
    expect(mocks.byType(T.repository)).toHaveLength(25);
    expect(mocks.byType(T.ecrLifecycle)).toHaveLength(25);
    expect(mocks.byType(T.trail)).toHaveLength(1);
    const pull = mocks.byType(T.ecrRepositoryPolicy);
    expect(pull).toHaveLength(LAMBDA_ECR_REPOS.length);
    const doc = JSON.parse(pull.find((p) => p.inputs['repository'] === 'tradai/backtest-consumer')!.inputs['policy'] as string);
    expect(doc.Statement[0].Condition.StringLike['aws:sourceArn']).toEqual([
      'arn:aws:lambda:eu-central-1:123456789012:function:tradai-backtest-consumer-dev',
      'arn:aws:lambda:eu-central-1:123456789012:function:tradai-backtest-consumer-dev:*',
      'arn:aws:lambda:eu-central-1:123456789012:function:tradai-backtest-consumer-staging',
      'arn:aws:lambda:eu-central-1:123456789012:function:tradai-backtest-consumer-staging:*',
    ]);
  });

  it('shared account: the other environment creates none, looks each repository up and exports the same URLs', async () => {
    const owner = await run('staging', { sharedAccount: SHARED });
    const { mocks, outputs } = await run('dev', { sharedAccount: SHARED });
    for (const type of [T.repository, T.ecrLifecycle, T.ecrRepositoryPolicy, T.trail]) expect(mocks.byType(type), type).toEqual([]);
    const lookups = mocks.invokes.filter((i) => i.token === getRepository).map((i) => i.inputs['name']);
    expect(lookups).toHaveLength(25);
    expect(lookups).toEqual(owner.mocks.byType(T.repository).map((r) => r.inputs['name']));
    expect(outputs['ecr_repository_urls']).toEqual(owner.outputs['ecr_repository_urls']);
    expect(outputs['ecr_repository_arns']).toEqual(owner.outputs['ecr_repository_arns']);
    // No trail, so the logs bucket admits no CloudTrail delivery.
    const logsPolicy = mocks.byType(T.policy).find((p) => p.inputs['bucket'] === 'tradai-logs-dev')!;
    expect(logsPolicy.inputs['policy']).not.toContain('cloudtrail');
    // Everything with an environment in its name is still this environment's own.
    expect(mocks.byType(T.bucket)).toHaveLength(5);
    expect(mocks.byType(T.table)).toHaveLength(12);
    expect(mocks.byType(T.caDomain).map((d) => d.inputs['domain'])).toEqual(['tradai-codeartifact-dev']);
  });
});
