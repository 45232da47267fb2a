import { NotFoundError } from '@tradai/domain';
import { TIMEFRAME_MS, type CandleColumns, type SeriesKey, type TimeRange, type Timeframe } from '@tradai/market-data';

/** What the task needs of the candle store (`createCandleStore(...)` satisfies it). */
export interface CandleReader {
  read(key: SeriesKey, range: TimeRange): Promise<CandleColumns>;
}

export interface CandleWindow {
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** The window to trade or train on, `[start, end)` epoch ms. */
  readonly range: TimeRange;
  /** Candles wanted before `range.start` so indicators are warm at the first candle (best effort). */
  readonly warmup: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Candles per symbol for the window plus up to `warmup` earlier ones. The window itself must be
 * covered: a symbol whose candles start after the window's first candle or end before its last is
 * refused, naming the symbol and the span present (a backtest on part of the window would report
 * numbers for a period it never saw).
 */
export async function loadCandles(reader: CandleReader, w: CandleWindow, location: string): Promise<Record<string, CandleColumns>> {
  const step = TIMEFRAME_MS[w.timeframe];
  const first = Math.ceil(w.range.start / step) * step;
  const last = Math.ceil(w.range.end / step) * step - step;
  if (last < first) throw new NotFoundError(`window ${iso(w.range.start)} .. ${iso(w.range.end)} holds no whole ${w.timeframe} candle`);
  const out: Record<string, CandleColumns> = {};
  for (const symbol of w.symbols) {
    const c = await reader.read({ exchange: w.exchange, symbol, timeframe: w.timeframe }, { start: first - w.warmup * step, end: w.range.end });
    const inWindow = c.length > 0 ? c.timestamp[c.length - 1]! >= first : false;
    const what = `${w.exchange} ${symbol} ${w.timeframe}`;
    const span = `${iso(first)} .. ${iso(last)}`;
    if (!inWindow) throw new NotFoundError(`missing candles: no ${what} candles for ${span} in ${location}`);
    const firstInWindow = c.timestamp.findIndex((t) => t >= first);
    if (c.timestamp[firstInWindow]! > first || c.timestamp[c.length - 1]! < last) {
      throw new NotFoundError(`missing candles: ${what} covers ${iso(c.timestamp[firstInWindow]!)} .. ${iso(c.timestamp[c.length - 1]!)} of ${span} in ${location}`);
    }
    out[symbol] = c;
  }
  return out;
}
