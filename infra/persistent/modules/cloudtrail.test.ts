import { beforeAll, describe, expect, it } from 'vitest';
import { getTags } from '@tradai/infra-shared';
import { setupStackTest, type PulumiMocks } from '@tradai/infra-shared/testing';
import { stackConfig } from '@tradai/infra-shared/pulumi';
import { T, optionsOf, runRecordingOptions, type SeenOptions } from '../test-support.js';
import type { BucketPolicyStatement } from './s3.logic.js';

let mocks: PulumiMocks;
let options: Map<string, SeenOptions>;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupStackTest({ project: 'tradai-persistent', stack: 'dev' });
  const pulumi = await import('@pulumi/pulumi');
  const aws = await import('@pulumi/aws');
  const { AuditTrail, cloudtrailLogsBucketStatements } = await import('./cloudtrail.js');
  ({ outputs, options } = await runRecordingOptions(() => {
    const cfg = stackConfig();
    const policy = new aws.s3.BucketPolicy('logs-policy', { bucket: 'tradai-logs-dev', policy: '{}' });
    new AuditTrail('cloudtrail', { cfg, bucketName: 'tradai-logs-dev', bucketPolicy: policy });
    return { statements: cloudtrailLogsBucketStatements(cfg)(pulumi.output('arn:aws:s3:::tradai-logs-dev')) };
  }));
});

describe('AuditTrail (dev)', () => {
  it('records management events of every region into the logs bucket, with log file validation', () => {
    const trails = mocks.byType(T.trail);
    expect(trails).toHaveLength(1);
    expect(trails[0]!.inputs).toMatchObject({
      name: 'tradai-trail-dev',
      s3BucketName: 'tradai-logs-dev',
      s3KeyPrefix: 'cloudtrail',
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
      tags: getTags('dev'),
    });
  });

  it('is created only after the bucket policy that admits it', () => {
    expect(optionsOf(options, T.trail, 'cloudtrail-trail').dependsOn).toEqual([`${T.policy}::logs-policy`]);
  });

  it('asks the logs bucket for exactly the statements bound to this trail', () => {
    const statements = outputs['statements'] as BucketPolicyStatement[];
    const trailArn = 'arn:aws:cloudtrail:eu-central-1:123456789012:trail/tradai-trail-dev';
    expect(statements.map((s) => s.Sid)).toEqual(['CloudTrailAclCheck', 'CloudTrailWrite']);
    for (const s of statements) expect(s.Condition!['StringEquals']!['aws:SourceArn']).toBe(trailArn);
    expect(statements[1]!.Resource).toBe('arn:aws:s3:::tradai-logs-dev/cloudtrail/AWSLogs/123456789012/*');
  });
});
