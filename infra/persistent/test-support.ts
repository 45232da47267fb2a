import * as pulumi from '@pulumi/pulumi';
import { runInStack } from '@tradai/infra-shared/testing';

/** The resource options a resource was registered with (what the mock engine does not see). */
export interface SeenOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** `<type>::<name>` of each explicit dependency. */
  readonly dependsOn: readonly string[];
}

type NamedResource = pulumi.Resource & { __pulumiType?: string; __name?: string };

function dependencyNames(dependsOn: unknown): string[] {
  const list = Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : [];
  return list.map((r: NamedResource) => `${r.__pulumiType}::${r.__name}`);
}

/**
 * Runs `fn` in the root stack like `runProgram`, and records every resource's protect,
 * retainOnDelete and dependsOn options (keyed `<type>::<name>`) through a stack transformation.
 * Call after `setupStackTest`.
 */
export async function runRecordingOptions(fn: () => unknown): Promise<{ outputs: Record<string, unknown>; options: Map<string, SeenOptions> }> {
  const options = new Map<string, SeenOptions>();
  const outputs = await runInStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      options.set(`${args.type}::${args.name}`, {
        protect: args.opts.protect === true,
        retainOnDelete: args.opts.retainOnDelete === true,
        dependsOn: dependencyNames(args.opts.dependsOn),
      });
      return undefined;
    });
    return fn();
  });
  return { outputs, options };
}

/** The options of one resource; throws when it was never registered. */
export function optionsOf(options: Map<string, SeenOptions>, type: string, name: string): SeenOptions {
  const seen = options.get(`${type}::${name}`);
  if (!seen) throw new Error(`no options recorded for ${type}::${name}`);
  return seen;
}

export const T = {
  bucket: 'aws:s3/bucket:Bucket',
  versioning: 'aws:s3/bucketVersioning:BucketVersioning',
  encryption: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  publicAccess: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  ownership: 'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  logging: 'aws:s3/bucketLogging:BucketLogging',
  lifecycle: 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  policy: 'aws:s3/bucketPolicy:BucketPolicy',
  table: 'aws:dynamodb/table:Table',
  repository: 'aws:ecr/repository:Repository',
  ecrLifecycle: 'aws:ecr/lifecyclePolicy:LifecyclePolicy',
  ecrRepositoryPolicy: 'aws:ecr/repositoryPolicy:RepositoryPolicy',
  userPool: 'aws:cognito/userPool:UserPool',
  userPoolClient: 'aws:cognito/userPoolClient:UserPoolClient',
  resourceServer: 'aws:cognito/resourceServer:ResourceServer',
  userPoolDomain: 'aws:cognito/userPoolDomain:UserPoolDomain',
  caDomain: 'aws:codeartifact/domain:Domain',
  caRepository: 'aws:codeartifact/repository:Repository',
  trail: 'aws:cloudtrail/trail:Trail',
} as const;

/** One resource of a plan with the options it was registered with. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly options: SeenOptions;
}

/** A program run's resources joined with their recorded options. */
export function planOf(mocks: { resources: readonly { type: string; name: string; inputs: Record<string, unknown> }[] }, options: Map<string, SeenOptions>): PlannedResource[] {
  // The root Stack resource is the engine's, not the program's.
  return mocks.resources.filter((r) => !r.type.startsWith('pulumi:')).map((r) => ({ ...r, options: optionsOf(options, r.type, r.name) }));
}

/** The name AWS knows a resource by, for the resources whose names are fixed (and so can collide). */
export function physicalName(r: Pick<PlannedResource, 'type' | 'inputs'>): string | undefined {
  const s = (k: string) => (typeof r.inputs[k] === 'string' ? (r.inputs[k] as string) : undefined);
  switch (r.type) {
    case T.bucket:
      return s('bucket');
    case T.caDomain:
      return s('domain');
    case T.caRepository:
      return `${s('domain')}/${s('repository')}`;
    case T.userPoolDomain:
      return s('domain');
    case T.table:
    case T.repository:
    case T.userPool:
    case T.trail:
    case 'aws:secretsmanager/secret:Secret':
      return s('name');
    default:
      return undefined;
  }
}

/**
 * What AWS does with a stack's resources through `up` and `destroy`, as far as names go: an up that
 * creates a name which still exists fails ("already exists"), a destroy forgets retained resources
 * without deleting them, refuses protected ones, cannot delete a bucket or repository that holds
 * objects or images unless forceDestroy/forceDelete is set, nor a table or user pool with deletion
 * protection, and a secret deleted with a recovery window keeps its name taken.
 */
export class FakeAccount {
  /** `<type>|<physical name>` -> whether it holds data. */
  readonly existing = new Map<string, { holdsData: boolean }>();
  private state = new Map<string, PlannedResource>();

  up(plan: readonly PlannedResource[]): void {
    const next = new Map<string, PlannedResource>();
    for (const r of plan) {
      const key = `${r.type}::${r.name}`;
      const physical = physicalName(r);
      if (!this.state.has(key) && physical !== undefined && this.existing.has(`${r.type}|${physical}`)) {
        throw new Error(`up: ${r.type} "${physical}" already exists`);
      }
      // Every data-bearing resource gets data once it is deployed: objects, images, items, users.
      if (physical !== undefined) this.existing.set(`${r.type}|${physical}`, { holdsData: true });
      next.set(key, r);
    }
    for (const [key, old] of this.state) if (!next.has(key)) this.delete(old);
    this.state = next;
  }

  destroy(): void {
    for (const r of [...this.state.values()].reverse()) {
      if (r.options.protect) throw new Error(`destroy: ${r.type} ${r.name} is protected`);
      this.delete(r);
      this.state.delete(`${r.type}::${r.name}`);
    }
  }

  private delete(r: PlannedResource): void {
    const physical = physicalName(r);
    if (physical === undefined || r.options.retainOnDelete) return;
    const id = `${r.type}|${physical}`;
    const holdsData = this.existing.get(id)?.holdsData ?? false;
    if (r.type === T.bucket && holdsData && r.inputs['forceDestroy'] !== true) throw new Error(`destroy: BucketNotEmpty ${physical}`);
    if (r.type === T.repository && holdsData && r.inputs['forceDelete'] !== true) throw new Error(`destroy: RepositoryNotEmptyException ${physical}`);
    if (r.type === T.table && r.inputs['deletionProtectionEnabled'] === true) throw new Error(`destroy: table ${physical} has deletion protection`);
    if (r.type === T.userPool && r.inputs['deletionProtection'] === 'ACTIVE') throw new Error(`destroy: user pool ${physical} has deletion protection`);
    // A secret deleted with a recovery window is only scheduled for deletion: its name stays taken.
    if (r.type === 'aws:secretsmanager/secret:Secret' && Number(r.inputs['recoveryWindowInDays'] ?? 30) > 0) return;
    this.existing.delete(id);
  }
}
