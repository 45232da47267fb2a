/**
 * What a change would do to one stack, computed offline from two synthesized plans (the layer at a
 * base git ref and at the working tree): resources added and removed, inputs changed (old -> new),
 * whether each change updates in place or replaces, and a loud warning where data could be lost.
 * Pure: the CLI (cli.ts) produces the plans, this module compares them.
 */
import type { Plan, PlanResource } from '@tradai/policy';

/** One input that differs, at a dot path (array elements by index). */
export interface InputChange {
  readonly path: string;
  /** undefined when the input is new. */
  readonly old?: unknown;
  /** undefined when the input was removed. */
  readonly new?: unknown;
}

export type ChangeKind = 'update' | 'replace';

export interface ResourceRef {
  readonly type: string;
  readonly name: string;
  /** Holds data a delete loses (bucket, table, database, repository, user pool, ...). */
  readonly stateful: boolean;
  /** Deletion protection on, or Pulumi `protect` / `retainOnDelete` where the plan records options. */
  readonly protected: boolean;
}

export interface ResourceChange extends ResourceRef {
  readonly kind: ChangeKind;
  /** Why a replace: the replace-on-change inputs that differ, or the parent (a new URN). */
  readonly replaceBecause: readonly string[];
  readonly changes: readonly InputChange[];
}

export interface PlanDiff {
  readonly stack: string;
  readonly environment: string;
  readonly added: readonly ResourceRef[];
  readonly removed: readonly ResourceRef[];
  readonly changed: readonly ResourceChange[];
  readonly outputs: readonly InputChange[];
  /** One sentence per stateful or protected resource a change would delete or replace. */
  readonly warnings: readonly string[];
}

/**
 * Inputs whose change makes the AWS provider replace the resource (ForceNew in the provider schema
 * of @pulumi/aws 7.x, itself the Terraform AWS provider): the physical name of most resources, the
 * key schema of a table, the engine and encryption of a database. `*` = any input change replaces
 * (ECS task definitions are immutable revisions). Types not listed update in place as far as this
 * tool knows; the list covers the stateful resources exhaustively and the rest where it matters.
 */
export const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
  'aws:s3/bucket:Bucket': ['bucket', 'bucketPrefix', 'objectLockEnabled'],
  'aws:s3/bucketV2:BucketV2': ['bucket', 'bucketPrefix', 'objectLockEnabled'],
  'aws:dynamodb/table:Table': ['name', 'hashKey', 'rangeKey', 'localSecondaryIndexes'],
  'aws:ecr/repository:Repository': ['name', 'encryptionConfigurations'],
  'aws:rds/instance:Instance': ['identifier', 'identifierPrefix', 'engine', 'dbName', 'username', 'storageEncrypted', 'kmsKeyId', 'availabilityZone', 'characterSetName', 'timezone'],
  'aws:rds/cluster:Cluster': ['clusterIdentifier', 'engine', 'databaseName', 'masterUsername', 'storageEncrypted', 'kmsKeyId', 'availabilityZones'],
  'aws:cognito/userPool:UserPool': ['name', 'aliasAttributes', 'usernameAttributes'],
  'aws:cognito/userPoolClient:UserPoolClient': ['userPoolId', 'generateSecret'],
  'aws:codeartifact/domain:Domain': ['domain', 'encryptionKey'],
  'aws:codeartifact/repository:Repository': ['repository', 'domain', 'domainOwner'],
  'aws:secretsmanager/secret:Secret': ['name', 'namePrefix'],
  'aws:kms/key:Key': ['customerMasterKeySpec', 'keyUsage', 'multiRegion'],
  'aws:efs/fileSystem:FileSystem': ['creationToken', 'encrypted', 'kmsKeyId', 'performanceMode', 'availabilityZoneName'],
  'aws:cloudtrail/trail:Trail': ['name'],
  'aws:sqs/queue:Queue': ['name', 'namePrefix', 'fifoQueue'],
  'aws:sns/topic:Topic': ['name', 'namePrefix', 'fifoTopic'],
  'aws:lambda/function:Function': ['name', 'packageType'],
  'aws:sfn/stateMachine:StateMachine': ['name', 'type'],
  'aws:ecs/cluster:Cluster': ['name'],
  'aws:ecs/service:Service': ['name', 'cluster', 'launchType', 'schedulingStrategy'],
  'aws:ecs/taskDefinition:TaskDefinition': ['*'],
  'aws:iam/role:Role': ['name', 'namePrefix', 'path'],
  'aws:iam/policy:Policy': ['name', 'namePrefix', 'path'],
  'aws:cloudwatch/logGroup:LogGroup': ['name', 'namePrefix'],
  'aws:ec2/vpc:Vpc': ['cidrBlock', 'instanceTenancy'],
  'aws:ec2/subnet:Subnet': ['vpcId', 'cidrBlock', 'availabilityZone', 'availabilityZoneId'],
  'aws:ec2/securityGroup:SecurityGroup': ['name', 'namePrefix', 'vpcId', 'description'],
  'aws:ec2/instance:Instance': ['ami', 'subnetId', 'availabilityZone', 'keyName', 'tenancy'],
  'aws:lb/loadBalancer:LoadBalancer': ['name', 'namePrefix', 'internal', 'loadBalancerType'],
  'aws:lb/targetGroup:TargetGroup': ['name', 'namePrefix', 'port', 'protocol', 'vpcId', 'targetType'],
  'aws:apigatewayv2/api:Api': ['protocolType'],
  'aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace': ['name', 'vpc'],
};

/** Resource types that hold data: deleting or replacing one loses it (a replace creates an empty one). */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'aws:s3/bucket:Bucket',
  'aws:s3/bucketV2:BucketV2',
  'aws:dynamodb/table:Table',
  'aws:rds/instance:Instance',
  'aws:rds/cluster:Cluster',
  'aws:ecr/repository:Repository',
  'aws:cognito/userPool:UserPool',
  'aws:codeartifact/domain:Domain',
  'aws:codeartifact/repository:Repository',
  'aws:secretsmanager/secret:Secret',
  'aws:kms/key:Key',
  'aws:efs/fileSystem:FileSystem',
]);

/** Inputs that switch on AWS-side deletion protection, and the value that means "on". */
const DELETION_PROTECTION: readonly (readonly [string, unknown])[] = [
  ['deletionProtectionEnabled', true], // DynamoDB
  ['deletionProtection', true], // RDS
  ['deletionProtection', 'ACTIVE'], // Cognito
  ['enableDeletionProtection', true], // load balancers
];

/**
 * A plan resource, optionally with the resource options the program set. The synth plans do not
 * record options today; when they do (`options.protect`, `options.retainOnDelete`), they count.
 */
export type DiffResource = PlanResource & { readonly options?: { readonly protect?: boolean; readonly retainOnDelete?: boolean } };
export type DiffPlan = Omit<Plan, 'resources'> & { readonly resources: readonly DiffResource[] };

const keyOf = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

export function isProtected(r: DiffResource): boolean {
  if (r.options?.protect || r.options?.retainOnDelete) return true;
  return DELETION_PROTECTION.some(([input, on]) => r.inputs[input] === on);
}

const refOf = (r: DiffResource): ResourceRef => ({ type: r.type, name: r.name, stateful: STATEFUL_TYPES.has(r.type), protected: isProtected(r) });

/** Every leaf that differs between two input values, by dot path; arrays compare element by element. */
export function diffValues(a: unknown, b: unknown, path = ''): InputChange[] {
  if (Object.is(a, b)) return [];
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    // A JSON document input (policy, container definitions) is compared as parsed JSON, so the path names the field.
    const pa = parseJsonDocument(a);
    const pb = parseJsonDocument(b);
    if (pa !== undefined && pb !== undefined) return diffValues(pa, pb, path);
    return [{ path: path || '(value)', ...(a === undefined ? {} : { old: a }), ...(b === undefined ? {} : { new: b }) }];
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort(Array.isArray(a) ? (x, y) => Number(x) - Number(y) : undefined);
  return keys.flatMap((k) => diffValues(ao[k], bo[k], path ? `${path}.${k}` : k));
}

function parseJsonDocument(v: unknown): unknown {
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/**
 * Compares a layer's plan at the base with its plan now. Resources are matched by type and logical
 * name, as Pulumi matches them by URN; a renamed logical name is a delete plus a create.
 * `base` is null when the layer did not exist at the base ref.
 */
export function diffPlans(base: DiffPlan | null, head: DiffPlan): PlanDiff {
  const before = new Map((base?.resources ?? []).map((r) => [keyOf(r), r]));
  const after = new Map(head.resources.map((r) => [keyOf(r), r]));
  const added = head.resources.filter((r) => !before.has(keyOf(r))).map(refOf);
  const removed = (base?.resources ?? []).filter((r) => !after.has(keyOf(r))).map(refOf);
  const changed: ResourceChange[] = [];
  for (const r of head.resources) {
    const old = before.get(keyOf(r));
    if (!old) continue;
    const changes = diffValues(old.inputs, r.inputs);
    const reparented = old.parent !== r.parent;
    if (changes.length === 0 && !reparented) continue;
    const forceNew = REPLACE_ON_CHANGE[r.type] ?? [];
    const top = new Set(changes.map((c) => c.path.split('.')[0]!));
    const replaceBecause = [
      ...(forceNew.includes('*') ? [...top] : forceNew.filter((k) => top.has(k))),
      // The parent is part of the URN: without an alias Pulumi deletes the old resource and creates a new one.
      ...(reparented ? [`parent (${old.parent ?? 'stack'} -> ${r.parent ?? 'stack'})`] : []),
    ];
    // Protection is judged on the deployed (old) resource: that is what a replace deletes.
    changed.push({ ...refOf(old), kind: replaceBecause.length ? 'replace' : 'update', replaceBecause, changes });
  }
  const warnings = [
    ...removed.filter((r) => r.stateful || r.protected).map((r) => `DELETE of ${describe(r)} ${r.type} ${r.name}: Pulumi deletes it with its data (with retainOnDelete it stays in AWS, unmanaged)`),
    ...changed
      .filter((c) => c.kind === 'replace' && (c.stateful || c.protected))
      .map((c) => `REPLACE of ${describe(c)} ${c.type} ${c.name} (${c.replaceBecause.join(', ')} changed): a new empty resource is created and the old one deleted`),
  ];
  return {
    stack: head.stack,
    environment: head.environment,
    added,
    removed,
    changed,
    outputs: diffValues(base?.outputs ?? {}, head.outputs),
    warnings,
  };
}

const describe = (r: ResourceRef) => [r.stateful ? 'stateful' : '', r.protected ? 'protected' : ''].filter(Boolean).join(', ');

const show = (v: unknown) => {
  const s = v === undefined ? '(none)' : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** The text the CLI prints (and the pipeline comment embeds). */
export function formatDiff(d: PlanDiff): string {
  const lines = [`${d.stack} (${d.environment}): ${d.added.length} to add, ${d.changed.length} to change (${d.changed.filter((c) => c.kind === 'replace').length} replaced), ${d.removed.length} to delete`];
  if (d.warnings.length) {
    lines.push('', '!!!!!!!!!! DATA AT RISK !!!!!!!!!!');
    for (const w of d.warnings) lines.push(`!!! ${w}`);
    lines.push('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
  }
  for (const r of d.added) lines.push(`+ ${r.type} ${r.name}`);
  for (const r of d.removed) lines.push(`- ${r.type} ${r.name}`);
  for (const c of d.changed) {
    lines.push(`${c.kind === 'replace' ? '+-' : '~ '} ${c.type} ${c.name}${c.kind === 'replace' ? ` (replace: ${c.replaceBecause.join(', ')})` : ''}`);
    for (const ch of c.changes) lines.push(`      ${ch.path}: ${show(ch.old)} -> ${show(ch.new)}`);
  }
  if (d.outputs.length) {
    lines.push('outputs:');
    for (const ch of d.outputs) lines.push(`      ${ch.path}: ${show(ch.old)} -> ${show(ch.new)}`);
  }
  if (lines.length === 1) lines.push('no changes');
  return lines.join('\n');
}

/** A pull-request comment from the diffs of several layers. */
export function formatComment(diffs: readonly PlanDiff[], base: string): string {
  const risky = diffs.some((d) => d.warnings.length);
  return [
    `### Offline plan diff against \`${base}\`${risky ? ' — :warning: stateful resources replaced or deleted' : ''}`,
    '',
    ...diffs.flatMap((d) => [
      ...d.warnings.map((w) => `> :warning: **${w}**`),
      '<details' + (d.warnings.length ? ' open' : '') + `><summary>${d.stack} (${d.environment}): +${d.added.length} ~${d.changed.length} -${d.removed.length}</summary>`,
      '',
      '```diff',
      formatDiff(d),
      '```',
      '</details>',
      '',
    ]),
  ].join('\n');
}
