import { ABORT_INCOMPLETE_MULTIPART_DAYS, type BucketConfig, type LifecycleRule } from '@tradai/infra-shared';

/**
 * Pure parts of the S3 module: lifecycle rules and bucket-policy statements. Bucket policies are
 * resource policies (Principal and Resource in one statement), which the identity-policy
 * PolicyBuilder does not produce, so they are written here as plain documents and checked by
 * `validateBucketPolicy`.
 */

/** One statement of an S3 bucket policy. */
export interface BucketPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: '*' | { readonly Service: string } | { readonly AWS: string };
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface BucketPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly BucketPolicyStatement[];
}

/** The lifecycle rule shape `aws.s3.BucketLifecycleConfiguration` takes (plain values). */
export interface S3LifecycleRule {
  readonly id: string;
  readonly status: 'Enabled';
  /** An empty filter selects every object in the bucket. */
  readonly filter: Record<string, never>;
  readonly transitions?: { readonly days: number; readonly storageClass: 'STANDARD_IA' }[];
  readonly expiration?: { readonly days?: number; readonly expiredObjectDeleteMarker?: boolean };
  readonly noncurrentVersionExpiration?: { readonly noncurrentDays: number };
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation: number };
}

/** S3 refuses a transition to STANDARD_IA earlier than 30 days after creation. */
export const MIN_STANDARD_IA_DAYS = 30;
export const ABORT_MULTIPART_RULE_ID = 'abort-incomplete-multipart-uploads';

function toS3Rule(bucket: string, rule: LifecycleRule, versioned: boolean): S3LifecycleRule {
  const where = `S3_BUCKET_CONFIG.${bucket}.lifecycle "${rule.id}"`;
  const { transitionToIaDays: ia, expireDays: expire, noncurrentExpireDays: noncurrent } = rule;
  if (ia === undefined && expire === undefined && noncurrent === undefined) {
    throw new Error(`${where}: sets none of transitionToIaDays, expireDays, noncurrentExpireDays`);
  }
  for (const [field, days] of Object.entries({ transitionToIaDays: ia, expireDays: expire, noncurrentExpireDays: noncurrent })) {
    if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new Error(`${where}: ${field} must be a positive whole number of days (got ${days})`);
  }
  if (ia !== undefined && ia < MIN_STANDARD_IA_DAYS) throw new Error(`${where}: transitionToIaDays ${ia} < ${MIN_STANDARD_IA_DAYS}, the minimum S3 accepts for STANDARD_IA`);
  if (ia !== undefined && expire !== undefined && expire <= ia) throw new Error(`${where}: expireDays ${expire} must be after transitionToIaDays ${ia}`);
  if (noncurrent !== undefined && !versioned) throw new Error(`${where}: noncurrentExpireDays on an unversioned bucket never applies`);
  return {
    id: rule.id,
    status: 'Enabled',
    filter: {},
    ...(ia !== undefined ? { transitions: [{ days: ia, storageClass: 'STANDARD_IA' as const }] } : {}),
    ...(expire !== undefined ? { expiration: { days: expire } } : {}),
    ...(noncurrent !== undefined ? { noncurrentVersionExpiration: { noncurrentDays: noncurrent } } : {}),
  };
}

/**
 * The bucket's lifecycle rules: its S3_BUCKET_CONFIG rules plus one that aborts incomplete
 * multipart uploads (their parts are billed but invisible) and, on versioned buckets, removes
 * delete markers left without versions. Throws naming the bucket and rule on a bad rule.
 */
export function lifecycleRules(bucket: string, config: BucketConfig): S3LifecycleRule[] {
  const ids = config.lifecycle.map((r) => r.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Error(`S3_BUCKET_CONFIG.${bucket}.lifecycle: rule id "${duplicate}" is used twice`);
  if (ids.includes(ABORT_MULTIPART_RULE_ID)) throw new Error(`S3_BUCKET_CONFIG.${bucket}.lifecycle: "${ABORT_MULTIPART_RULE_ID}" is added by the module`);
  return [
    ...config.lifecycle.map((r) => toS3Rule(bucket, r, config.versioning)),
    {
      id: ABORT_MULTIPART_RULE_ID,
      status: 'Enabled',
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS },
      ...(config.versioning ? { expiration: { expiredObjectDeleteMarker: true } } : {}),
    },
  ];
}

/** Deny every request that does not use TLS (AWS Foundational Security Best Practices S3.5). */
export function tlsOnlyStatement(bucketArn: string): BucketPolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** `s3-access/<bucket>/`: where one bucket's server access logs land in the logs bucket. */
export function accessLogPrefix(prefixRoot: string, bucketName: string): string {
  return `${prefixRoot}/${bucketName}/`;
}

/**
 * Lets the S3 logging service deliver server access logs of the given source buckets (this
 * account only) under the access-log prefix. With ObjectOwnership BucketOwnerEnforced, ACL
 * grants to the log-delivery group no longer work: this statement is the only way in.
 */
export function accessLogDeliveryStatement(args: {
  readonly logsBucketArn: string;
  readonly prefixRoot: string;
  readonly sourceBucketArns: readonly string[];
  readonly accountId: string;
}): BucketPolicyStatement {
  if (args.sourceBucketArns.length === 0) throw new Error('accessLogDeliveryStatement: no source buckets');
  return {
    Sid: 'S3ServerAccessLogsDelivery',
    Effect: 'Allow',
    Principal: { Service: 'logging.s3.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `${args.logsBucketArn}/${args.prefixRoot}/*`,
    Condition: {
      ArnLike: { 'aws:SourceArn': [...args.sourceBucketArns] },
      StringEquals: { 'aws:SourceAccount': args.accountId },
    },
  };
}

/**
 * Lets Elastic Load Balancing write ALB access logs under `<prefix>/AWSLogs/<account>/`.
 * eu-central-1 predates August 2022, so delivery is by the regional ELB account, not the
 * logdelivery service principal.
 */
export function albLogDeliveryStatement(args: {
  readonly logsBucketArn: string;
  readonly prefix: string;
  readonly elbAccountArn: string;
  readonly accountId: string;
}): BucketPolicyStatement {
  return {
    Sid: 'AlbAccessLogsDelivery',
    Effect: 'Allow',
    Principal: { AWS: args.elbAccountArn },
    Action: 's3:PutObject',
    Resource: `${args.logsBucketArn}/${args.prefix}/AWSLogs/${args.accountId}/*`,
  };
}

const SID = /^[A-Za-z0-9]+$/;

/** Problems with a bucket policy (empty: valid): Sids, ARNs scoped to this bucket, TLS deny present. */
export function validateBucketPolicy(bucketArn: string, doc: BucketPolicyDocument): string[] {
  const problems: string[] = [];
  const sids = new Set<string>();
  for (const s of doc.Statement) {
    if (!SID.test(s.Sid)) problems.push(`Sid "${s.Sid}" must be alphanumeric`);
    if (sids.has(s.Sid)) problems.push(`Sid "${s.Sid}" is used twice`);
    sids.add(s.Sid);
    const resources = typeof s.Resource === 'string' ? [s.Resource] : s.Resource;
    for (const r of resources) {
      if (r !== bucketArn && !r.startsWith(`${bucketArn}/`)) problems.push(`${s.Sid}: resource ${r} is not in ${bucketArn}`);
    }
    if (s.Effect === 'Allow' && s.Principal === '*') problems.push(`${s.Sid}: allows everyone (Principal "*")`);
  }
  if (!doc.Statement.some((s) => s.Sid === 'DenyInsecureTransport' && s.Effect === 'Deny')) problems.push('no DenyInsecureTransport statement');
  return problems;
}

/**
 * The bucket's one policy (S3 keeps a single policy per bucket): the TLS-only deny first, then
 * the given statements. Throws listing every problem `validateBucketPolicy` finds.
 */
export function bucketPolicyDocument(bucketArn: string, statements: readonly BucketPolicyStatement[] = []): BucketPolicyDocument {
  const doc: BucketPolicyDocument = { Version: '2012-10-17', Statement: [tlsOnlyStatement(bucketArn), ...statements] };
  const problems = validateBucketPolicy(bucketArn, doc);
  if (problems.length > 0) throw new Error(`bucket policy of ${bucketArn}:\n  - ${problems.join('\n  - ')}`);
  return doc;
}
