import { describe, expect, it } from 'vitest';
import { ABORT_INCOMPLETE_MULTIPART_DAYS, BUCKET_KEYS, S3_BUCKET_CONFIG, type BucketConfig } from '@tradai/infra-shared';
import {
  ABORT_MULTIPART_RULE_ID,
  accessLogDeliveryStatement,
  accessLogPrefix,
  albLogDeliveryStatement,
  bucketPolicyDocument,
  lifecycleRules,
  tlsOnlyStatement,
  validateBucketPolicy,
} from './s3.logic.js';

const ARN = 'arn:aws:s3:::tradai-logs-dev';
const cfg = (lifecycle: BucketConfig['lifecycle'], versioning = false): BucketConfig => ({ versioning, lifecycle, purpose: 'test' });

describe('lifecycleRules', () => {
  it.each(BUCKET_KEYS)('%s: the configured rules plus the multipart cleanup, all enabled on the whole bucket', (key) => {
    const config = S3_BUCKET_CONFIG[key];
    const rules = lifecycleRules(key, config);
    expect(rules.map((r) => r.id)).toEqual([...config.lifecycle.map((r) => r.id), ABORT_MULTIPART_RULE_ID]);
    for (const r of rules) {
      expect(r.status).toBe('Enabled');
      expect(r.filter).toEqual({});
    }
    const abort = rules.at(-1)!;
    expect(abort.abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS });
    // Delete-marker cleanup only means something on a versioned bucket.
    expect(abort.expiration?.expiredObjectDeleteMarker === true).toBe(config.versioning);
  });

  it('maps transition, expiry and noncurrent expiry days', () => {
    expect(lifecycleRules('results', S3_BUCKET_CONFIG.results)[0]).toMatchObject({
      transitions: [{ days: 30, storageClass: 'STANDARD_IA' }],
      expiration: { days: 365 },
    });
    expect(lifecycleRules('configs', S3_BUCKET_CONFIG.configs)[0]).toMatchObject({ noncurrentVersionExpiration: { noncurrentDays: 90 } });
    expect(lifecycleRules('configs', S3_BUCKET_CONFIG.configs)[0]!.expiration).toBeUndefined();
  });

  it.each([
    [cfg([{ id: 'x' }]), /"x": sets none of/],
    [cfg([{ id: 'x', transitionToIaDays: 10 }]), /transitionToIaDays 10 < 30/],
    [cfg([{ id: 'x', transitionToIaDays: 60, expireDays: 60 }]), /expireDays 60 must be after transitionToIaDays 60/],
    [cfg([{ id: 'x', expireDays: 0 }]), /expireDays must be a positive whole number/],
    [cfg([{ id: 'x', noncurrentExpireDays: 30 }], false), /noncurrentExpireDays on an unversioned bucket/],
    [cfg([{ id: 'x', expireDays: 5 }, { id: 'x', expireDays: 9 }]), /rule id "x" is used twice/],
    [cfg([{ id: ABORT_MULTIPART_RULE_ID, expireDays: 5 }]), /is added by the module/],
  ])('refuses a bad rule with a message naming the bucket', (config, message) => {
    expect(() => lifecycleRules('results', config)).toThrow(/S3_BUCKET_CONFIG\.results/);
    expect(() => lifecycleRules('results', config)).toThrow(message);
  });
});

describe('bucket policy statements', () => {
  it('denies every non-TLS request on the bucket and its objects', () => {
    expect(tlsOnlyStatement(ARN)).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [ARN, `${ARN}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('admits S3 access-log delivery only from the listed buckets of this account, only under its prefix', () => {
    const s = accessLogDeliveryStatement({ logsBucketArn: ARN, prefixRoot: 's3-access', sourceBucketArns: ['arn:aws:s3:::a', 'arn:aws:s3:::b'], accountId: '123456789012' });
    expect(s.Principal).toEqual({ Service: 'logging.s3.amazonaws.com' });
    expect(s.Action).toBe('s3:PutObject');
    expect(s.Resource).toBe(`${ARN}/s3-access/*`);
    expect(s.Condition).toEqual({ ArnLike: { 'aws:SourceArn': ['arn:aws:s3:::a', 'arn:aws:s3:::b'] }, StringEquals: { 'aws:SourceAccount': '123456789012' } });
    expect(() => accessLogDeliveryStatement({ logsBucketArn: ARN, prefixRoot: 's3-access', sourceBucketArns: [], accountId: '1' })).toThrow(/no source buckets/);
    expect(accessLogPrefix('s3-access', 'tradai-configs-dev')).toBe('s3-access/tradai-configs-dev/');
  });

  it('lets the regional ELB account write ALB logs under alb/AWSLogs/<account>/ only', () => {
    const s = albLogDeliveryStatement({ logsBucketArn: ARN, prefix: 'alb', elbAccountArn: 'arn:aws:iam::054676820928:root', accountId: '123456789012' });
    expect(s).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::054676820928:root' }, Action: 's3:PutObject', Resource: `${ARN}/alb/AWSLogs/123456789012/*` });
  });

  it('puts the TLS deny first and keeps extra statements', () => {
    const extra = albLogDeliveryStatement({ logsBucketArn: ARN, prefix: 'alb', elbAccountArn: 'arn:aws:iam::054676820928:root', accountId: '1' });
    const doc = bucketPolicyDocument(ARN, [extra]);
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'AlbAccessLogsDelivery']);
  });

  it('refuses statements that allow everyone, reach other buckets or reuse a Sid', () => {
    const open = { Sid: 'Open', Effect: 'Allow' as const, Principal: '*' as const, Action: 's3:GetObject', Resource: `${ARN}/*` };
    expect(() => bucketPolicyDocument(ARN, [open])).toThrow(/Open: allows everyone/);
    const foreign = { ...open, Sid: 'Foreign', Principal: { Service: 'x.amazonaws.com' }, Resource: 'arn:aws:s3:::tradai-logs-dev-other/*' };
    expect(() => bucketPolicyDocument(ARN, [foreign])).toThrow(/resource arn:aws:s3:::tradai-logs-dev-other\/\* is not in arn:aws:s3:::tradai-logs-dev/);
    expect(() => bucketPolicyDocument(ARN, [{ ...tlsOnlyStatement(ARN) }])).toThrow(/Sid "DenyInsecureTransport" is used twice/);
    expect(validateBucketPolicy(ARN, { Version: '2012-10-17', Statement: [] })).toEqual(['no DenyInsecureTransport statement']);
  });
});
