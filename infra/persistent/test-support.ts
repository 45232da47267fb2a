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
