import { describe, expect, it } from 'vitest';
import { AssumeRolePolicyBuilder } from './assume-role-policy-builder.js';
import { validatePolicyDocument } from './policy-document.js';

const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

describe('AssumeRolePolicyBuilder', () => {
  it.each([
    ['forEcsTasks', AssumeRolePolicyBuilder.forEcsTasks(), 'ecs-tasks.amazonaws.com'],
    ['forLambda', AssumeRolePolicyBuilder.forLambda(), 'lambda.amazonaws.com'],
    ['forEc2', AssumeRolePolicyBuilder.forEc2(), 'ec2.amazonaws.com'],
    ['forStepFunctions', AssumeRolePolicyBuilder.forStepFunctions(), 'states.amazonaws.com'],
  ])('%s trusts its service with sts:AssumeRole and no condition', (_name, builder, service) => {
    const doc = builder.build();
    expect(validatePolicyDocument(doc)).toEqual([]);
    expect(doc.Statement).toEqual([{ Sid: 'AllowServiceAssumeRole', Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole'] }]);
  });

  it('adds aws:SourceAccount for service principals when asked', () => {
    const doc = AssumeRolePolicyBuilder.forStepFunctions({ sourceAccount: '123456789012' }).build();
    expect(doc.Statement[0]!.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
    expect(validatePolicyDocument(doc)).toEqual([]);
    expect(() => AssumeRolePolicyBuilder.forLambda({ sourceAccount: '1234' })).toThrow(/sourceAccount "1234" is not a 12-digit account id/);
  });

  it('refuses a malformed service principal', () => {
    expect(() => AssumeRolePolicyBuilder.forService('events')).toThrow(/"events" is not a service principal/);
    expect(AssumeRolePolicyBuilder.forService('events.amazonaws.com').build().Statement[0]!.Principal).toEqual({ Service: 'events.amazonaws.com' });
  });

  it('GitHub OIDC pins the audience and the repository branches', () => {
    const doc = AssumeRolePolicyBuilder.forGithubOidc(PROVIDER, 'tradai/platform', ['main', 'release/v2']).build();
    expect(validatePolicyDocument(doc)).toEqual([]);
    expect(doc.Statement[0]).toEqual({
      Sid: 'AllowGithubActionsAssumeRole',
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: ['sts:AssumeRoleWithWebIdentity'],
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': ['repo:tradai/platform:ref:refs/heads/main', 'repo:tradai/platform:ref:refs/heads/release/v2'],
        },
      },
    });
  });

  it('GitHub OIDC refuses wildcards, bad repositories, providers and empty branch lists', () => {
    expect(() => AssumeRolePolicyBuilder.forGithubOidc(PROVIDER, 'tradai/platform', ['*'])).toThrow(/branch "\*" must be a plain branch name/);
    expect(() => AssumeRolePolicyBuilder.forGithubOidc(PROVIDER, 'tradai/platform', ['refs/heads/main'])).toThrow(/no refs\/ prefix/);
    expect(() => AssumeRolePolicyBuilder.forGithubOidc(PROVIDER, 'tradai/platform', [])).toThrow(/at least one branch/);
    expect(() => AssumeRolePolicyBuilder.forGithubOidc(PROVIDER, 'platform', ['main'])).toThrow(/repository must be "owner\/repo"/);
    expect(() => AssumeRolePolicyBuilder.forGithubOidc(PROVIDER, 'tradai/platform', ['main', 'main'])).toThrow(/listed twice/);
    expect(() => AssumeRolePolicyBuilder.forGithubOidc('arn:aws:iam::123456789012:oidc-provider/example.com', 'tradai/platform', ['main'])).toThrow(/OIDC provider/);
  });

  it('json() is the stringified document', () => {
    expect(JSON.parse(AssumeRolePolicyBuilder.forLambda().json())).toEqual(AssumeRolePolicyBuilder.forLambda().build());
  });
});
