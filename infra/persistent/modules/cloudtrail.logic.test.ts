import { describe, expect, it } from 'vitest';
import { cloudtrailBucketStatements, trailArn, trailName } from './cloudtrail.logic.js';

const ARN = 'arn:aws:s3:::tradai-logs-dev';
const TRAIL = trailArn({ partition: 'aws', region: 'eu-central-1', accountId: '123456789012', name: trailName('dev') });

describe('cloudtrail statements', () => {
  it('names the trail per environment and derives its ARN', () => {
    expect(TRAIL).toBe('arn:aws:cloudtrail:eu-central-1:123456789012:trail/tradai-trail-dev');
  });

  it('grants CloudTrail the ACL check and writes under <prefix>/AWSLogs/<account>/, both bound to this trail', () => {
    const [acl, write] = cloudtrailBucketStatements({ bucketArn: ARN, prefix: 'cloudtrail', accountId: '123456789012', trailArn: TRAIL });
    expect(acl).toEqual({
      Sid: 'CloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: ARN,
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL } },
    });
    expect(write).toMatchObject({ Sid: 'CloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject' });
    expect(write!.Resource).toBe(`${ARN}/cloudtrail/AWSLogs/123456789012/*`);
    expect(write!.Condition).toEqual({ StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL } });
  });
});
