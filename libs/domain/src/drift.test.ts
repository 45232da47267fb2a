import { describe, expect, it } from 'vitest';
import { binCounts, distributionMetrics, distributionsFromMetrics, quantileEdges } from './drift.js';

describe('quantileEdges / binCounts', () => {
  it('splits values into equal-count bins', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const edges = quantileEdges(values, 4);
    expect(edges).toEqual([25, 50, 75]);
    expect(binCounts(values, edges)).toEqual([25, 25, 25, 25]);
  });

  it('gives a discrete feature fewer bins, none empty, and skips NaN', () => {
    const values = [0, 0, 0, 1, 1, NaN];
    const edges = quantileEdges(values, 10);
    expect(edges).toEqual([1]);
    expect(binCounts(values, edges)).toEqual([3, 2]);
  });

  it('puts values outside the reference range in the end bins', () => {
    expect(binCounts([-5, 0.5, 99], [0, 1])).toEqual([1, 1, 1]);
  });

  it('refuses nothing to bin', () => {
    expect(() => quantileEdges([NaN])).toThrow(/no finite values/);
  });
});

describe('distributionsFromMetrics', () => {
  it('reads dist.<feature>.<bin> metrics into ordered bins and ignores others', () => {
    expect(distributionsFromMetrics({ 'dist.rsi.1': 0.6, 'dist.rsi.0': 0.4, 'dist.prediction.0': 1, 'dist.prediction.1': 0, sharpe: 1.2 }, 'r1')).toEqual({ rsi: [0.4, 0.6], prediction: [1, 0] });
  });

  it('names a gap in the bins', () => {
    expect(() => distributionsFromMetrics({ 'dist.rsi.0': 1, 'dist.rsi.2': 1 }, 'r9')).toThrow(/run r9: metric dist.rsi.1 is missing/);
  });

  it('round-trips with distributionMetrics', () => {
    const d = { rsi: [3, 5, 2], prediction: [1, 9] };
    expect(distributionsFromMetrics(distributionMetrics(d), 'r2')).toEqual(d);
    expect(() => distributionMetrics({ 'a.b': [1] })).toThrow(/feature name "a.b"/);
  });
});

describe('binning boundaries', () => {
  it('needs at least 2 bins, an integer', () => {
    expect(() => quantileEdges([1, 2, 3], 1)).toThrow('bins must be an integer >= 2, got 1');
    expect(() => quantileEdges([1, 2, 3], 2.5)).toThrow('bins must be an integer >= 2, got 2.5');
    expect(quantileEdges([1, 2, 3, 4], 2)).toEqual([3]);
    expect(quantileEdges([1, 2, 3, 4], 3)).toEqual([2, 3]);
  });

  it('a value exactly on an edge falls in the bin above it', () => {
    expect(binCounts([0.999, 1, 1.001], [1])).toEqual([1, 2]);
    expect(binCounts([1, 2, 3], [1, 2, 3])).toEqual([0, 1, 1, 1]);
    expect(binCounts([0, 1, 2, 3, 4], [1, 2, 3])).toEqual([1, 1, 1, 2]);
    expect(binCounts([Infinity, -Infinity, 5], [])).toEqual([1]);
  });

  it('drops an edge equal to the minimum or to the previous edge', () => {
    // Deciles pick 0 x5, 1 x3, 2: an edge at the minimum and repeats are dropped.
    expect(quantileEdges([0, 0, 0, 0, 0, 0, 1, 1, 1, 2], 10)).toEqual([1, 2]);
    // A single repeated value has no interior edge.
    expect(quantileEdges([7, 7, 7], 10)).toEqual([]);
    // Fewer values than bins: the last edge is clamped to the largest value.
    expect(quantileEdges([1, 2], 10)).toEqual([2]);
  });

  it('sorts numerically, not as strings', () => {
    expect(quantileEdges([10, 9, 100, 2], 2)).toEqual([10]);
  });

  it('allows feature names of letters, digits, _ and - only', () => {
    expect(distributionMetrics({ 'a_B-9': [1, 2] })).toEqual({ 'dist.a_B-9.0': 1, 'dist.a_B-9.1': 2 });
    expect(() => distributionMetrics({ '': [1] })).toThrow('feature name "" must be');
    expect(() => distributionMetrics({ 'a b': [1] })).toThrow('feature name "a b" must be');
    expect(() => distributionMetrics({ 'a/b': [1] })).toThrow(/feature name "a\/b"/);
  });

  it('reads only metrics named exactly dist.<feature>.<bin>', () => {
    expect(distributionsFromMetrics({ 'xdist.a.0': 1, 'dist.a.0x': 2, 'dist.a.': 3, 'dist..0': 4, 'dist.b.0': 5 }, 'r')).toEqual({ b: [5] });
    expect(distributionsFromMetrics({}, 'r')).toEqual({});
  });
});

describe('distributionsFromMetrics with ten or more bins', () => {
  it('reads multi-digit bin numbers', () => {
    const metrics = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`dist.rsi.${i}`, i]));
    expect(distributionsFromMetrics(metrics, 'r1')).toEqual({ rsi: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
  });
});
