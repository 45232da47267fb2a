/** @tradai/cost: monthly cost of the offline synth plans, from a dated eu-central-1 price table. */
import type { PlanGraph } from '@tradai/policy';
import { compareConsolidation, compareEndpoints, compareNat, seedChecks } from './compare.js';
import { estimateCost } from './estimate.js';
import type { CostReportWithComparisons } from './report.js';
import { USAGE_ASSUMPTIONS, type UsageAssumptions } from './usage.js';

export * from './compare.js';
export * from './estimate.js';
export * from './prices.js';
export * from './pricing.js';
export * from './report.js';
export * from './schedule.js';
export * from './usage.js';

/** The estimate of one environment with its NAT, endpoint and consolidation comparisons and the seed check. */
export function costReport(graph: PlanGraph, usage: UsageAssumptions = USAGE_ASSUMPTIONS[graph.environment]): CostReportWithComparisons {
  const report = estimateCost(graph, usage);
  const nat = compareNat(graph, report);
  const endpoints = compareEndpoints(graph, report);
  return {
    ...report,
    comparisons: { ...(nat ? { nat } : {}), ...(endpoints ? { endpoints } : {}), consolidation: compareConsolidation(graph, report) },
    seedCheck: seedChecks(),
  };
}
