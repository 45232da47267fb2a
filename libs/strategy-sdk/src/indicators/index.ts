import { ValidationError } from '@tradai/domain';
import { ATR, BollingerBands, EMA, MACD, RSI } from 'trading-signals';

/**
 * Column indicators: a Float64Array in, a Float64Array of the same length out, NaN during warm-up
 * (value i uses inputs 0..i only, so a strategy built on them never looks ahead).
 *
 * Built on `trading-signals` (maintained, TypeScript, plain-number classes since v7): its
 * indicators are streaming (`update(value)` per candle), which is the trading engine's
 * one-candle-at-a-time path too. SMA and EMA are the exception, written here as O(1) loops: the
 * library's SMA re-averages its window per update and both allocate per value, 10-20x slower over a
 * year of 1m candles (the backtest's hot path); tests pin them to the library's values.
 */

function checkPeriod(name: string, period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new ValidationError(`${name}: period must be a positive integer, got ${period}`, 'period');
}

/** Feeds `values` through a streaming indicator; NaN while it returns no value (warm-up). */
function run(values: ArrayLike<number>, update: (v: number) => number | null): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = update(values[i]!) ?? NaN;
  return out;
}

/** Simple moving average over `period` values (rolling sum; same values as trading-signals' SMA). */
export function sma(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod('sma', period);
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    out[i] = i >= period - 1 ? sum / period : NaN;
  }
  return out;
}

/**
 * Exponential moving average, alpha 2 / (period + 1), seeded with the first value (trading-signals'
 * EMA formula); NaN for the first period - 1 values, where it is not yet stable.
 */
export function ema(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod('ema', period);
  const out = new Float64Array(values.length);
  const w = 2 / (period + 1);
  let prev = values.length > 0 ? values[0]! : 0;
  for (let i = 0; i < values.length; i++) {
    prev = values[i]! * w + prev * (1 - w);
    out[i] = i >= period - 1 ? prev : NaN;
  }
  return out;
}

/** Relative strength index (Wilder smoothing), 0..100; first value at index `period`. */
export function rsi(values: ArrayLike<number>, period: number): Float64Array {
  checkPeriod('rsi', period);
  const ind = new RSI(period);
  return run(values, (v) => ind.update(v, false));
}

export interface Bands {
  readonly lower: Float64Array;
  readonly middle: Float64Array;
  readonly upper: Float64Array;
}

/** Bollinger bands: SMA(period) +/- `deviations` population standard deviations. */
export function bollinger(values: ArrayLike<number>, period: number, deviations = 2): Bands {
  checkPeriod('bollinger', period);
  const ind = new BollingerBands(period, deviations);
  const lower = new Float64Array(values.length).fill(NaN);
  const middle = new Float64Array(values.length).fill(NaN);
  const upper = new Float64Array(values.length).fill(NaN);
  for (let i = 0; i < values.length; i++) {
    const r = ind.update(values[i]!, false);
    if (r) {
      lower[i] = r.lower;
      middle[i] = r.middle;
      upper[i] = r.upper;
    }
  }
  return { lower, middle, upper };
}

export interface MacdColumns {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}

/** MACD: EMA(fast) - EMA(slow), its EMA(signal) and the difference (defaults 12/26/9). */
export function macd(values: ArrayLike<number>, fast = 12, slow = 26, signalPeriod = 9): MacdColumns {
  for (const [n, p] of [['fast', fast], ['slow', slow], ['signal', signalPeriod]] as const) checkPeriod(`macd ${n}`, p);
  const ind = new MACD(new EMA(fast), new EMA(slow), new EMA(signalPeriod));
  const m = new Float64Array(values.length).fill(NaN);
  const s = new Float64Array(values.length).fill(NaN);
  const h = new Float64Array(values.length).fill(NaN);
  for (let i = 0; i < values.length; i++) {
    const r = ind.update(values[i]!, false);
    if (r) {
      m[i] = r.macd;
      s[i] = r.signal;
      h[i] = r.histogram;
    }
  }
  return { macd: m, signal: s, histogram: h };
}

/** Average true range (Wilder smoothing) of high/low/close columns. */
export function atr(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number): Float64Array {
  checkPeriod('atr', period);
  const ind = new ATR(period);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = ind.update({ high: high[i]!, low: low[i]!, close: close[i]! }, false) ?? NaN;
  return out;
}

/** Which way `a` crossed `b` at index i: 1 up (a[i-1] <= b[i-1], a[i] > b[i]), -1 down, 0 otherwise or NaN. */
export function crossed(a: ArrayLike<number>, b: ArrayLike<number>, i: number): -1 | 0 | 1 {
  if (i < 1) return 0;
  const pa = a[i - 1]!;
  const pb = b[i - 1]!;
  const ca = a[i]!;
  const cb = b[i]!;
  if (pa <= pb && ca > cb) return 1;
  if (pa >= pb && ca < cb) return -1;
  return 0;
}
