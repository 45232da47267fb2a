import { checkParameters } from '@tradai/domain';
import { generateCandles, sliceColumns } from '@tradai/market-data';
import { Signal } from '@tradai/strategy-sdk';
import { describe, expect, it } from 'vitest';
import { FEATURES, featureRows } from './features.js';
import { mlClassifier, type MlClassifierParams } from './strategy.js';

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
});
