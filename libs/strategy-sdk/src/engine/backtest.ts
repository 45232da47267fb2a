import { checkParameters, computeBacktestMetrics, ValidationError, type ParameterValue } from '@tradai/domain';
import { TIMEFRAME_MS, type CandleColumns } from '@tradai/market-data';
import { parseBacktestConfig } from './config.js';
import { Portfolio } from './portfolio.js';
import type { BacktestArgs, BacktestResult, EquityPoint, Trade } from './types.js';

/**
 * The backtest engine. Semantics (documented once, here):
 * - Signals are computed once per symbol by `strategy.signals` over the candles before the window
 *   end (so a strategy cannot read past it); the signal of candle i is acted on at the OPEN of
 *   candle i+1 (no look-ahead). Only signals of candles inside the window are acted on; the last
 *   candle's signal is never filled.
 * - At each timestamp: signal exits of every symbol first, then entries (so a freed slot can be
 *   reused at once), then stop-loss / take-profit inside the candle against its low/high (from
 *   the fill candle on), then minimal-ROI at the close. If both stop-loss and take-profit lie
 *   inside one candle's range, the stop-loss is assumed hit first (pessimistic: OHLC cannot tell
 *   the order). A candle that opens beyond the stop or target fills at its open (a gap).
 * - Every fill has adverse slippage (buys higher, sells lower) and `feeRate` on its value. A long
 *   commits `stake` quote (entry fee included) and buys (stake - fee) / price. A short commits the
 *   same and is marked as stake - fee + amount * (entry - price).
 * - At most one trade per symbol and `maxOpenTrades` in total, sharing one cash balance; an entry
 *   without enough cash for a fixed stake is skipped. Open trades close at each symbol's last
 *   close (`end_of_data`).
 * - Equity is marked to market at every candle close of the merged timeline (exit fees are not
 *   deducted until the exit), so the last point equals the final balance.
 */
export function runBacktest<P extends Record<string, ParameterValue>>(args: BacktestArgs<P>): BacktestResult {
  const config = parseBacktestConfig(args.config);
  const { strategy, timeframe } = args;
  const tfMs = TIMEFRAME_MS[timeframe];
  if (tfMs === undefined) throw new ValidationError(`invalid backtest: timeframe: unknown timeframe "${String(timeframe)}"`, 'timeframe');
  const params = checkParameters(strategy.parameters, args.params) as P;
  const symbols = Object.keys(args.candles);
  if (symbols.length === 0) throw new ValidationError('invalid backtest: candles: no symbols given', 'candles');
  const start = args.range?.start ?? -Infinity;
  const end = args.range?.end ?? Infinity;
  if (!(start < end)) throw new ValidationError(`invalid backtest: range: start ${start} must be before end ${end}`, 'range');

  const n = symbols.length;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const cols: CandleColumns[] = [];
  const sigs: Int8Array[] = [];
  let windowCandles = 0;
  symbols.forEach((symbol, k) => {
    const c = args.candles[symbol]!;
    assertAscending(c, symbol);
    from[k] = lowerBound(c.timestamp, c.length, start);
    to[k] = lowerBound(c.timestamp, c.length, end);
    const view = to[k] === c.length ? c : head(c, to[k]!);
    const sig = strategy.signals(view, params, args.model);
    if (sig.length !== view.length) {
      throw new ValidationError(`strategy ${strategy.name} returned ${sig.length} signals for ${view.length} candles of ${symbol}`, 'signals');
    }
    for (let i = 0; i < sig.length; i++) {
      if (sig[i]! < -2 || sig[i]! > 2) throw new ValidationError(`strategy ${strategy.name} returned unknown signal ${sig[i]} at candle ${i} of ${symbol}`, 'signals');
    }
    cols.push(view);
    sigs.push(sig);
    windowCandles += to[k]! - from[k]!;
  });
  const timeline = mergeTimeline(cols, from, to);
  if (timeline.length < 2) {
    const window = args.range ? `[${new Date(start).toISOString()}, ${new Date(end).toISOString()})` : '(all candles)';
    throw new ValidationError(
      `invalid backtest: range: ${timeline.length === 0 ? 'no candles' : 'only one candle'} of ${symbols.join(', ')} in the window ${window}; need at least 2 (${windowCandles} found)`,
      'range',
    );
  }

  // The decision rules and fill model are the Portfolio's, shared with the trading engine's bots.
  const book = new Portfolio(config, symbols, tfMs);
  const { side } = book;
  const lastCloseAt = new Float64Array(n);
  const ptr = Int32Array.from(from);
  const present = new Uint8Array(n);
  const trades: Trade[] = [];

  const equity = new Float64Array(timeline.length);
  const last = timeline.length - 1;
  for (let ti = 0; ti <= last; ti++) {
    const t = timeline[ti]!;
    // 1. Signal exits at this candle's open (signal of the previous candle).
    for (let k = 0; k < n; k++) {
      const j = ptr[k]!;
      present[k] = j < to[k]! && cols[k]!.timestamp[j] === t ? 1 : 0;
      if (!present[k] || side[k] === 0 || j - 1 < from[k]!) continue;
      if (book.signalExit(k, sigs[k]![j - 1]!)) trades.push(book.simulateClose(k, cols[k]!.open[j]!, t, 'signal'));
    }
    // 2. Entries at the same open; a fractional stake is of equity marked at the last closes.
    if (book.canOpen()) {
      const equityNow = book.fractionalStake ? book.equity() : book.cash;
      for (let k = 0; k < n && book.canOpen(); k++) {
        const j = ptr[k]!;
        if (!present[k] || side[k] !== 0 || j - 1 < from[k]!) continue;
        const dir = book.entryDirection(k, sigs[k]![j - 1]!);
        if (dir === 0) continue;
        const stake = book.stakeFor(equityNow);
        if (stake !== stake) continue;
        book.simulateOpen(k, dir, cols[k]!.open[j]!, t, stake);
      }
    }
    // 3. Stop-loss / take-profit inside the candle, then minimal ROI at its close.
    for (let k = 0; k < n; k++) {
      if (!present[k]) continue;
      const j = ptr[k]!;
      const c = cols[k]!;
      if (side[k] !== 0) {
        const exit = book.candleExit(k, t, c.open[j]!, c.high[j]!, c.low[j]!, c.close[j]!);
        if (exit) trades.push(book.simulateClose(k, exit.raw, exit.at, exit.reason));
      }
      book.markClose(k, c.close[j]!);
      lastCloseAt[k] = t + tfMs;
      ptr[k] = j + 1;
    }
    if (ti === last) for (let k = 0; k < n; k++) if (side[k] !== 0) trades.push(book.simulateClose(k, book.lastClose[k]!, lastCloseAt[k]!, 'end_of_data'));
    equity[ti] = book.equity();
  }
  const cash = book.cash;

  const metrics = computeBacktestMetrics({ timeframe, startingBalance: config.startingBalance, timestamps: timeline, equity, trades });
  return {
    strategy: strategy.name,
    timeframe,
    params,
    config,
    symbols,
    startingBalance: config.startingBalance,
    finalBalance: cash,
    trades,
    equityCurve: { length: timeline.length, timestamp: timeline, equity },
    metrics,
  };
}

/** The equity curve as `{ timestamp, equity }` objects (for charts and JSON). */
export function equityPoints(result: Pick<BacktestResult, 'equityCurve'>): EquityPoint[] {
  const { timestamp, equity, length } = result.equityCurve;
  return Array.from({ length }, (_, i) => ({ timestamp: timestamp[i]!, equity: equity[i]! }));
}

/** First index whose timestamp is >= `t` (binary search; timestamps ascending). */
/** First index below `n` whose timestamp is >= t. Searches `length` candles, not the arrays: columns may be views over longer buffers. */
function lowerBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first `count` candles, as views (no copy). */
function head(c: CandleColumns, count: number): CandleColumns {
  return {
    length: count,
    timestamp: c.timestamp.subarray(0, count),
    open: c.open.subarray(0, count),
    high: c.high.subarray(0, count),
    low: c.low.subarray(0, count),
    close: c.close.subarray(0, count),
    volume: c.volume.subarray(0, count),
  };
}

function assertAscending(c: CandleColumns, symbol: string): void {
  const cols = [c.timestamp, c.open, c.high, c.low, c.close, c.volume];
  if (cols.some((col) => col.length < c.length)) throw new ValidationError(`invalid candles of ${symbol}: a column is shorter than length ${c.length}`, `candles.${symbol}`);
  for (let i = 1; i < c.length; i++) {
    if (!(c.timestamp[i]! > c.timestamp[i - 1]!)) {
      throw new ValidationError(`invalid candles of ${symbol}: timestamp ${i} (${c.timestamp[i]}) is not after the previous one`, `candles.${symbol}`);
    }
  }
}

/** Sorted distinct timestamps of every symbol's window `[from, to)`. */
function mergeTimeline(cols: readonly CandleColumns[], from: Int32Array, to: Int32Array): Float64Array {
  // One symbol: a view of its timestamps (no 4 MB copy per year of 1m candles).
  if (cols.length === 1) return cols[0]!.timestamp.subarray(from[0], to[0]);
  let total = 0;
  cols.forEach((_, k) => (total += to[k]! - from[k]!));
  const all = new Float64Array(total);
  let at = 0;
  cols.forEach((c, k) => {
    all.set(c.timestamp.subarray(from[k], to[k]), at);
    at += to[k]! - from[k]!;
  });
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[w - 1]) all[w++] = all[i]!;
  return all.slice(0, w);
}
