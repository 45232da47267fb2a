import type { CandleColumns } from '@tradai/market-data';

/**
 * The last `keep` closed candles of one symbol, as columns the strategy reads. Storage is fixed at
 * twice `keep`: when it fills, the newest `keep` move to the front (one copy per `keep` candles),
 * so a bot's memory stays flat however long it runs.
 */
export class CandleBuffer {
  private readonly cols: { timestamp: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array };
  private len = 0;

  constructor(readonly keep: number) {
    const cap = keep * 2;
    this.cols = {
      timestamp: new Float64Array(cap),
      open: new Float64Array(cap),
      high: new Float64Array(cap),
      low: new Float64Array(cap),
      close: new Float64Array(cap),
      volume: new Float64Array(cap),
    };
  }

  get length(): number {
    return this.len;
  }

  /** Open time of the newest candle, or -Infinity when empty. */
  get last(): number {
    return this.len ? this.cols.timestamp[this.len - 1]! : -Infinity;
  }

  /** Appends the candles of `c` newer than the newest held (older or repeated ones are ignored). */
  append(c: CandleColumns): number {
    let added = 0;
    for (let i = 0; i < c.length; i++) {
      if (c.timestamp[i]! <= this.last) continue;
      if (this.len === this.cols.timestamp.length) this.compact();
      const j = this.len++;
      this.cols.timestamp[j] = c.timestamp[i]!;
      this.cols.open[j] = c.open[i]!;
      this.cols.high[j] = c.high[i]!;
      this.cols.low[j] = c.low[i]!;
      this.cols.close[j] = c.close[i]!;
      this.cols.volume[j] = c.volume[i]!;
      added++;
    }
    return added;
  }

  /** Index of the candle opening at `t`, or -1. */
  indexOf(t: number): number {
    // Newest first: the bot asks about the last few candles.
    for (let i = this.len - 1; i >= 0; i--) {
      const ts = this.cols.timestamp[i]!;
      if (ts === t) return i;
      if (ts < t) return -1;
    }
    return -1;
  }

  /** Candles 0..i (inclusive) as views, no copy: what `strategy.signals` sees at the close of candle i. */
  upTo(i: number): CandleColumns {
    const n = i + 1;
    const c = this.cols;
    return {
      length: n,
      timestamp: c.timestamp.subarray(0, n),
      open: c.open.subarray(0, n),
      high: c.high.subarray(0, n),
      low: c.low.subarray(0, n),
      close: c.close.subarray(0, n),
      volume: c.volume.subarray(0, n),
    };
  }

  /** OHLC of candle i. */
  candle(i: number): { t: number; o: number; h: number; l: number; c: number } {
    const c = this.cols;
    return { t: c.timestamp[i]!, o: c.open[i]!, h: c.high[i]!, l: c.low[i]!, c: c.close[i]! };
  }

  private compact(): void {
    const from = this.len - this.keep;
    for (const col of Object.values(this.cols)) col.copyWithin(0, from, this.len);
    this.len = this.keep;
  }
}
