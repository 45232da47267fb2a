import { createHash } from 'node:crypto';
import type { InfraDriftItem } from '@tradai/domain';

/**
 * Expected-vs-actual comparison. "Expected" is what the platform recorded when it deployed:
 * the infra manifest (Lambda image digests, ECS desired counts) and each strategy's latest
 * deployment (image digest, config version). "Actual" is what AWS reports now. Every difference
 * is one finding, keyed by the resource it concerns.
 */

export type DriftKind =
  | 'lambda-image' // function runs another image than the one deployed
  | 'lambda-missing'
  | 'ecs-desired' // desired count changed outside the deploy
  | 'ecs-running' // running tasks below desired (crash loop, capacity)
  | 'ecs-missing'
  | 'image-missing' // the deployed digest is gone from ECR (lifecycle policy, manual delete)
  | 'config-version' // a strategy's deployment points at a config version that does not exist
  | 'manifest-missing'; // nothing recorded what was deployed: Lambda/ECS cannot be checked

export interface DriftFinding {
  /** `lambda:<function>`, `ecs:<service>`, `strategy:<name>`: the infra_drift_state hash key. */
  readonly resourceId: string;
  readonly kind: DriftKind;
  readonly expected: string;
  readonly actual: string;
  readonly detail: string;
}

/** `tradai/strategy-x` from `<registry>/tradai/strategy-x@sha256:...` (or `:tag`). */
export function repositoryOf(imageUri: string): string | undefined {
  const m = /^[^/]+\/([^@:]+)(?:[@:].*)?$/.exec(imageUri);
  return m?.[1];
}

/** `sha256:...` from `repo@sha256:...` (ResolvedImageUri / ImageUri pinned by digest); undefined when the URI carries only a tag. */
export function digestOf(imageUri: string | undefined): string | undefined {
  const m = /@(sha256:[a-f0-9]{64})$/.exec(imageUri ?? '');
  return m?.[1];
}

/** Lambda: expected digest per function vs what GetFunction reports (undefined = function not found). */
export function compareLambdas(expected: Readonly<Record<string, string>>, actual: ReadonlyMap<string, { imageUri?: string; resolvedImageUri?: string } | undefined>): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const [fn, digest] of Object.entries(expected)) {
    const resourceId = `lambda:${fn}`;
    const a = actual.get(fn);
    if (!a) {
      out.push({ resourceId, kind: 'lambda-missing', expected: digest, actual: 'absent', detail: `function ${fn} does not exist` });
      continue;
    }
    const running = digestOf(a.resolvedImageUri) ?? digestOf(a.imageUri);
    if (running !== digest) {
      out.push({ resourceId, kind: 'lambda-image', expected: digest, actual: running ?? a.imageUri ?? 'unknown', detail: `function ${fn} runs ${running ?? a.imageUri ?? 'an unknown image'}, deployed ${digest}` });
    }
  }
  return out;
}

export interface EcsServiceState {
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly status?: string;
}

/** ECS: expected desired count per service vs DescribeServices (desired, running). */
export function compareServices(expected: Readonly<Record<string, number>>, actual: ReadonlyMap<string, EcsServiceState | undefined>): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const [svc, desired] of Object.entries(expected)) {
    const resourceId = `ecs:${svc}`;
    const a = actual.get(svc);
    if (!a || (a.status !== undefined && a.status !== 'ACTIVE')) {
      out.push({ resourceId, kind: 'ecs-missing', expected: String(desired), actual: a?.status ?? 'absent', detail: `service ${svc} is ${a?.status ?? 'not found'} in the cluster` });
      continue;
    }
    if (a.desiredCount !== desired) {
      out.push({ resourceId, kind: 'ecs-desired', expected: String(desired), actual: String(a.desiredCount), detail: `service ${svc} desired count is ${a.desiredCount}, deployed ${desired}` });
    }
    if (a.runningCount < a.desiredCount) {
      out.push({ resourceId, kind: 'ecs-running', expected: String(a.desiredCount), actual: String(a.runningCount), detail: `service ${svc} runs ${a.runningCount} of ${a.desiredCount} desired tasks` });
    }
  }
  return out;
}

export interface StrategyDeploymentCheck {
  readonly strategy: string;
  readonly imageDigest?: string;
  readonly configVersion?: number;
  /** Whether ECR still holds `imageDigest`. */
  readonly imagePresent: boolean;
  /** Whether config_versions holds `configVersion`. */
  readonly configPresent: boolean;
}

/** Strategy deployments: the deployed image must still be in ECR and its config version must exist. */
export function compareStrategies(checks: readonly StrategyDeploymentCheck[]): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const c of checks) {
    const resourceId = `strategy:${c.strategy}`;
    if (c.imageDigest && !c.imagePresent) {
      out.push({ resourceId, kind: 'image-missing', expected: c.imageDigest, actual: 'absent', detail: `deployed image ${c.imageDigest} of ${c.strategy} is no longer in ECR` });
    }
    if (c.configVersion !== undefined && !c.configPresent) {
      out.push({ resourceId, kind: 'config-version', expected: String(c.configVersion), actual: 'absent', detail: `deployment of ${c.strategy} points at config version ${c.configVersion}, which does not exist` });
    }
  }
  return out;
}

/** Alert text for a run's findings (undefined when there are none). */
export function driftAlert(findings: readonly DriftFinding[], environment: string): { subject: string; message: string } | undefined {
  if (findings.length === 0) return undefined;
  return {
    subject: `[tradai-${environment}] infra drift: ${findings.length} finding(s)`,
    message: findings.map((f) => `${f.resourceId} [${f.kind}]: ${f.detail}`).join('\n'),
  };
}

/** The longest dedupKey the alert contract (AlertNotification) accepts. */
export const MAX_DEDUP_KEY_LENGTH = 256;

/**
 * The alert's dedupKey: the UTC day and the sorted set of `resource/kind`, so the dispatcher folds
 * the same drift reported by every run of a day into one notification, while a new finding or a new
 * day alerts again. A list longer than the contract allows is hashed, not cut: cutting would make
 * two different sets of findings share a key and the newer one would be suppressed.
 */
export function driftDedupKey(findings: readonly DriftFinding[], detectedAt: string): string {
  const prefix = `infra-drift:${detectedAt.slice(0, 10)}:`;
  const list = [...new Set(findings.map((f) => `${f.resourceId}/${f.kind}`))].sort().join(',');
  const key = prefix + list;
  return key.length <= MAX_DEDUP_KEY_LENGTH ? key : `${prefix}sha256:${createHash('sha256').update(list).digest('hex')}`;
}

/**
 * The infra_drift_state records of one run: one per resource, since its key is resource + run time.
 * Several findings on one resource (a service both scaled and short of tasks) share the record, kinds
 * joined by ',' and expected / actual by '; ' in the same order, instead of overwriting each other.
 */
export function driftRecords(findings: readonly DriftFinding[], detectedAt: string): InfraDriftItem[] {
  const byResource = new Map<string, DriftFinding[]>();
  for (const f of findings) byResource.set(f.resourceId, [...(byResource.get(f.resourceId) ?? []), f]);
  return [...byResource].map(([resourceId, fs]) => ({
    resource_id: resourceId,
    detected_at: detectedAt,
    kind: fs.map((f) => f.kind).join(','),
    expected: fs.map((f) => f.expected).join('; '),
    actual: fs.map((f) => f.actual).join('; '),
  }));
}
