/**
 * Drift maths. Input, per strategy, is two sets of binned distributions over the same bins:
 * the reference (logged by the deployed model's training run) and the current one (logged by the
 * latest monitoring run of the live bot). Each feature (or `prediction`) is a vector of bin counts or
 * proportions. Drift of a feature is its Population Stability Index; the strategy's drift score
 * is the largest feature PSI (one shifted feature is enough to distrust the model).
 */

/** feature name -> bin values (counts or proportions), bin i at index i. */
export type Distributions = Readonly<Record<string, readonly number[]>>;

/** Empty bins are floored at this proportion so ln(a/e) stays finite (the usual PSI convention). */
export const PSI_EPSILON = 1e-4;

function proportions(bins: readonly number[], what: string): number[] {
  if (bins.some((b) => !Number.isFinite(b) || b < 0)) throw new Error(`${what}: bins must be finite and >= 0, got [${bins.join(', ')}]`);
  const total = bins.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new Error(`${what}: all bins are zero`);
  return bins.map((b) => Math.max(b / total, PSI_EPSILON));
}

/** PSI = sum((a_i - e_i) * ln(a_i / e_i)) over bins; 0 for identical distributions. */
export function psi(expected: readonly number[], actual: readonly number[], what = 'distribution'): number {
  if (expected.length !== actual.length) throw new Error(`${what}: reference has ${expected.length} bins, current has ${actual.length}`);
  if (expected.length < 2) throw new Error(`${what}: needs at least 2 bins, got ${expected.length}`);
  const e = proportions(expected, `${what} (reference)`);
  const a = proportions(actual, `${what} (current)`);
  return e.reduce((sum, ei, i) => sum + (a[i]! - ei) * Math.log(a[i]! / ei), 0);
}

export interface DriftScore {
  /** Largest feature PSI. */
  readonly score: number;
  readonly features: Record<string, number>;
  /** Reference features the current run did not log (not scored, reported). */
  readonly missing: string[];
}

/** Scores every feature present in both; throws when they share none. */
export function driftScore(reference: Distributions, current: Distributions): DriftScore {
  const features: Record<string, number> = {};
  const missing: string[] = [];
  for (const [name, ref] of Object.entries(reference)) {
    const cur = current[name];
    if (!cur) missing.push(name);
    else features[name] = psi(ref, cur, `feature "${name}"`);
  }
  const scores = Object.values(features);
  if (scores.length === 0) throw new Error(`no feature in common between reference [${Object.keys(reference).join(', ')}] and current [${Object.keys(current).join(', ')}]`);
  return { score: Math.max(...scores), features, missing };
}

/**
 * Step Functions execution name for a drift-triggered retraining: one per strategy per UTC day, so
 * a second run the same day (or a retried invocation) cannot start a second training.
 * Names allow [A-Za-z0-9-_] and at most 80 characters.
 */
export function retrainingExecutionName(strategy: string, at: Date): string {
  const day = at.toISOString().slice(0, 10).replaceAll('-', '');
  const safe = strategy.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80 - 'drift--'.length - day.length);
  return `drift-${safe}-${day}`;
}

/** Drift past the threshold (strictly greater) triggers retraining. */
export function exceedsThreshold(score: number, threshold: number): boolean {
  return score > threshold;
}
