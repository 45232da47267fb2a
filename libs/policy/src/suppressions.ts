import { BUCKET_KEYS, S3_BUCKETS, S3_BUCKET_CONFIG, type Environment } from '@tradai/infra-shared';
import { physicalName } from '@tradai/infra-shared/testing';
import { T } from './plan/tokens.js';

/**
 * A deliberate exception: one rule, on resources of the given types whose logical name, physical
 * name or `Name` tag matches `name` (a glob, `*` = any run), optionally in some environments only.
 * Every suppression says why; the report lists each one it used and each one that matched nothing.
 */
export interface Suppression {
  readonly ruleId: string;
  readonly types: readonly string[];
  readonly name: string;
  readonly environments?: readonly Environment[];
  readonly reason: string;
}

/** Buckets S3_BUCKET_CONFIG keeps unversioned, each with the config's own purpose as the reason. */
const unversionedBuckets: Suppression[] = BUCKET_KEYS.filter((k) => !S3_BUCKET_CONFIG[k].versioning).map((k) => ({
  ruleId: 'TRADAI-S3-004',
  types: T.s3Bucket,
  name: `tradai-${S3_BUCKETS[k]}-*`,
  reason: `S3_BUCKET_CONFIG.${k}.versioning is false: ${S3_BUCKET_CONFIG[k].purpose}, expired by lifecycle; versions would only add cost`,
}));

export const SUPPRESSIONS: readonly Suppression[] = [
  {
    ruleId: 'TRADAI-EC2-003',
    types: T.ec2Instance,
    name: '*nat*',
    reason: 'NAT instance: needs a public address to forward the private subnets\' egress (t4g.nano ~$3/month instead of a ~$32 NAT Gateway, seed §5); its security group admits only the private subnets',
  },
  {
    ruleId: 'TRADAI-VPC-002',
    types: T.networkAcl,
    name: '*',
    reason: 'Subnet-tier NACLs are a deliberate coarse second fence around the database tier (seed foundation nacl.py); security groups still carry every fine-grained rule',
  },
  {
    ruleId: 'TRADAI-RDS-003',
    types: T.rdsInstance,
    name: '*',
    environments: ['dev', 'staging'],
    reason: 'Single-AZ in dev/staging (seed §3 environment table): a standby would double the instance and storage cost; prod is Multi-AZ',
  },
  {
    ruleId: 'TRADAI-S3-005',
    types: T.s3Bucket,
    name: 'tradai-logs-*',
    reason: 'The logs bucket is the server-access-log target of the other buckets; logging it into itself would loop',
  },
  {
    ruleId: 'TRADAI-SM-001',
    types: T.secret,
    name: 'tradai-cognito-m2m-*',
    reason:
      'Carries the Cognito M2M app client secret: Cognito generates and owns it, so Secrets Manager has no managed rotation for it (that would take a custom rotation Lambda calling Cognito, and every consumer caches the old one). Rotate by replacing the app client in persistent, which rewrites this secret',
  },
  ...unversionedBuckets,
];

/** Glob match: `*` matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
  return re.test(value);
}

/** Whether a suppression covers this rule, resource and environment. */
export function suppresses(s: Suppression, ruleId: string, env: Environment, r: { type: string; name: string; inputs: Record<string, unknown> }): boolean {
  if (s.ruleId !== ruleId || !s.types.includes(r.type)) return false;
  if (s.environments && !s.environments.includes(env)) return false;
  const tag = (r.inputs['tags'] as Record<string, unknown> | undefined)?.['Name'];
  const names = [r.name, physicalName(r.name, r.inputs), ...(typeof tag === 'string' ? [tag] : [])];
  return names.some((n) => globMatch(s.name, n));
}
