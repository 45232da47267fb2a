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
