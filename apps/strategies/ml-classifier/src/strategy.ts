import { ValidationError } from '@tradai/domain';
import { Signal, type BacktestConfig, type Strategy, type Trainable } from '@tradai/strategy-sdk';
import { RandomForestClassifier } from 'ml-random-forest';
import { complete, FEATURE_WARMUP, FEATURES, featureRows } from './features.js';

export type MlClassifierParams = {
  horizon: number;
  threshold: number;
  enter_probability: number;
  exit_probability: number;
  trees: number;
  max_depth: number;
  stop_loss: number;
};

/** Fixed so the same candles and parameters train the same forest (reruns compare like with like). */
const SEED = 42;

function asForest(model: unknown): RandomForestClassifier {
  if (!(model instanceof RandomForestClassifier)) throw new ValidationError('ml-classifier needs a trained model (train it with MODE=train, or backtest with a training section)', 'model');
  return model;
}

/**
 * A random forest on return / RSI / moving-average / volatility features predicting whether the
 * close `horizon` candles ahead is more than `threshold` above today's. Enters long when the
 * predicted probability of that up-move exceeds `enter_probability`, exits below `exit_probability`.
 */
export const mlClassifier: Strategy<MlClassifierParams> & Trainable<MlClassifierParams, RandomForestClassifier> = {
  name: 'ml-classifier',
  description: 'Random-forest classifier of next-N-candle up-moves on indicator features (long only).',
  timeframes: ['1h', '15m', '4h'],
  parameters: {
    horizon: { type: 'number', integer: true, min: 1, max: 48, default: 6 },
    threshold: { type: 'number', min: 0, max: 0.2, default: 0.002 },
    enter_probability: { type: 'number', min: 0.5, max: 1, default: 0.55 },
    exit_probability: { type: 'number', min: 0, max: 0.5, default: 0.45 },
    trees: { type: 'number', integer: true, min: 5, max: 200, default: 25 },
    max_depth: { type: 'number', integer: true, min: 2, max: 20, default: 6 },
    stop_loss: { type: 'number', min: 0, max: 0.5, default: 0.05 },
  },
  warmup: () => FEATURE_WARMUP,
  features: FEATURES,
  featureRows: (candles) => featureRows(candles),

  train(candles, p) {
    const rows = featureRows(candles);
    const x: number[][] = [];
    const y: number[] = [];
    // Labels look `horizon` candles ahead: only rows whose future is inside the training candles.
    for (let i = 0; i + p.horizon < candles.length; i++) {
      if (!complete(rows[i]!)) continue;
      x.push(Array.from(rows[i]!));
      y.push(candles.close[i + p.horizon]! / candles.close[i]! - 1 > p.threshold ? 1 : 0);
    }
    const positives = y.reduce((a, b) => a + b, 0);
    if (x.length < 50) throw new ValidationError(`ml-classifier: ${x.length} labelled rows to train on, need at least 50 (lengthen the training window)`, 'training');
    if (positives === 0 || positives === y.length) throw new ValidationError(`ml-classifier: every training label is ${positives ? 'up' : 'not up'}; cannot train a classifier`, 'training');
    const model = new RandomForestClassifier({ nEstimators: p.trees, seed: SEED, maxFeatures: 0.8, replacement: true, useSampleBagging: true, noOOB: true, treeOptions: { maxDepth: p.max_depth } });
    model.train(x, y);
    const predicted = model.predict(x);
    const correct = predicted.reduce((n, v, i) => n + (v === y[i] ? 1 : 0), 0);
    return { model, metrics: { accuracy: correct / y.length, positive_rate: positives / y.length, rows: y.length } };
  },

  signals(candles, p, model) {
    const forest = asForest(model);
    const rows = featureRows(candles);
    const index: number[] = [];
    const x: number[][] = [];
    rows.forEach((r, i) => {
      if (complete(r)) {
        index.push(i);
        x.push(Array.from(r));
      }
    });
    const out = new Int8Array(candles.length);
    if (x.length === 0) return out;
    const prob = forest.predictProbability(x, 1);
    index.forEach((i, k) => {
      if (prob[k]! > p.enter_probability) out[i] = Signal.EnterLong;
      else if (prob[k]! < p.exit_probability) out[i] = Signal.ExitLong;
    });
    return out;
  },

  serialize: (model) => JSON.stringify(model.toJSON()),
  deserialize: (text) => RandomForestClassifier.load(JSON.parse(text) as Parameters<typeof RandomForestClassifier.load>[0]),
  engine,
};

/** Engine settings from the parameters: the stop-loss (0 = none). */
export function engine(p: Readonly<Record<string, unknown>>): Partial<BacktestConfig> {
  const stop = Number(p['stop_loss']);
  return stop > 0 ? { stopLoss: stop } : {};
}

export default mlClassifier;
