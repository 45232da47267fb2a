import { getStackReferenceName } from '@tradai/infra-shared';
import { fixtureOutputs, runProgram, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useImageWorkspace } from './test-support.js';

/** dev and staging in one account (tradai:sharedAccount), staging owning the account-wide resources. */
const SHARED = JSON.stringify({ owner: 'staging', environments: ['dev', 'staging'] });
const PROVIDER = 'aws:iam/openIdConnectProvider:OpenIdConnectProvider';
const LOOKUP = 'aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider';
const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

let restore: () => void;
beforeAll(() => {
  restore = useImageWorkspace();
});
afterAll(() => restore());

async function plan(env: 'dev' | 'staging'): Promise<PulumiMocks> {
  const mocks = await setupStackTest({
    project: 'tradai-compute',
    stack: env,
    config: { sharedAccount: SHARED },
    stackOutputs: {
      [getStackReferenceName('organization', 'persistent', env)]: fixtureOutputs('persistent', env),
      [getStackReferenceName('organization', 'foundation', env)]: fixtureOutputs('foundation', env),
    },
  });
  await runProgram(() => import('./index.js'));
  return mocks;
}

const cliCiTrust = (mocks: PulumiMocks, env: string) => {
  const role = mocks.byType('aws:iam/role:Role').find((r) => r.inputs['name'] === `tradai-cli-ci-${env}`)!;
  return JSON.parse(role.inputs['assumeRolePolicy'] as string) as { Statement: { Principal: unknown }[] };
};

describe('GitHub OIDC provider in an account shared by dev and staging', () => {
  it('the owner (staging) creates the one provider and trusts it', async () => {
    const mocks = await plan('staging');
    expect(mocks.byType(PROVIDER).map((p) => p.inputs['url'])).toEqual(['https://token.actions.githubusercontent.com']);
    expect(mocks.invokes.filter((i) => i.token === LOOKUP)).toEqual([]);
    expect(cliCiTrust(mocks, 'staging').Statement[0]!.Principal).toEqual({ Federated: PROVIDER_ARN });
  });

  it('the other environment (dev) creates none, looks it up by URL and trusts the same provider', async () => {
    const mocks = await plan('dev');
    expect(mocks.byType(PROVIDER)).toEqual([]);
    expect(mocks.invokes.filter((i) => i.token === LOOKUP).map((i) => i.inputs)).toEqual([{ url: 'https://token.actions.githubusercontent.com' }]);
    expect(cliCiTrust(mocks, 'dev').Statement[0]!.Principal).toEqual({ Federated: PROVIDER_ARN });
  });
});
