import { rsi, Signal, type BacktestConfig, type Strategy } from '@tradai/strategy-sdk';

export type RsiMeanReversionParams = {
  period: number;
  oversold: number;
  exit_level: number;
  take_profit: number;
  stop_loss: number;
};

/**
 * Mean reversion: buy when RSI closes below `oversold`, sell when it has recovered above
 * `exit_level`; the engine also takes profit and stops out (see {@link engine}).
 */
export const rsiMeanReversion: Strategy<RsiMeanReversionParams> = {
  name: 'rsi-mean-reversion',
  description: 'Buys oversold RSI, exits on RSI recovery, take-profit or stop-loss (long only).',
  timeframes: ['1h', '15m', '4h'],
  parameters: {
    period: { type: 'number', integer: true, min: 2, max: 100, default: 14 },
    oversold: { type: 'number', min: 1, max: 50, default: 30 },
    exit_level: { type: 'number', min: 20, max: 99, default: 55 },
    take_profit: { type: 'number', min: 0, max: 1, default: 0.04 },
    stop_loss: { type: 'number', min: 0, max: 0.5, default: 0.06 },
  },
  // Wilder's smoothing needs a few periods beyond the first value to settle.
  warmup: (p) => p.period * 3,
  signals(candles, p) {
    if (p.exit_level <= p.oversold) throw new RangeError(`rsi-mean-reversion: exit_level (${p.exit_level}) must be above oversold (${p.oversold})`);
    const r = rsi(candles.close, p.period);
    const out = new Int8Array(candles.length);
    for (let i = 0; i < candles.length; i++) {
      const v = r[i]!;
      if (Number.isNaN(v)) continue;
      if (v < p.oversold) out[i] = Signal.EnterLong;
      else if (v > p.exit_level) out[i] = Signal.ExitLong;
    }
    return out;
  },
  engine,
};

/** Engine settings from the parameters: take-profit and stop-loss (0 = none). */
export function engine(p: Readonly<Record<string, unknown>>): Partial<BacktestConfig> {
  const tp = Number(p['take_profit']);
  const sl = Number(p['stop_loss']);
  return { ...(tp > 0 ? { takeProfit: tp } : {}), ...(sl > 0 ? { stopLoss: sl } : {}) };
}

export default rsiMeanReversion;
