import type { Environment, Layer } from '@tradai/infra-shared';
import { mockResourceState } from '@tradai/infra-shared/testing';
import type { LocatedResource } from '../../plan/model.js';

/** A plan resource for rule tests. */
export const res = (type: string, name: string, inputs: Record<string, unknown> = {}, layer: Layer = 'foundation'): LocatedResource => ({ type, name, inputs, parent: null, layer });

/** The id the mock runtime (and so a synth plan) gives a resource: what other resources' inputs hold. */
export const idOf = (r: LocatedResource) => mockResourceState(r.type, r.name, r.inputs).id;
/** The ARN the mock runtime gives a resource. */
export const arnOf = (r: LocatedResource) => String(mockResourceState(r.type, r.name, r.inputs).state['arn']);

/** One rule's table entry: a compliant scenario and a violating one. */
export interface RuleCase {
  readonly env?: Environment;
  readonly pass: readonly LocatedResource[];
  readonly fail: readonly LocatedResource[];
  /** Text the failing finding's property or message must contain. */
  readonly expect: string;
  /** Environment for the failing scenario when it differs (env-aware rules). */
  readonly failEnv?: Environment;
}

const TLS_DENY = { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };

/** A bucket with every setting the S3 rules want, as separate v7 resources keyed by the bucket id. */
export function goodBucket(component = 'configs', env: Environment = 'dev', drop: readonly string[] = []): LocatedResource[] {
  const physical = `tradai-${component}-${env}`;
  const b = res('aws:s3/bucket:Bucket', component, { bucket: physical }, 'persistent');
  const bucket = idOf(b);
  const all: Record<string, LocatedResource> = {
    bucket: b,
    pab: res('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', `${component}-public-access`, { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, 'persistent'),
    encryption: res('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', `${component}-encryption`, { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] }, 'persistent'),
    versioning: res('aws:s3/bucketVersioning:BucketVersioning', `${component}-versioning`, { bucket, versioningConfiguration: { status: 'Enabled' } }, 'persistent'),
    logging: res('aws:s3/bucketLogging:BucketLogging', `${component}-logging`, { bucket, targetBucket: `tradai-logs-${env}`, targetPrefix: 's3/' }, 'persistent'),
    lifecycle: res('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', `${component}-lifecycle`, { bucket, rules: [{ id: 'x', status: 'Enabled', abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }] }, 'persistent'),
    policy: res('aws:s3/bucketPolicy:BucketPolicy', `${component}-policy`, { bucket, policy: JSON.stringify({ Version: '2012-10-17', Statement: [TLS_DENY] }) }, 'persistent'),
    ownership: res('aws:s3/bucketOwnershipControls:BucketOwnershipControls', `${component}-ownership`, { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } }, 'persistent'),
  };
  return Object.entries(all)
    .filter(([k]) => !drop.includes(k))
    .map(([, v]) => v);
}

/** Replaces the inputs of the resource named `name` (shallow merge). */
export function patch(resources: readonly LocatedResource[], name: string, inputs: Record<string, unknown>): LocatedResource[] {
  return resources.map((r) => (r.name === name ? { ...r, inputs: { ...r.inputs, ...inputs } } : r));
}

export const tlsOnlyPolicy = (resource: string, action = 'sqs:*') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ ...TLS_DENY, Action: action, Resource: resource }] });
