/** A model version with the value of the compared metric (higher is better). */
export interface Scored {
  readonly version: string;
  readonly value: number | undefined;
}

export interface Comparison {
  readonly decision: 'promote' | 'reject';
  readonly reason: string;
}

/**
 * Promote when there is no champion, the champion lacks the metric, or the candidate beats the
 * champion by at least `minImprovement` relative to the champion's magnitude
 * (cand - champ >= minImprovement * |champ|, and strictly better). `minImprovement` = MIN_IMPROVEMENT (0.02 = 2 %).
 */
export function compareScores(metric: string, candidate: Scored, champion: Scored | undefined, minImprovement: number): Comparison {
  if (candidate.value === undefined) throw new Error(`candidate version ${candidate.version} has no metric "${metric}"`);
  if (!champion) return { decision: 'promote', reason: 'no champion yet' };
  if (champion.version === candidate.version) return { decision: 'reject', reason: `version ${candidate.version} is already the champion` };
  if (champion.value === undefined) return { decision: 'promote', reason: `champion v${champion.version} has no metric "${metric}"` };
  const delta = candidate.value - champion.value;
  const required = minImprovement * Math.abs(champion.value);
  const summary = `${metric} ${candidate.value} vs champion ${champion.value} (delta ${Number(delta.toPrecision(6))}, required >= ${Number(required.toPrecision(6))})`;
  return delta > 0 && delta >= required ? { decision: 'promote', reason: summary } : { decision: 'reject', reason: summary };
}
