import { outputKeys } from '@tradai/infra-shared';
import { runProgram, setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';

let mocks: PulumiMocks;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  // consolidated mode can be turned off per stack: staging then looks like prod's network
  mocks = await setupStackTest({ project: 'tradai-foundation', stack: 'staging', config: { consolidatedMode: 'false' } });
  outputs = await runProgram(() => import('./index.js'));
});

describe('tradai-foundation (staging, consolidated mode off by config)', () => {
  it('follows tradai:consolidatedMode: no consolidated group, no export', () => {
    expect(mocks.byType('aws:ec2/securityGroup:SecurityGroup')).toHaveLength(6);
    expect(outputs['consolidated_security_group_id']).toBeUndefined();
    expect(Object.keys(outputs)).toHaveLength(outputKeys('foundation').length - 1);
  });

  it('keeps the non-prod database size', () => {
    expect(mocks.byType('aws:rds/instance:Instance')[0]!.inputs).toMatchObject({ identifier: 'tradai-mlflow-db-staging', instanceClass: 'db.t4g.micro', allocatedStorage: 20 });
  });
});
