import { createHash } from 'node:crypto';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PLATFORM_MANIFEST_KEY, TABLE_SCHEMAS, type PlatformManifest } from '@tradai/contracts';

/** `<repo>@sha256:<hex>` -> `sha256:<hex>`; throws for an image not pinned by digest. */
export function digestOf(imageUri: string): string {
  const m = /@(sha256:[0-9a-f]{64})$/.exec(imageUri);
  if (!m) throw new Error(`image ${imageUri} is not pinned by digest`);
  return m[1]!;
}

/** The manifest with its content revision (sha256 over both maps with sorted keys). */
export function manifestWithRevision(
  lambdaImages: Readonly<Record<string, string>>,
  serviceDesiredCounts: Readonly<Record<string, number>>,
): PlatformManifest {
  const sorted = <V>(r: Readonly<Record<string, V>>) => Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
  const revision = createHash('sha256').update(JSON.stringify([sorted(lambdaImages), sorted(serviceDesiredCounts)])).digest('hex').slice(0, 16);
  return { lambda_images: lambdaImages, service_desired_counts: serviceDesiredCounts, revision };
}

type DynamoValue = { S: string } | { N: string } | { M: Record<string, DynamoValue> };

/**
 * The manifest as a DynamoDB item (attribute-value JSON, what aws.dynamodb.TableItem takes), keyed
 * by PLATFORM_MANIFEST_KEY in the deployments table, sorted so the same deployment gives the same item.
 */
export function platformManifestItem(manifest: PlatformManifest): string {
  const schema = TABLE_SCHEMAS.deployments;
  const sortedMap = <V>(record: Readonly<Record<string, V>>, value: (v: V) => DynamoValue): DynamoValue => ({
    M: Object.fromEntries(Object.keys(record).sort().map((k) => [k, value(record[k]!)])),
  });
  const item: Record<string, DynamoValue> = {
    [schema.hashKey.name]: { S: PLATFORM_MANIFEST_KEY.strategy },
    [schema.rangeKey!.name]: { S: PLATFORM_MANIFEST_KEY.deployed_at },
    lambda_images: sortedMap(manifest.lambda_images, (d) => ({ S: d })),
    service_desired_counts: sortedMap(manifest.service_desired_counts, (n) => ({ N: String(n) })),
    revision: { S: manifest.revision },
  };
  return JSON.stringify(item);
}

export interface PlatformManifestArgs {
  readonly deploymentsTableName: pulumi.Input<string>;
  /** Deployed function name -> image URI (pinned by digest). */
  readonly lambdaImages: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** ECS service name -> desired count (Fargate services; the consolidated host runs no ECS service). */
  readonly serviceDesiredCounts: Readonly<Record<string, number>>;
}

/**
 * What this stack deployed, written where infra-drift-detector reads it (@tradai/contracts
 * platform-manifest): function image digests and ECS desired counts, with a content revision so
 * the item is rewritten only when one of them changes.
 */
export class PlatformManifestRecord extends pulumi.ComponentResource {
  readonly item: aws.dynamodb.TableItem;

  constructor(name: string, args: PlatformManifestArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tradai:compute:PlatformManifest', name, {}, opts);
    const schema = TABLE_SCHEMAS.deployments;
    this.item = new aws.dynamodb.TableItem(
      `${name}-item`,
      {
        tableName: args.deploymentsTableName,
        hashKey: schema.hashKey.name,
        rangeKey: schema.rangeKey!.name,
        item: pulumi.output(args.lambdaImages).apply((images) =>
          platformManifestItem(
            manifestWithRevision(
              Object.fromEntries(Object.entries(images).map(([fn, uri]) => [fn, digestOf(uri)])),
              args.serviceDesiredCounts,
            ),
          ),
        ),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
