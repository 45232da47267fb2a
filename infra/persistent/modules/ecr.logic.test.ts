import { describe, expect, it } from 'vitest';
import { ECR_REPOS, LAMBDA_ECR_REPOS } from '@tradai/infra-shared';
import { ecrLifecyclePolicy, ecrRepoSpecs, lambdaPullPolicy } from './ecr.logic.js';

describe('ecrRepoSpecs', () => {
  it('lists 6 service + 18 Lambda repositories, then the strategies, named tradai/<key>', () => {
    const specs = ecrRepoSpecs(['momentum', 'mean-reversion']);
    expect(specs).toHaveLength(6 + 18 + 2);
    expect(specs.slice(0, 6).map((s) => s.key)).toEqual([...ECR_REPOS]);
    expect(specs.slice(6, 24).map((s) => s.key)).toEqual([...LAMBDA_ECR_REPOS]);
    expect(specs.slice(24)).toEqual([
      { key: 'momentum', name: 'tradai/momentum' },
      { key: 'mean-reversion', name: 'tradai/mean-reversion' },
    ]);
    for (const s of specs) expect(s.name).toBe(`tradai/${s.key}`);
  });

  it('has 24 repositories without strategies', () => {
    expect(ecrRepoSpecs([])).toHaveLength(24);
  });

  it('refuses a duplicate or invalid repository name', () => {
    expect(() => ecrRepoSpecs(['momentum', 'momentum'])).toThrow(/"momentum" is listed twice/);
    expect(() => ecrRepoSpecs(['health-check'])).toThrow(/"health-check" is listed twice/);
    expect(() => ecrRepoSpecs(['Bad_Name'])).toThrow(/"tradai\/Bad_Name" is not valid/);
    expect(() => ecrRepoSpecs(['trailing-'])).toThrow(/is not valid/);
  });
});

describe('ecrLifecyclePolicy', () => {
  it('expires everything beyond the newest N images', () => {
    expect(ecrLifecyclePolicy(7)).toEqual({
      rules: [{ rulePriority: 1, description: 'keep the last 7 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 7 }, action: { type: 'expire' } }],
    });
  });

  it('refuses a count that would expire every image', () => {
    expect(() => ecrLifecyclePolicy(0)).toThrow(/tradai:ecrKeepLastImages/);
    expect(() => ecrLifecyclePolicy(2.5)).toThrow(/positive whole number/);
  });
});

describe('lambdaPullPolicy', () => {
  it('lets the Lambda service pull for the one function (any version or alias), nothing else', () => {
    const doc = lambdaPullPolicy({ partition: 'aws', region: 'eu-central-1', account: '123456789012', env: 'staging' }, 'backtest-consumer');
    const fn = 'arn:aws:lambda:eu-central-1:123456789012:function:tradai-backtest-consumer-staging';
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'LambdaECRImageRetrievalPolicy',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Condition: { StringLike: { 'aws:sourceArn': [fn, `${fn}:*`] } },
        },
      ],
    });
    // ECR rejects a Resource element in repository policies.
    expect(doc.Statement.some((s) => 'Resource' in s)).toBe(false);
  });

  it('in a shared account, names the function of each sharing environment and nothing wider', () => {
    const ctx = { partition: 'aws', region: 'eu-central-1', account: '123456789012', env: 'staging' } as const;
    const arns = lambdaPullPolicy(ctx, 'rollback', ['dev', 'staging']).Statement[0]!.Condition['StringLike']!['aws:sourceArn'];
    expect(arns).toEqual(['dev', 'staging'].flatMap((e) => [`arn:aws:lambda:eu-central-1:123456789012:function:tradai-rollback-${e}`, `arn:aws:lambda:eu-central-1:123456789012:function:tradai-rollback-${e}:*`]));
    expect(() => lambdaPullPolicy(ctx, 'rollback', [])).toThrow('lambdaPullPolicy(rollback): at least one environment is needed');
  });
});
