import { binCounts, parseJsonEvent, quantileEdges, type ParameterValue } from '@tradai/domain';
import type { CandleColumns } from '@tradai/market-data';
import * as z from 'zod/mini';
import type { Strategy, Trainable } from '../strategy.js';

/** A strategy that trains (MODE=train) and reads a model in `signals`. */
export type TrainableStrategy = Strategy & Trainable;

export function isTrainable(s: Strategy): s is TrainableStrategy {
  const t = s as Partial<Trainable>;
  return Array.isArray(t.features) && typeof t.train === 'function' && typeof t.serialize === 'function' && typeof t.deserialize === 'function' && typeof t.featureRows === 'function';
}

/** Name of the prediction's distribution beside the features' (`dist.prediction.<i>`). */
export const PREDICTION = 'prediction';

/**
 * Reference distributions of a trained model: per feature (and the prediction, i.e. the signals the
 * model gives), the decile edges of its training values and the counts per bin. A monitoring run
 * bins its recent values with these same `edges` (they ship in the model artifact), so the two
 * count vectors line up bin for bin for drift-monitor's PSI.
 */
export interface ReferenceDistributions {
  readonly edges: Record<string, number[]>;
  readonly counts: Record<string, number[]>;
}

/** The values drift is measured on: each feature column and the model's signals (`prediction`). */
function distributionColumns(strategy: TrainableStrategy, candles: CandleColumns, params: Record<string, ParameterValue>, model: unknown): Record<string, ArrayLike<number>> {
  const rows = strategy.featureRows(candles, params);
  const columns: Record<string, ArrayLike<number>> = {};
  strategy.features.forEach((f, j) => (columns[f] = Float64Array.from(rows, (r) => r[j]!)));
  columns[PREDICTION] = strategy.signals(candles, params, model);
  return columns;
}

/** The training run's side: edges from the training candles, and their counts. */
export function referenceDistributions(strategy: TrainableStrategy, candles: CandleColumns, params: Record<string, ParameterValue>, model: unknown): ReferenceDistributions {
  const edges: Record<string, number[]> = {};
  const counts: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(distributionColumns(strategy, candles, params, model))) {
    edges[name] = quantileEdges(values);
    counts[name] = binCounts(values, edges[name]);
  }
  return { edges, counts };
}

/**
 * A monitoring run's side (a bot over its recent candles): counts in the reference's bins, read
 * from the model artifact's `distributionEdges`. Log them with `distributionMetrics` in a run tagged
 * `tradai.run_type = monitoring` in the model's experiment.
 */
export function currentDistributions(strategy: TrainableStrategy, candles: CandleColumns, params: Record<string, ParameterValue>, model: unknown, edges: Readonly<Record<string, readonly number[]>>): Record<string, number[]> {
  const counts: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(distributionColumns(strategy, candles, params, model))) {
    const e = edges[name];
    if (!e) throw new Error(`the model artifact has no bin edges for "${name}"`);
    counts[name] = binCounts(values, e);
  }
  return counts;
}

/** The model file in the mlflow bucket: the serialised model plus what a bot needs beside it. */
export const ModelArtifact = z.object({
  format: z.literal('tradai.model/v1'),
  strategy: z.string(),
  features: z.array(z.string()),
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** feature (and `prediction`) -> bin edges of the reference distribution. */
  distributionEdges: z.record(z.string(), z.array(z.number())),
  trainedOn: z.object({ exchange: z.string(), symbol: z.string(), timeframe: z.string(), start: z.string(), end: z.string() }),
  /** `strategy.serialize(model)`. */
  model: z.string(),
});
export type ModelArtifact = z.output<typeof ModelArtifact>;

/** Parses a model file and deserialises its model with the strategy that wrote it. */
export function readModelArtifact(strategy: TrainableStrategy, text: string, where: string): { artifact: ModelArtifact; model: unknown } {
  const artifact = parseJsonEvent(ModelArtifact, text, `model artifact ${where}`);
  if (artifact.strategy !== strategy.name) throw new Error(`model artifact ${where} belongs to ${artifact.strategy}, not ${strategy.name}`);
  return { artifact, model: strategy.deserialize(artifact.model) };
}
