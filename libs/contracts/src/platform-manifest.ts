/**
 * What the compute stack deployed, recorded where infra-drift-detector reads it: one item in the
 * deployments table under a reserved partition. Strategy names start with [a-z0-9], so
 * `_platform` can never collide with a strategy. The compute stack writes (upserts) the item on
 * every `up`; the detector compares it with what AWS reports.
 */
export const PLATFORM_MANIFEST_KEY = { strategy: '_platform', deployed_at: 'manifest' } as const;

export interface PlatformManifest {
  /** Deployed function name -> image digest (`sha256:<64 hex>`) its image URI is pinned to. */
  readonly lambda_images: Readonly<Record<string, string>>;
  /** ECS service name (as in the cluster) -> desired count the stack set. */
  readonly service_desired_counts: Readonly<Record<string, number>>;
  /**
   * Content hash of the two maps: the item changes exactly when what was deployed changes, so an
   * `up` with nothing new leaves it alone (a timestamp would rewrite it, a perpetual diff).
   */
  readonly revision: string;
}
