/**
 * Deterministic candles for the fake exchange. Each one-minute candle is a pure function of
 * (seed, symbol, minute), so any window of any query answers the same numbers, and every larger
 * interval is the aggregate of its minutes: the 1h candle is exactly its sixty 1m candles, like a
 * real exchange. No state, so a long-running fake never needs to remember a walk.
 */

/** One candle: open time (epoch ms) and OHLCV. */
export interface FakeCandle {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Answers the candle of `symbol` (exchange id, e.g. `BTCUSDT`) opening at `openTime`, `intervalMs` long. */
export type CandleFunction = (symbol: string, openTime: number, intervalMs: number) => FakeCandle;

const MINUTE = 60_000;

/**
 * Price noise at several scales (an hour, a day, a week, a month), each a smooth interpolation of
 * hashed lattice values with an amplitude growing like the square root of its scale: it wanders
 * like a random walk at every zoom level, yet any minute is computed on its own.
 */
const SCALES: readonly { minutes: number; amplitude: number }[] = [
  { minutes: 60, amplitude: 0.006 },
  { minutes: 1_440, amplitude: 0.03 },
  { minutes: 10_080, amplitude: 0.08 },
  { minutes: 43_200, amplitude: 0.16 },
];

/** The default candle function: a multi-scale noise walk around a per-symbol base price. */
export function seededCandles(seed = 1): CandleFunction {
  const cache = new Map<string, { key: number; base: number; tick: number; decimals: number }>();
  const symbolInfo = (symbol: string) => {
    let info = cache.get(symbol);
    if (!info) {
      const key = hashString(symbol) ^ Math.imul(seed, 0x9e3779b1);
      const base = basePrice(symbol, key);
      const decimals = Math.min(8, Math.max(0, 6 - Math.floor(Math.log10(base))));
      info = { key, base, tick: 10 ** -decimals, decimals };
      cache.set(symbol, info);
    }
    return info;
  };
  const logPrice = (key: number, minute: number) => {
    let sum = 0;
    for (const { minutes, amplitude } of SCALES) {
      const x = minute / minutes;
      const i = Math.floor(x);
      const f = x - i;
      const s = f * f * (3 - 2 * f); // smoothstep: no kinks at lattice points
      const a = unit(key + minutes, i) * 2 - 1;
      const b = unit(key + minutes, i + 1) * 2 - 1;
      sum += amplitude * (a + (b - a) * s);
    }
    return sum + 0.0008 * (unit(key, minute) * 2 - 1);
  };
  const minuteCandle = (symbol: string, minute: number): FakeCandle => {
    const { key, base, tick, decimals } = symbolInfo(symbol);
    // Through a decimal string, so the number is exactly what the wire's 8-decimal string parses to.
    const round = (p: number) => Math.max(tick, Number((Math.round(p / tick) * tick).toFixed(decimals)));
    const open = round(base * Math.exp(logPrice(key, minute - 1)));
    const close = round(base * Math.exp(logPrice(key, minute)));
    const high = round(Math.max(open, close) * (1 + 0.0006 * unit(key ^ 0x68, minute)));
    const low = round(Math.min(open, close) * (1 - 0.0006 * unit(key ^ 0x6c, minute)));
    // About 20k quote units a minute, varying by a factor of ~3 either way.
    const volume = Math.round(((20_000 / base) * Math.exp(2 * unit(key ^ 0x76, minute) - 1)) * 1e5) / 1e5;
    return { openTime: minute * MINUTE, open, high, low: Math.min(low, open, close), close, volume: Math.max(1e-5, volume) };
  };
  return (symbol, openTime, intervalMs) => {
    const first = Math.floor(openTime / MINUTE);
    const minutes = Math.max(1, Math.round(intervalMs / MINUTE));
    const c0 = minuteCandle(symbol, first);
    let { high, low, close, volume } = c0;
    for (let m = first + 1; m < first + minutes; m++) {
      const c = minuteCandle(symbol, m);
      if (c.high > high) high = c.high;
      if (c.low < low) low = c.low;
      close = c.close;
      volume += c.volume;
    }
    return { openTime, open: c0.open, high, low, close, volume: Math.round(volume * 1e5) / 1e5 };
  };
}

function basePrice(symbol: string, key: number): number {
  if (symbol.startsWith('BTC')) return 40_000;
  if (symbol.startsWith('ETH')) return 2_000;
  // Other symbols: somewhere between 0.1 and 1000, fixed per symbol.
  return Number((10 ** (unit(key, -1) * 4 - 1)).toPrecision(3));
}

/** A uniform number in [0, 1) from (key, n): a 32-bit integer hash (lowbias32), no state. */
function unit(key: number, n: number): number {
  let h = (key ^ Math.imul(n | 0, 0x85ebca6b) ^ Math.imul(Math.floor(n / 4_294_967_296), 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
