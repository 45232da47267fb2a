import { ValidationError } from '@tradai/domain';
import { emptyColumns, TIMEFRAME_MS, type CandleColumns, type Timeframe } from './candles.js';

const YEAR_MS = 365 * 86_400_000;

export interface GenerateCandlesArgs {
  /** Only shapes the default price and tick; the walk itself depends on `seed` alone. */
  readonly symbol?: string;
  readonly timeframe: Timeframe;
  /** Open time of the first candle (epoch ms); must be aligned to the timeframe. */
  readonly start: number;
  readonly count: number;
  /** Same seed and arguments, same candles, on every machine. */
  readonly seed: number;
  /** Open of the first candle (default 40,000 for BTC/*, 2,000 for ETH/*, 100 otherwise). */
  readonly startPrice?: number;
  /** Annualised volatility of log returns (default 0.6, about crypto's). */
  readonly volatility?: number;
}

/**
 * Deterministic geometric random walk shaped like exchange candles: each open is the previous
 * close, high >= max(open, close), low <= min(open, close), volume > 0, prices on a tick of about
 * seven significant digits (like Binance's 0.01 on BTC/USDT) so the sample compresses like real data.
 */
export function generateCandles(args: GenerateCandlesArgs): CandleColumns {
  const { timeframe, start, count, seed } = args;
  const step = TIMEFRAME_MS[timeframe];
  if (step === undefined) throw new ValidationError(`unknown timeframe "${String(timeframe)}"`, 'timeframe');
  if (!Number.isSafeInteger(start) || start % step !== 0) {
    throw new ValidationError(`start ${start} is not aligned to the ${timeframe} timeframe`, 'start');
  }
  if (!Number.isSafeInteger(count) || count < 0) throw new ValidationError(`count must be a non-negative integer, got ${count}`, 'count');
  const startPrice = args.startPrice ?? defaultPrice(args.symbol);
  if (!(startPrice > 0)) throw new ValidationError(`startPrice must be positive, got ${startPrice}`, 'startPrice');
  const volatility = args.volatility ?? 0.6;
  if (!(volatility >= 0)) throw new ValidationError(`volatility must be >= 0, got ${volatility}`, 'volatility');

  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const sigma = volatility * Math.sqrt(step / YEAR_MS);
  const tick = 10 ** (Math.floor(Math.log10(startPrice)) - 6);
  // Divide by the inverse tick so 45934.2 is stored as 45934.2, not 45934.200000000004.
  const perUnit = Math.round(1 / tick);
  const round = tick < 1 ? (price: number) => Math.max(tick, Math.round(price * perUnit) / perUnit) : (price: number) => Math.max(tick, Math.round(price / tick) * tick);
  // Base volume: about one million quote units per hour, in base units.
  const baseVolume = (1e6 * (step / 3_600_000)) / startPrice;

  const c = emptyColumns(count);
  let close = round(startPrice);
  for (let i = 0; i < count; i++) {
    const open = close;
    close = round(open * Math.exp(sigma * gauss()));
    // Wicks beyond the body: half-normal excursions of the same scale as the move.
    const high = round(Math.max(open, close) * Math.exp(Math.abs(sigma * gauss()) * 0.5));
    const low = round(Math.min(open, close) * Math.exp(-Math.abs(sigma * gauss()) * 0.5));
    c.timestamp[i] = start + i * step;
    c.open[i] = open;
    c.high[i] = high;
    c.low[i] = Math.min(low, open, close);
    c.close[i] = close;
    c.volume[i] = Math.max(1e-5, Math.round(baseVolume * Math.exp(0.8 * gauss()) * 1e5) / 1e5);
  }
  return c;
}

function defaultPrice(symbol: string | undefined): number {
  if (symbol?.startsWith('BTC/')) return 40_000;
  if (symbol?.startsWith('ETH/')) return 2_000;
  return 100;
}

/** mulberry32: a tiny, fast 32-bit PRNG; good enough for sample data and fully reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Candles whose open, high, low and close are all `closes[i]` (volume 1), one per `stepMs` from
 * `start`: the smallest fixture a signal test can reason about by hand.
 */
export function candlesFromCloses(closes: readonly number[], stepMs = 3_600_000, start = 0): CandleColumns {
  const c = emptyColumns(closes.length);
  closes.forEach((v, i) => {
    c.timestamp[i] = start + i * stepMs;
    c.open[i] = c.high[i] = c.low[i] = c.close[i] = v;
    c.volume[i] = 1;
  });
  return c;
}
