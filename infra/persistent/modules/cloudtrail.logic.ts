import { getResourceName, type Environment } from '@tradai/infra-shared';
import type { BucketPolicyStatement } from './s3.logic.js';

/** `tradai-trail-<env>`. */
export function trailName(env: Environment): string {
  return getResourceName('trail', env);
}

/** `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`: known before the trail exists. */
export function trailArn(args: { readonly partition: string; readonly region: string; readonly accountId: string; readonly name: string }): string {
  return `arn:${args.partition}:cloudtrail:${args.region}:${args.accountId}:trail/${args.name}`;
}

/**
 * The two statements CloudTrail needs on its bucket (it checks them when the trail is created):
 * read the bucket ACL, and write log files under `<prefix>/AWSLogs/<account>/` with the
 * bucket-owner-full-control ACL. Both are bound to this trail by aws:SourceArn, so no other
 * trail (confused deputy) can write into the bucket.
 */
export function cloudtrailBucketStatements(args: {
  readonly bucketArn: string;
  readonly prefix: string;
  readonly accountId: string;
  readonly trailArn: string;
}): BucketPolicyStatement[] {
  const principal = { Service: 'cloudtrail.amazonaws.com' };
  const sourceArn = { 'aws:SourceArn': args.trailArn };
  return [
    { Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: principal, Action: 's3:GetBucketAcl', Resource: args.bucketArn, Condition: { StringEquals: sourceArn } },
    {
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObject',
      Resource: `${args.bucketArn}/${args.prefix}/AWSLogs/${args.accountId}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...sourceArn } },
    },
  ];
}
