import type { CandleColumns } from '@tradai/market-data';
import type { BacktestResult, Trade } from '../engine/types.js';

/** Chart points are `[time (epoch seconds, what the chart library takes), value]`: compact JSON. */
export type Point = readonly [number, number];
/** `[time s, open, high, low, close]`. */
export type Bar = readonly [number, number, number, number, number];

export interface TradeMarker {
  /** Epoch seconds of the bar the marker sits on. */
  readonly time: number;
  readonly kind: 'entry' | 'exit';
  readonly side: Trade['side'];
  /** Entry: `L`/`S`; exit: net profit ratio as a signed percent. */
  readonly text: string;
  /** Exit markers: whether the trade made money. */
  readonly win?: boolean;
}

export interface SymbolChart {
  readonly symbol: string;
  readonly bars: readonly Bar[];
  readonly markers: readonly TradeMarker[];
  /** Candles per bar (1 unless the series was downsampled to fit the report). */
  readonly barSize: number;
}

/** Everything the report's script draws, embedded as JSON. */
export interface ReportData {
  readonly equity: readonly Point[];
  /** Drawdown below the running peak, in percent (<= 0). */
  readonly drawdown: readonly Point[];
  readonly symbols: readonly SymbolChart[];
}

/** Points per chart series above which the report downsamples (a year of 1m candles is 525k). */
export const MAX_CHART_POINTS = 20_000;

const sec = (ms: number) => Math.floor(ms / 1000);
const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The report's chart data: equity, underwater curve and per-symbol bars with trade markers. */
export function reportData(result: BacktestResult, candles: Readonly<Record<string, CandleColumns>>, maxPoints = MAX_CHART_POINTS): ReportData {
  const { timestamp, equity } = result.equityCurve;
  const n = result.equityCurve.length;
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const equityPoints: Point[] = [];
  const drawdownPoints: Point[] = [];
  let peak = -Infinity;
  for (let from = 0; from < n; from += step) {
    const to = Math.min(n, from + step);
    // The bucket keeps its last equity and its deepest drawdown, so downsampling never hides the worst point.
    let worst = 0;
    for (let i = from; i < to; i++) {
      peak = Math.max(peak, equity[i]!);
      worst = Math.min(worst, peak > 0 ? equity[i]! / peak - 1 : 0);
    }
    equityPoints.push([sec(timestamp[from]!), round(equity[to - 1]!, 2)]);
    drawdownPoints.push([sec(timestamp[from]!), round(worst * 100, 4)]);
  }
  // Show candles over the traded window only (the engine may have been given warm-up candles before it).
  const first = n > 0 ? timestamp[0]! : -Infinity;
  const last = n > 0 ? timestamp[n - 1]! : Infinity;
  const symbols = Object.keys(candles)
    .sort()
    .map((symbol) => symbolChart(symbol, candles[symbol]!, first, last, result.trades, maxPoints));
  return { equity: equityPoints, drawdown: drawdownPoints, symbols };
}

function symbolChart(symbol: string, c: CandleColumns, first: number, last: number, trades: readonly Trade[], maxPoints: number): SymbolChart {
  let from = 0;
  while (from < c.length && c.timestamp[from]! < first) from++;
  let to = from;
  while (to < c.length && c.timestamp[to]! <= last) to++;
  const size = Math.max(1, Math.ceil((to - from) / maxPoints));
  const bars: Bar[] = [];
  for (let b = from; b < to; b += size) {
    const e = Math.min(to, b + size);
    let high = -Infinity;
    let low = Infinity;
    for (let i = b; i < e; i++) {
      high = Math.max(high, c.high[i]!);
      low = Math.min(low, c.low[i]!);
    }
    bars.push([sec(c.timestamp[b]!), c.open[b]!, high, low, c.close[e - 1]!]);
  }
  // A marker sits on the bar holding its time (an exit at a candle's close time belongs to the candle before).
  const barTime = (ms: number): number | undefined => {
    if (bars.length === 0) return undefined;
    const t = sec(ms);
    let lo = 0;
    let hi = bars.length - 1;
    if (t < bars[0]![0]) return bars[0]![0];
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (bars[mid]![0] <= t) lo = mid;
      else hi = mid - 1;
    }
    return bars[lo]![0];
  };
  const markers: TradeMarker[] = [];
  for (const trade of trades) {
    if (trade.pair !== symbol) continue;
    const open = barTime(trade.openedAt);
    // ROI and end-of-data exits fill at the candle's close time (= the next open): they belong to the candle before.
    const atClose = trade.exitReason === 'roi' || trade.exitReason === 'end_of_data';
    const close = barTime(atClose ? trade.closedAt - 1 : trade.closedAt);
    if (open === undefined || close === undefined) continue;
    markers.push({ time: open, kind: 'entry', side: trade.side, text: trade.side === 'long' ? 'L' : 'S' });
    const pct = trade.profitRatio * 100;
    markers.push({ time: close, kind: 'exit', side: trade.side, text: `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`, win: trade.profitAbs > 0 });
  }
  markers.sort((a, b) => a.time - b.time);
  return { symbol, bars, markers, barSize: size };
}
