import type { CandleColumns } from '@tradai/market-data';
import { crossed, sma } from '../../indicators/index.js';
import { Signal, type Strategy } from '../../strategy.js';

/** Test and benchmark fixtures of the engine (not exported from the package). */

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1);

/** Candles from [open, high, low, close] rows, one per `step` from `start`; volume 1. */
export function candles(rows: readonly (readonly [number, number, number, number])[], start = T0, step = HOUR): CandleColumns {
  const col = (f: (r: readonly [number, number, number, number], i: number) => number) => Float64Array.from(rows, f);
  return {
    length: rows.length,
    timestamp: col((_, i) => start + i * step),
    open: col((r) => r[0]),
    high: col((r) => r[1]),
    low: col((r) => r[2]),
    close: col((r) => r[3]),
    volume: col(() => 1),
  };
}

/** A strategy emitting fixed signals: `at[i]` is the signal at the close of candle i. */
export function fixedSignals(at: Readonly<Record<number, number>>, name = 'fixed'): Strategy {
  return {
    name,
    description: 'fixed signals for tests',
    timeframes: ['1h'],
    parameters: { size: { type: 'number', integer: true, min: 1, max: 10, default: 1 } },
    warmup: () => 0,
    signals: (c) => {
      const out = new Int8Array(c.length);
      for (const [i, s] of Object.entries(at)) if (Number(i) < c.length) out[Number(i)] = s;
      return out;
    },
  };
}

type MaParams = { fast: number; slow: number };

/** Moving-average crossover: enter long when SMA(fast) crosses above SMA(slow), exit when it crosses below. */
export const maCrossover: Strategy<MaParams> = {
  name: 'ma-crossover-fixture',
  description: 'SMA crossover (engine tests and benchmark)',
  timeframes: ['1m', '1h'],
  parameters: {
    fast: { type: 'number', integer: true, min: 2, max: 500, default: 20 },
    slow: { type: 'number', integer: true, min: 3, max: 2000, default: 50 },
  },
  warmup: (p) => p.slow,
  signals: (c, p) => {
    const fast = sma(c.close, p.fast);
    const slow = sma(c.close, p.slow);
    const out = new Int8Array(c.length);
    for (let i = 1; i < c.length; i++) {
      const x = crossed(fast, slow, i);
      out[i] = x === 1 ? Signal.EnterLong : x === -1 ? Signal.ExitLong : Signal.Hold;
    }
    return out;
  },
};

/** Deterministic random-walk candles (mulberry32), for properties that need many trades. */
export function randomWalk(count: number, seed: number, start = T0, step = HOUR): CandleColumns {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rows: [number, number, number, number][] = [];
  let close = 100;
  for (let i = 0; i < count; i++) {
    const open = close;
    close = open * (1 + (random() - 0.5) * 0.04);
    rows.push([open, Math.max(open, close) * (1 + random() * 0.01), Math.min(open, close) * (1 - random() * 0.01), close]);
  }
  return candles(rows, start, step);
}
