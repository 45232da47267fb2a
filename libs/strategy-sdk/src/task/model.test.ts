import { ValidationError } from '@tradai/domain';
import { emptyColumns, type CandleColumns } from '@tradai/market-data';
import { describe, expect, it } from 'vitest';
import { Signal, type Strategy } from '../strategy.js';
import { currentDistributions, isTrainable, ModelArtifact, PREDICTION, readModelArtifact, referenceDistributions, type TrainableStrategy } from './model.js';

type Model = { every: number };

/** 20 candles; only the row count matters to the strategy below. */
const candles = (n = 20): CandleColumns => emptyColumns(n);

/**
 * Feature `a` is the row index (0..19), `b` ten times it with a NaN warm-up row, so the two columns
 * bin differently; signals enter every `model.every` rows and exit otherwise (hold when `flat`).
 */
const strategy: TrainableStrategy = {
  name: 'binner',
  description: 'test trainable strategy',
  timeframes: ['1h'],
  parameters: {},
  warmup: () => 1,
  features: ['a', 'b'],
  featureRows: (c) => Array.from({ length: c.length }, (_, i) => Float64Array.of(i, i === 0 ? NaN : i * 10)),
  train: () => ({ model: { every: 4 }, metrics: {} }),
  signals(c, p, model) {
    const m = model as Model;
    const out = new Int8Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = i % m.every === 0 ? Signal.EnterLong : p['flat'] ? Signal.Hold : Signal.ExitLong;
    return out;
  },
  serialize: (m) => JSON.stringify(m),
  deserialize: (t) => JSON.parse(t) as Model,
};

const plain: Strategy = { name: 'plain', description: 'no model', timeframes: ['1h'], parameters: {}, warmup: () => 0, signals: (c) => new Int8Array(c.length) };

const artifact = (change: Record<string, unknown> = {}) => ({
  format: 'tradai.model/v1',
  strategy: 'binner',
  features: ['a', 'b'],
  parameters: { n: 3, s: 'x', f: true },
  distributionEdges: { a: [2, 4], prediction: [1] },
  trainedOn: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', start: '2026-01-01T00:00:00.000Z', end: '2026-01-08T00:00:00.000Z' },
  model: '{"every":3}',
  ...change,
});

describe('isTrainable', () => {
  it('is true for a strategy with features, train, serialize, deserialize and featureRows', () => {
    expect(isTrainable(strategy)).toBe(true);
    expect(isTrainable(plain)).toBe(false);
  });

  it.each(['features', 'train', 'serialize', 'deserialize', 'featureRows'])('is false without %s', (member) => {
    const { [member as keyof TrainableStrategy]: _, ...rest } = strategy;
    expect(isTrainable(rest as Strategy)).toBe(false);
  });

  it.each([
    ['features', 'a'],
    ['train', {}],
    ['serialize', 'JSON'],
    ['deserialize', 1],
    ['featureRows', []],
  ])('is false when %s has the wrong type', (member, value) => {
    expect(isTrainable({ ...strategy, [member]: value } as Strategy)).toBe(false);
  });
});

describe('referenceDistributions', () => {
  it('gives decile edges and counts per feature and for the prediction', () => {
    const ref = referenceDistributions(strategy, candles(), {}, { every: 4 });
    expect(PREDICTION).toBe('prediction');
    expect(Object.keys(ref.edges)).toEqual(['a', 'b', 'prediction']);
    expect(ref.edges).toEqual({ a: [2, 4, 6, 8, 10, 12, 14, 16, 18], b: [20, 40, 60, 80, 100, 120, 140, 160, 180], prediction: [1] });
    // b has 19 finite values (the warm-up NaN is not counted).
    expect(ref.counts).toEqual({ a: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], b: [1, 2, 2, 2, 2, 2, 2, 2, 2, 2], prediction: [15, 5] });
  });

  it('bins the signals the model and the parameters give', () => {
    // Enter every 5th row (4 of 20), hold otherwise: prediction values 0 and 1.
    const ref = referenceDistributions(strategy, candles(), { flat: true }, { every: 5 });
    expect(ref.edges['prediction']).toEqual([1]);
    expect(ref.counts['prediction']).toEqual([16, 4]);
  });
});

describe('currentDistributions', () => {
  it('counts the values in the given bins, one count vector per feature and the prediction', () => {
    const counts = currentDistributions(strategy, candles(), {}, { every: 2 }, { a: [5, 10], b: [], prediction: [0] });
    expect(counts).toEqual({ a: [5, 5, 10], b: [19], prediction: [10, 10] });
  });

  it.each(['a', 'b', 'prediction'])('refuses edges without "%s", naming it', (missing) => {
    const edges: Record<string, number[]> = { a: [1], b: [1], prediction: [0] };
    delete edges[missing];
    expect(() => currentDistributions(strategy, candles(), {}, { every: 2 }, edges)).toThrow(new Error(`the model artifact has no bin edges for "${missing}"`));
  });
});

describe('ModelArtifact', () => {
  it('keeps every field of a model file', () => {
    expect(ModelArtifact.parse(artifact())).toEqual(artifact());
  });

  it.each([
    ['another format', { format: 'tradai.model/v2' }],
    ['a parameter that is a list', { parameters: { n: [1] } }],
    ['edges that are not numbers', { distributionEdges: { a: ['1'] } }],
    ['a trainedOn without its end', { trainedOn: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', start: 'x' } }],
    ['no model', { model: undefined }],
    ['a feature that is not a name', { features: [1] }],
  ])('refuses %s', (_what, change) => {
    expect(ModelArtifact.safeParse(artifact(change)).success).toBe(false);
  });
});

describe('readModelArtifact', () => {
  it('parses the file and deserialises its model with the strategy', () => {
    const out = readModelArtifact(strategy, JSON.stringify(artifact()), 's3://mlflow/m.json');
    expect(out.artifact).toEqual(artifact());
    expect(out.model).toEqual({ every: 3 });
  });

  it("refuses another strategy's artifact, naming both", () => {
    expect(() => readModelArtifact(strategy, JSON.stringify(artifact({ strategy: 'other' })), 's3://mlflow/m.json')).toThrow(new Error('model artifact s3://mlflow/m.json belongs to other, not binner'));
  });

  it('refuses a file that is not JSON or not an artifact, with a ValidationError naming the file', () => {
    expect(() => readModelArtifact(strategy, 'model: 1', 'm.json')).toThrow(ValidationError);
    expect(() => readModelArtifact(strategy, 'model: 1', 'm.json')).toThrow(/^invalid model artifact m\.json: \(root\): body is not valid JSON/);
    expect(() => readModelArtifact(strategy, JSON.stringify(artifact({ format: 'x' })), 'm.json')).toThrow(/^invalid model artifact m\.json: format: /);
  });
});
