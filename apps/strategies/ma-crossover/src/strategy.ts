import { crossed, ema, sma, Signal, type BacktestConfig, type Strategy } from '@tradai/strategy-sdk';

export type MaCrossoverParams = {
  fast: number;
  slow: number;
  kind: string;
  stop_loss: number;
};

/** Moving average of `kind` (declared enum: sma | ema). */
const average = (kind: string) => (kind === 'ema' ? ema : sma);

/**
 * Trend following: enter long when the fast moving average crosses above the slow one, exit when
 * it crosses back below. The stop-loss is the engine's (see {@link engine}).
 */
export const maCrossover: Strategy<MaCrossoverParams> = {
  name: 'ma-crossover',
  description: 'Fast/slow moving-average crossover (long only), with an optional stop-loss.',
  timeframes: ['1h', '15m', '4h', '1d'],
  parameters: {
    fast: { type: 'number', integer: true, min: 2, max: 200, default: 12 },
    slow: { type: 'number', integer: true, min: 3, max: 400, default: 26 },
    kind: { type: 'string', enum: ['sma', 'ema'], default: 'ema' },
    stop_loss: { type: 'number', min: 0, max: 0.5, default: 0.05 },
  },
  warmup: (p) => Math.max(p.fast, p.slow),
  signals(candles, p) {
    if (p.fast >= p.slow) throw new RangeError(`ma-crossover: fast (${p.fast}) must be below slow (${p.slow})`);
    const avg = average(p.kind);
    const fast = avg(candles.close, p.fast);
    const slow = avg(candles.close, p.slow);
    const out = new Int8Array(candles.length);
    for (let i = 1; i < candles.length; i++) {
      const c = crossed(fast, slow, i);
      if (c === 1) out[i] = Signal.EnterLong;
      else if (c === -1) out[i] = Signal.ExitLong;
    }
    return out;
  },
  engine,
};

/** Engine settings from the parameters: the stop-loss (0 = none). */
export function engine(p: Readonly<Record<string, unknown>>): Partial<BacktestConfig> {
  const stop = Number(p['stop_loss']);
  return stop > 0 ? { stopLoss: stop } : {};
}

export default maCrossover;
