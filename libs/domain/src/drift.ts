/**
 * The drift contract's wire format and binning, shared by its three parties: the training run
 * (train mode) logs the reference distribution of each model feature and of the prediction, a
 * bot logs the same bins over its recent candles, and drift-monitor compares the two (PSI). Bin i
 * of feature f is the MLflow metric `dist.<f>.<i>`, bins contiguous from 0.
 */

/** Bins per feature: deciles of the reference, the usual PSI choice. */
export const DIST_BINS = 10;

/**
 * Interior cut points splitting the finite `values` into `bins` equal-count bins (quantiles),
 * de-duplicated, so a discrete feature gets fewer, non-empty bins. The reference run fixes them;
 * a monitoring run bins its own values with the same edges (they travel with the model).
 */
export function quantileEdges(values: ArrayLike<number>, bins = DIST_BINS): number[] {
  if (!Number.isInteger(bins) || bins < 2) throw new Error(`bins must be an integer >= 2, got ${bins}`);
  const sorted = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('no finite values to bin');
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / bins))]!;
    // Strictly increasing; an edge at the minimum would leave bin 0 empty by construction.
    if (edge > sorted[0]! && (edges.length === 0 || edge > edges.at(-1)!)) edges.push(edge);
  }
  return edges;
}

/**
 * Counts of the finite `values` per bin: bin 0 is `(-inf, edges[0])`, bin i is
 * `[edges[i-1], edges[i])`, the last `[edges.at(-1), +inf)`; `edges.length + 1` bins.
 */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    if (!Number.isFinite(v)) continue;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v < edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}

/** Distributions -> MLflow metrics `dist.<feature>.<i>` (the inverse of {@link distributionsFromMetrics}). */
export function distributionMetrics(distributions: Readonly<Record<string, readonly number[]>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [feature, bins] of Object.entries(distributions)) {
    if (!/^[A-Za-z0-9_-]+$/.test(feature)) throw new Error(`feature name "${feature}" must be A-Z, a-z, 0-9, "_", "-" (it becomes an MLflow metric key)`);
    bins.forEach((value, i) => (out[`dist.${feature}.${i}`] = value));
  }
  return out;
}

/**
 * MLflow metrics -> distributions. A run logs bin i of feature f as metric `dist.<f>.<i>`
 * (other metrics are ignored). Bins must be contiguous from 0.
 */
export function distributionsFromMetrics(metrics: Readonly<Record<string, number>>, runId: string): Record<string, number[]> {
  const byFeature = new Map<string, Map<number, number>>();
  for (const [key, value] of Object.entries(metrics)) {
    const match = /^dist\.(.+)\.(\d+)$/.exec(key);
    if (!match) continue;
    const bins = byFeature.get(match[1]!) ?? new Map<number, number>();
    bins.set(Number(match[2]), value);
    byFeature.set(match[1]!, bins);
  }
  const out: Record<string, number[]> = {};
  for (const [feature, bins] of byFeature) {
    const n = Math.max(...bins.keys()) + 1;
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = bins.get(i);
      if (v === undefined) throw new Error(`run ${runId}: metric dist.${feature}.${i} is missing (bins must be contiguous from 0)`);
      values.push(v);
    }
    out[feature] = values;
  }
  return out;
}
