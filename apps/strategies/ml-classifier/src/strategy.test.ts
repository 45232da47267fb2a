import { checkParameters, ValidationError } from '@tradai/domain';
import { candlesFromCloses, generateCandles, sliceColumns, type CandleColumns } from '@tradai/market-data';
import { rsi, Signal, sma } from '@tradai/strategy-sdk';
import { describe, expect, it } from 'vitest';
import { complete, FEATURES, featureRows } from './features.js';
import { engine, mlClassifier, type MlClassifierParams } from './strategy.js';

const params = (p: Record<string, string | number | boolean> = {}) => checkParameters(mlClassifier.parameters, p) as MlClassifierParams;
const candles = generateCandles({ timeframe: '1h', start: 0, count: 900, seed: 5, symbol: 'BTC/USDT' });
const trained = mlClassifier.train(sliceColumns(candles, 0, 600), params({ trees: 10 }));

describe('ml-classifier', () => {
  it('computes one finite row per candle after the warm-up, from past candles only', () => {
    const rows = featureRows(candles);
    expect(rows).toHaveLength(900);
    expect(rows[0]!.length).toBe(FEATURES.length);
    expect(rows[25]!.every(Number.isFinite)).toBe(true);
    expect(rows[3]!.some(Number.isNaN)).toBe(true);
    const prefix = featureRows(sliceColumns(candles, 0, 200));
    expect(prefix[199]).toEqual(rows[199]);
  });

  it('trains a forest, reports in-sample metrics, and round-trips through serialize', () => {
    expect(trained.metrics.rows).toBeGreaterThan(500);
    expect(trained.metrics.accuracy).toBeGreaterThan(0.5);
    expect(trained.metrics.positive_rate).toBeGreaterThan(0);
    const copy = mlClassifier.deserialize(mlClassifier.serialize(trained.model));
    const tail = sliceColumns(candles, 0, 900);
    expect(mlClassifier.signals(tail, params(), copy)).toEqual(mlClassifier.signals(tail, params(), trained.model));
  });

  it('signals entries and exits out of sample, and never looks ahead', () => {
    const full = mlClassifier.signals(candles, params(), trained.model);
    expect(full.filter((v) => v === Signal.EnterLong).length).toBeGreaterThan(0);
    expect(full.filter((v) => v === Signal.ExitLong).length).toBeGreaterThan(0);
    for (const n of [30, 650, 899]) expect(mlClassifier.signals(sliceColumns(candles, 0, n), params(), trained.model)).toEqual(full.subarray(0, n));
  });

  it('refuses to signal without a model and to train on too little data', () => {
    expect(() => mlClassifier.signals(candles, params())).toThrow(/needs a trained model/);
    expect(() => mlClassifier.train(sliceColumns(candles, 0, 60), params())).toThrow(/labelled rows to train on, need at least 50/);
  });

  it('computes each feature as documented, row by row (the volatility from each window, not running sums)', () => {
    const c = sliceColumns(candles, 0, 80);
    const close = c.close;
    const r14 = rsi(close, 14);
    const ma20 = sma(close, 20);
    const ret = (i: number, k: number) => (i >= k ? close[i]! / close[i - k]! - 1 : NaN);
    const vol = (i: number) => {
      if (i < 20) return NaN;
      const w = Array.from({ length: 20 }, (_, k) => ret(i - k, 1));
      const mean = w.reduce((a, b) => a + b, 0) / 20;
      return Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 20);
    };
    const rows = featureRows(c);
    expect(rows).toHaveLength(80);
    for (let i = 0; i < 80; i++) {
      const expected = [ret(i, 1), ret(i, 5), r14[i]! / 100, close[i]! / ma20[i]! - 1, vol(i), (c.high[i]! - c.low[i]!) / close[i]!];
      expect(rows[i]!.length).toBe(FEATURES.length);
      expected.forEach((v, f) => {
        if (Number.isNaN(v)) expect(rows[i]![f], `row ${i} ${FEATURES[f]}`).toBeNaN();
        else expect(rows[i]![f], `row ${i} ${FEATURES[f]}`).toBeCloseTo(v, 12);
      });
    }
    // The first complete row is the 21st: every feature is defined from candle 20 on.
    expect(complete(rows[19]!)).toBe(false);
    expect(complete(rows[20]!)).toBe(true);
  });

  describe('training', () => {
    // Labels of the rows train() uses, by its documented rule: the close `horizon` ahead beats `threshold`.
    const labels = (c: CandleColumns, horizon: number, threshold: number): number[] =>
      Array.from({ length: c.length - horizon - 20 }, (_, k) => (c.close[k + 20 + horizon]! / c.close[k + 20]! - 1 > threshold ? 1 : 0));

    it('labels every complete row whose future lies inside the candles, looking ahead', () => {
      const c = sliceColumns(candles, 0, 300);
      const { metrics } = mlClassifier.train(c, params({ horizon: 6, trees: 5 }));
      const y = labels(c, 6, 0.002);
      expect(metrics.rows).toBe(300 - 6 - 20);
      expect(metrics.positive_rate).toBeCloseTo(y.reduce((a, b) => a + b, 0) / y.length, 12);
    });

    it('labels a move of exactly the threshold as not up', () => {
      // Plateaus two candles long: half the one-candle-ahead moves are exactly 0.
      const c = candlesFromCloses(Array.from({ length: 140 }, (_, i) => 100 + (Math.floor(i / 2) % 5)));
      const { metrics } = mlClassifier.train(c, params({ horizon: 1, threshold: 0, trees: 5 }));
      const y = labels(c, 1, 0);
      expect(metrics.rows).toBe(140 - 1 - 20);
      expect(metrics.positive_rate).toBeCloseTo(y.reduce((a, b) => a + b, 0) / y.length, 12);
      expect(metrics.positive_rate).toBeLessThan(0.5);
    });

    it('reports in-sample accuracy as the share of its own predictions that match the labels', () => {
      const c = sliceColumns(candles, 0, 300);
      const { model, metrics } = mlClassifier.train(c, params({ horizon: 6, trees: 5 }));
      const y = labels(c, 6, 0.002);
      const x = featureRows(c).slice(20, 20 + y.length).map((r) => Array.from(r));
      const predicted = model.predict(x);
      expect(metrics.accuracy).toBeCloseTo(predicted.filter((v, i) => v === y[i]).length / y.length, 12);
      expect(metrics.accuracy).toBeLessThan(1);
    });

    it('trains on exactly 50 labelled rows and refuses 49, naming the training window', () => {
      expect(mlClassifier.train(sliceColumns(candles, 0, 50 + 20 + 6), params({ horizon: 6, trees: 5 })).metrics.rows).toBe(50);
      const refused = (() => {
        try {
          mlClassifier.train(sliceColumns(candles, 0, 49 + 20 + 6), params({ horizon: 6, trees: 5 }));
        } catch (e) {
          return e as ValidationError;
        }
        throw new Error('trained on 49 rows');
      })();
      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused.message).toMatch(/49 labelled rows to train on, need at least 50/);
      expect(refused.path).toBe('training');
    });

    it('refuses labels that are all up or all not up', () => {
      const rising = candlesFromCloses(Array.from({ length: 100 }, (_, i) => 100 * 1.01 ** i));
      expect(() => mlClassifier.train(rising, params({ horizon: 1, threshold: 0 }))).toThrow(/every training label is up; cannot train/);
      const flat = candlesFromCloses(Array.from({ length: 100 }, (_, i) => 100 + (i % 2)));
      expect(() => mlClassifier.train(flat, params({ horizon: 2, threshold: 0 }))).toThrow(/every training label is not up; cannot train/);
      expect(() => mlClassifier.train(flat, params({ horizon: 2, threshold: 0 }))).toThrow(expect.objectContaining({ name: 'ValidationError', path: 'training' }));
    });

    it('grows the forest the parameters ask for: bagged samples, seeded, no out-of-bag pass', () => {
      const { model } = mlClassifier.train(sliceColumns(candles, 0, 300), params({ trees: 7, max_depth: 3 }));
      const saved = (JSON.parse(mlClassifier.serialize(model)) as { baseModel: Record<string, unknown> }).baseModel;
      expect(saved).toMatchObject({ nEstimators: 7, treeOptions: { maxDepth: 3 }, seed: 42, maxFeatures: 0.8, replacement: true, useSampleBagging: true });
      expect((saved['estimators'] as unknown[]).length).toBe(7);
      expect((model as unknown as { oobResults?: unknown }).oobResults).toBeUndefined();
    });
  });

  describe('signals at the probability levels', () => {
    const c = sliceColumns(candles, 600, 900);
    const rows = featureRows(c);
    const index = [...rows.keys()].filter((i) => complete(rows[i]!));
    const prob = trained.model.predictProbability(index.map((i) => Array.from(rows[i]!)), 1);
    const find = (lo: number, hi: number) => {
      const k = prob.findIndex((v) => v > lo && v < hi);
      expect(k).toBeGreaterThanOrEqual(0);
      return { i: index[k]!, p: prob[k]! };
    };

    it('enters only above enter_probability, not at it', () => {
      const { i, p } = find(0.5, 1);
      expect(mlClassifier.signals(c, params({ enter_probability: p, exit_probability: 0 }), trained.model)[i]).toBe(0);
      expect(mlClassifier.signals(c, params({ enter_probability: p - 1e-9, exit_probability: 0 }), trained.model)[i]).toBe(Signal.EnterLong);
    });

    it('exits only below exit_probability, not at it', () => {
      const { i, p } = find(0, 0.5);
      expect(mlClassifier.signals(c, params({ enter_probability: 1, exit_probability: p }), trained.model)[i]).toBe(0);
      expect(mlClassifier.signals(c, params({ enter_probability: 1, exit_probability: p + 1e-9 }), trained.model)[i]).toBe(Signal.ExitLong);
    });

    it('holds between the levels and signals nothing during the feature warm-up', () => {
      const s = mlClassifier.signals(c, params({ enter_probability: 0.7, exit_probability: 0.3 }), trained.model);
      const held = index.filter((_, k) => prob[k]! >= 0.3 && prob[k]! <= 0.7);
      expect(held.length).toBeGreaterThan(0);
      expect(held.every((i) => s[i] === 0)).toBe(true);
      expect([...s.subarray(0, 20)]).toEqual(new Array(20).fill(0));
      // Too few candles for one complete row: no signal, and no call into the forest.
      expect(mlClassifier.signals(sliceColumns(c, 0, 20), params(), trained.model)).toEqual(new Int8Array(20));
    });
  });

  it('names itself, declares whole-number sizes, names the model when it has none, and sets the stop-loss', () => {
    expect(mlClassifier.name).toBe('ml-classifier');
    expect(mlClassifier.description).toMatch(/classifier/i);
    for (const name of ['horizon', 'trees', 'max_depth']) expect(() => params({ [name]: 6.5 })).toThrow(new RegExp(`parameters\\.${name}`));
    let err: unknown;
    try {
      mlClassifier.signals(candles, params(), { not: 'a forest' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toBe('model');
    expect(engine(params({ stop_loss: 0 }))).toEqual({});
    expect(engine(params({ stop_loss: 0.001 }))).toEqual({ stopLoss: 0.001 });
    expect(engine(params())).toEqual({ stopLoss: 0.05 });
  });
});
