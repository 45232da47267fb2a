import { TABLE_KEYS, TABLE_SCHEMAS } from '@tradai/contracts';
import { DYNAMODB_TABLES, getResourceName } from '@tradai/infra-shared';
import { physicalName } from '@tradai/infra-shared/testing';
import { valueAt, valuesAt } from '../plan/graph.js';
import { isTlsOnlyDeny, policyStatements, principals } from '../plan/iam.js';
import { T } from '../plan/tokens.js';
import { finding, type Finding, type Rule } from './types.js';
import { isTrue, obj, str } from './util.js';

// S3 bucket settings live in separate resources in @pulumi/aws v7 (public access block,
// encryption, versioning, logging, lifecycle, policy, ownership). They are matched to their bucket
// by their `bucket` input, which programs set to the bucket's id (= its name under the mock
// runtime) or name: PlanGraph.referencing() accepts either.

const PUBLIC_ACCESS_FLAGS = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'] as const;
const PUBLIC_CANNED_ACLS = new Set(['public-read', 'public-read-write', 'authenticated-read']);

export const STORAGE_RULES: readonly Rule[] = [
  {
    id: 'TRADAI-S3-001',
    mirrors: ['AwsSolutions-S2', 'CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56', 'CKV2_AWS_6'],
    severity: 'high',
    description: 'Every S3 bucket has a public access block with all four settings on.',
    types: T.s3Bucket,
    check: (bucket, { graph }) => {
      const blocks = graph.referencing(bucket, T.s3PublicAccessBlock, 'bucket');
      if (blocks.length === 0) return [finding('BucketPublicAccessBlock', 'has no BucketPublicAccessBlock (none has its `bucket` input set to this bucket)')];
      const best = blocks[0]!;
      return PUBLIC_ACCESS_FLAGS.filter((f) => !isTrue(best.inputs[f])).map((f) => finding(f, `${f} is not true on its BucketPublicAccessBlock ${best.name}`));
    },
  },
  {
    id: 'TRADAI-S3-002',
    mirrors: ['AwsSolutions-S10'],
    severity: 'high',
    description: 'Every S3 bucket policy denies requests without TLS (aws:SecureTransport false).',
    types: T.s3Bucket,
    check: (bucket, { graph }) => {
      const docs = [bucket.inputs['policy'], ...graph.referencing(bucket, T.s3Policy, 'bucket').map((p) => p.inputs['policy'])];
      const tls = docs.some((d) => policyStatements(d).some(isTlsOnlyDeny));
      return tls ? [] : [finding('policy', 'has no bucket policy statement denying aws:SecureTransport=false (TLS-only)')];
    },
  },
  {
    id: 'TRADAI-S3-003',
    mirrors: ['AwsSolutions-S3', 'CKV_AWS_19'],
    severity: 'high',
    description: 'Every S3 bucket has default server-side encryption configured.',
    types: T.s3Bucket,
    check: (bucket, { graph }) => {
      const configs = [bucket.inputs['serverSideEncryptionConfiguration'], ...graph.referencing(bucket, T.s3Encryption, 'bucket').map((c) => c.inputs)];
      const algorithms = configs.flatMap((c) => valuesAt(c, 'rules.applyServerSideEncryptionByDefault.sseAlgorithm').concat(valuesAt(c, 'rule.applyServerSideEncryptionByDefault.sseAlgorithm')));
      const ok = algorithms.some((a) => a === 'AES256' || a === 'aws:kms' || a === 'aws:kms:dsse');
      return ok ? [] : [finding('serverSideEncryptionConfiguration', 'has no default encryption (sseAlgorithm AES256 or aws:kms)')];
    },
  },
  {
    id: 'TRADAI-S3-004',
    mirrors: ['CKV_AWS_21'],
    severity: 'medium',
    description: 'S3 buckets are versioned so overwritten or deleted objects can be recovered.',
    types: T.s3Bucket,
    check: (bucket, { graph }) => {
      const inline = isTrue(valueAt(bucket.inputs, 'versioning.enabled'));
      const separate = graph.referencing(bucket, T.s3Versioning, 'bucket').some((v) => valueAt(v.inputs, 'versioningConfiguration.status') === 'Enabled');
      return inline || separate ? [] : [finding('versioningConfiguration.status', 'is not versioned (no BucketVersioning with status Enabled)')];
    },
  },
  {
    id: 'TRADAI-S3-005',
    mirrors: ['AwsSolutions-S1', 'CKV_AWS_18'],
    severity: 'medium',
    description: 'S3 buckets write server access logs (to the logs bucket).',
    types: T.s3Bucket,
    check: (bucket, { graph }) => {
      const inline = str(valueAt(bucket.inputs, 'loggings.targetBucket')) ?? str(valueAt(bucket.inputs, 'logging.targetBucket'));
      const separate = graph.referencing(bucket, T.s3Logging, 'bucket').some((l) => str(l.inputs['targetBucket']));
      return inline || separate ? [] : [finding('BucketLogging', 'has no server access logging (no BucketLogging for it)')];
    },
  },
  {
    id: 'TRADAI-S3-006',
    mirrors: ['CKV2_AWS_61'],
    severity: 'low',
    description: 'S3 buckets have a lifecycle configuration with at least one enabled rule.',
    types: T.s3Bucket,
    check: (bucket, { graph }) => {
      const rules = [...valuesAt(bucket.inputs, 'lifecycleRules'), ...graph.referencing(bucket, T.s3Lifecycle, 'bucket').flatMap((l) => valuesAt(l.inputs, 'rules'))];
      const enabled = rules.some((r) => obj(r)['status'] === 'Enabled' || obj(r)['enabled'] === true);
      return enabled ? [] : [finding('BucketLifecycleConfiguration.rules', 'has no enabled lifecycle rule (objects and old versions are kept forever)')];
    },
  },
  {
    id: 'TRADAI-S3-007',
    mirrors: ['CKV2_AWS_65', 'CKV_AWS_20', 'CKV_AWS_57'],
    severity: 'medium',
    description: 'S3 buckets have ACLs disabled (BucketOwnerEnforced) and no public canned ACL.',
    types: T.s3Bucket,
    check: (bucket, { graph }) => {
      const out: Finding[] = [];
      const enforced = graph.referencing(bucket, T.s3Ownership, 'bucket').some((o) => valueAt(o.inputs, 'rule.objectOwnership') === 'BucketOwnerEnforced');
      if (!enforced) out.push(finding('BucketOwnershipControls.rule.objectOwnership', 'does not enforce BucketOwnerEnforced (ACLs stay active)'));
      const acls = [bucket.inputs['acl'], ...graph.referencing(bucket, T.s3Acl, 'bucket').map((a) => a.inputs['acl'])];
      for (const acl of acls) if (typeof acl === 'string' && PUBLIC_CANNED_ACLS.has(acl)) out.push(finding('acl', `has the public canned ACL ${acl}`));
      return out;
    },
  },
  {
    id: 'TRADAI-DDB-001',
    mirrors: ['AwsSolutions-DDB3', 'CKV_AWS_28'],
    severity: 'high',
    description: 'DynamoDB tables have point-in-time recovery enabled.',
    types: T.dynamoTable,
    check: (t) => (isTrue(valueAt(t.inputs, 'pointInTimeRecovery.enabled')) ? [] : [finding('pointInTimeRecovery.enabled', 'is not true (no point-in-time recovery)')]),
  },
  {
    id: 'TRADAI-DDB-002',
    mirrors: ['awsguard dynamodb-table-encryption-enabled', 'CKV_AWS_119'],
    severity: 'medium',
    description: 'DynamoDB tables use KMS server-side encryption (serverSideEncryption.enabled), auditable in CloudTrail.',
    types: T.dynamoTable,
    check: (t) => (isTrue(valueAt(t.inputs, 'serverSideEncryption.enabled')) ? [] : [finding('serverSideEncryption.enabled', 'is not true (AWS-owned key only, not auditable)')]),
  },
  {
    id: 'TRADAI-DDB-003',
    mirrors: ['AwsSolutions-RDS10 (same protection for DynamoDB)', 'seed §4: persistent data is never destroyed'],
    severity: 'high',
    description: 'In prod, DynamoDB tables have deletion protection.',
    types: T.dynamoTable,
    environments: ['prod'],
    check: (t) => (isTrue(t.inputs['deletionProtectionEnabled']) ? [] : [finding('deletionProtectionEnabled', 'is not true in prod')]),
  },
  {
    id: 'TRADAI-DDB-004',
    mirrors: ['@tradai/contracts TABLE_SCHEMAS ttlAttribute'],
    severity: 'medium',
    description: 'Tables whose schema has a TTL attribute enable TTL on exactly that attribute (else they grow forever).',
    types: T.dynamoTable,
    check: (t, { env }) => {
      // Tables are matched to their schema by physical name (getResourceName of DYNAMODB_TABLES).
      const physical = physicalName(t.name, t.inputs);
      const key = TABLE_KEYS.find((k) => getResourceName(DYNAMODB_TABLES[k], env) === physical);
      const attribute = key ? TABLE_SCHEMAS[key].ttlAttribute : undefined;
      if (!attribute) return [];
      const ttl = obj(t.inputs['ttl']);
      if (!isTrue(ttl['enabled'])) return [finding('ttl.enabled', `is not true; TABLE_SCHEMAS.${key} expires items by ${attribute}`)];
      if (ttl['attributeName'] !== attribute) return [finding('ttl.attributeName', `is ${String(ttl['attributeName'])}, TABLE_SCHEMAS.${key} says ${attribute}`)];
      return [];
    },
  },
  {
    id: 'TRADAI-ECR-001',
    mirrors: ['CKV_AWS_51'],
    severity: 'high',
    description: 'ECR repositories have immutable tags (a tag always names the same image).',
    types: T.ecrRepository,
    check: (r) => (String(r.inputs['imageTagMutability'] ?? 'MUTABLE').startsWith('IMMUTABLE') ? [] : [finding('imageTagMutability', `is ${String(r.inputs['imageTagMutability'] ?? 'MUTABLE (default)')}, not IMMUTABLE`)]),
  },
  {
    id: 'TRADAI-ECR-002',
    mirrors: ['CKV_AWS_163'],
    severity: 'medium',
    description: 'ECR repositories scan images on push.',
    types: T.ecrRepository,
    check: (r) => (isTrue(valueAt(r.inputs, 'imageScanningConfiguration.scanOnPush')) ? [] : [finding('imageScanningConfiguration.scanOnPush', 'is not true')]),
  },
  {
    id: 'TRADAI-ECR-003',
    mirrors: ['AWS ECR best practice: lifecycle policies (cost)'],
    severity: 'low',
    description: 'ECR repositories have a lifecycle policy expiring old images.',
    types: T.ecrRepository,
    check: (r, { graph }) => (graph.referencing(r, T.ecrLifecycle, 'repository').length > 0 ? [] : [finding('LifecyclePolicy', 'has no ECR LifecyclePolicy (images accumulate and are billed per GB)')]),
  },
  {
    id: 'TRADAI-ECR-004',
    mirrors: ['AwsSolutions-ECR1', 'CKV_AWS_32'],
    severity: 'high',
    description: 'ECR repository policies grant nothing to `*` without a condition.',
    types: T.ecrRepository,
    check: (r, { graph }) =>
      graph
        .referencing(r, T.ecrRepositoryPolicy, 'repository')
        .flatMap((p) => policyStatements(p.inputs['policy']).filter((s) => s.effect === 'Allow' && principals(s.principal).includes('*') && !s.condition).map(() => p))
        .map((p) => finding('RepositoryPolicy', `RepositoryPolicy ${p.name} allows Principal "*" without a condition`)),
  },
];
